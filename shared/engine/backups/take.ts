/**
 * A file with its backups: before each statement that destroys data (plan.ts), a call to
 * supamigrate.take_backup (schema.ts) in the same transaction. The call stands at the statement's
 * position, so a refusal (the backup cap, SQLSTATE SM003) is reported at the statement it protects.
 */
import { sqlLiteral } from "../tracking/rows.ts";
import type { RunnableFile, RunnableStatement } from "../run/split.ts";
import { type BackupTarget, backupTargets } from "../../schema/backup-targets.ts";

/** The file with a backup call before each destructive statement; the file itself when there is none. */
export function withBackups(file: RunnableFile, migration: string, maxBytes: number): RunnableFile {
  if (!file.transactional) return file;
  let any = false;
  const statements = file.statements.flatMap((statement): RunnableStatement[] => {
    const targets = backupTargets(statement.node);
    if (targets.length === 0) return [statement];
    any = true;
    return [...targets.map((target) => backupCall(statement, migration, target, maxBytes)), statement];
  });
  return any ? { ...file, statements } : file;
}

function backupCall(before: RunnableStatement, migration: string, target: BackupTarget, maxBytes: number): RunnableStatement {
  const args = [migration, target.kind, target.relation, target.column].map(sqlLiteral);
  return {
    text: `select supamigrate.take_backup(${args.join(", ")}, ${Math.floor(maxBytes)})`,
    fileStart: before.fileStart,
    // Not the file's: a trace shows it as the backup it is.
    kind: "supamigrate backup",
    node: null,
    replacements: [],
  };
}
