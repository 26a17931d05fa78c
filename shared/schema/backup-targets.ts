/**
 * Which data a statement destroys, read from its parse tree: the tables a DROP TABLE drops, the columns
 * an ALTER TABLE drops or retypes, the rows a DELETE or UPDATE without WHERE or a TRUNCATE changes.
 * Relations are kept as written (`public.notes`, `notes`): the database resolves them when the backup is
 * taken, with the file's own search_path, so the copy is of exactly what the statement will touch.
 */
import { nameListSql, nodeFields, relationSql } from "../sql/names.ts";

export type BackupKind = "table" | "column" | "deleted-rows" | "updated-rows";

export interface BackupTarget {
  readonly kind: BackupKind;
  /** The relation as SQL, as the statement names it. */
  readonly relation: string;
  /** The column, for `column` backups. */
  readonly column: string | null;
}

/** What `node` (one statement's parse tree) destroys; [] for a statement that destroys nothing. */
export function backupTargets(node: Record<string, unknown> | null): BackupTarget[] {
  if (node === null) return [];
  const drop = nodeFields(node, "DropStmt");
  if (drop) {
    if (drop.removeType !== "OBJECT_TABLE" || !Array.isArray(drop.objects)) return [];
    return drop.objects.map((names) => ({ kind: "table", relation: nameListSql(names), column: null }));
  }
  const alter = nodeFields(node, "AlterTableStmt");
  if (alter) {
    if (alter.objtype !== "OBJECT_TABLE" || !Array.isArray(alter.cmds)) return [];
    const relation = relationSql(alter.relation);
    return alter.cmds.flatMap((cmd): BackupTarget[] => {
      const fields = nodeFields(cmd, "AlterTableCmd");
      if (!fields || typeof fields.name !== "string") return [];
      return fields.subtype === "AT_DropColumn" || fields.subtype === "AT_AlterColumnType"
        ? [{ kind: "column", relation, column: fields.name }]
        : [];
    });
  }
  const remove = nodeFields(node, "DeleteStmt");
  if (remove) return remove.whereClause ? [] : [{ kind: "deleted-rows", relation: relationSql(remove.relation), column: null }];
  const update = nodeFields(node, "UpdateStmt");
  if (update) return update.whereClause ? [] : [{ kind: "updated-rows", relation: relationSql(update.relation), column: null }];
  const truncate = nodeFields(node, "TruncateStmt");
  if (truncate && Array.isArray(truncate.relations)) {
    return truncate.relations.map((r) => ({ kind: "deleted-rows", relation: relationSql(r), column: null }));
  }
  return [];
}
