/** Every refusal the engine answers before anything runs: one constructor per code. */
import { MAX_ROLLBACK_STEPS } from "../../protocol/validate.ts";
import type { Rejection } from "../types.ts";

export function unknownTarget(to: string, where: string): Rejection {
  return {
    status: 400,
    code: "unknown-target",
    message: `"${to}" is not ${where}; check the name (it is a bare file name such as 012_create_admin_user.sql).`,
  };
}

/** Files sent by checksum only (`applied`) that are not applied: the client sends their text and asks again. */
export function textNeeded(names: readonly string[]): Rejection {
  return {
    status: 409,
    code: "text-needed",
    message: `${names.join(", ")} ${names.length === 1 ? "was" : "were"} sent as applied (checksum only) but ${names.length === 1 ? "is" : "are"} not ` +
      "in the tracking table: send the text of these files in \"migrations\". Nothing was applied.",
    details: { names },
  };
}

export interface DriftedFile {
  readonly name: string;
  readonly deployedChecksum: string;
  readonly localChecksum: string;
}

/**
 * Applied files that differ from the request's copy (`files`), or that the request does not list at all
 * (`missing`: deleted or renamed locally) — what `verify` reports as drift.
 */
export function drift(files: readonly DriftedFile[], missing: readonly string[] = []): Rejection {
  const parts: string[] = [];
  if (files.length > 0) {
    const list = files.map((f) => `${f.name} (deployed ${f.deployedChecksum}, local ${f.localChecksum})`).join("; ");
    const noun = files.length === 1 ? "file differs" : "files differ";
    parts.push(`${files.length} applied ${noun} from the deployed version: ${list}. A deployed migration must never be ` +
      "edited: restore the deployed version and add a new migration for the change.");
  }
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "file is" : "files are";
    parts.push(`${missing.length} applied ${noun} missing from the request (deleted or renamed locally): ${missing.join(", ")}. ` +
      "A deployed migration is never deleted or renamed: restore it (e.g. `git checkout <deployed commit> -- <file>`).");
  }
  return {
    status: 409,
    code: "drift",
    message: `${parts.join(" ")} Nothing was applied.`,
    details: missing.length > 0 ? { drifted: files, missing } : { drifted: files },
  };
}

export interface PlaceholderProblem {
  readonly name: string;
  readonly placeholder: string;
  /** True when the placeholder is in the file's rollback rather than the file itself. */
  readonly inRollback: boolean;
}

export function unresolvedPlaceholders(problems: readonly PlaceholderProblem[]): Rejection {
  const list = problems.map((p) => `\${${p.placeholder}} in ${p.inRollback ? "rollback/" : ""}${p.name}`).join(", ");
  const names = [...new Set(problems.map((p) => p.placeholder))];
  return {
    status: 400,
    code: "unresolved-placeholder",
    message: `no value for ${list}. Supply ${names.map((n) => `--set ${n}=<value>`).join(" ")} ` +
      `(request: "placeholders": {${names.map((n) => `"${n}": "…"`).join(", ")}}). Nothing was applied.`,
    details: { unresolved: problems },
  };
}

export function invalidPlaceholder(placeholder: string, reason: string, name: string): Rejection {
  return {
    status: 400,
    code: "invalid-placeholder",
    message: `the value of \${${placeholder}} (used by ${name}) ${reason}. Placeholder values are pasted into the SQL ` +
      "as written, so they may not contain quotes (' or \"), backslashes, semicolons, line breaks or a dollar-quote tag ($$, $tag$). Nothing was applied.",
    details: { placeholder, name },
  };
}

export function nonTransactionalMixed(name: string, statementKind: string, line: number, statements: number, rollback: boolean): Rejection {
  const file = rollback ? `rollback/${name}` : name;
  return {
    status: 400,
    code: "non-transactional-mixed",
    message: `${file}:${line}: ${statementKind} cannot run inside a transaction, so it must be the only statement in its ` +
      `file, but ${file} has ${statements} statements. Move it into a migration file of its own. Nothing was applied.`,
    details: { name, line, rollback },
  };
}

export function explicitTransaction(name: string, line: number, rollback: boolean): Rejection {
  const file = rollback ? `rollback/${name}` : name;
  return {
    status: 400,
    code: "explicit-transaction",
    message: `${file}:${line}: BEGIN/COMMIT/ROLLBACK inside a migration would end the transaction supamigrate runs the ` +
      "file in, and with it the guarantee that a file is applied and recorded entirely or not at all. Remove it: " +
      "every file already runs in its own transaction. Nothing was applied.",
    details: { name, line, rollback },
  };
}

export function syntaxError(name: string, line: number, column: number, reason: string, rollback: boolean): Rejection {
  const file = rollback ? `rollback/${name}` : name;
  return {
    status: 400,
    code: "syntax-error",
    message: `${file}:${line}:${column}: ${reason}. The PostgreSQL parser rejects this file, so none of the files in ` +
      `this request ran: fix it (\`supamigrate lint\` shows every error) and apply again. Nothing was applied.`,
    details: { name, line, column, rollback },
  };
}

export function emptyMigration(name: string, rollback: boolean): Rejection {
  const file = rollback ? `rollback/${name}` : name;
  return {
    status: 400,
    code: "empty-migration",
    message: rollback
      ? `${file} has no statement to run (it is empty or only comments), so rolling back ${name} would undo nothing. ` +
        "Write the statements that reverse it. Nothing was rolled back."
      : `${file} has no statement to run (it is empty or only comments); recording it as applied would claim a change ` +
        "that never happened. Add the migration's SQL, or delete the file if it was created by mistake. Nothing was applied.",
    details: { name, rollback },
  };
}

export function readingSetting(name: string, setting: string, line: number, rollback: boolean): Rejection {
  const file = rollback ? `rollback/${name}` : name;
  return {
    status: 400,
    code: "reading-setting",
    message: `${file}:${line}: changes ${setting}, which decides how PostgreSQL reads the SQL text after it; supamigrate ` +
      "splits files with standard_conforming_strings on and UTF-8 text, and a file that changes either could run " +
      "statements other than the ones checked and recorded. Remove the statement (every file already runs with both " +
      "set as PostgreSQL's defaults). Nothing was applied.",
    details: { name, line, setting, rollback },
  };
}

export function lockHeld(holder: string, since: string): Rejection {
  return {
    status: 409,
    code: "lock-held",
    message: `another apply by ${holder} has held the migration lock since ${since}; wait for it to finish, then run ` +
      "apply again — applied files are skipped.",
    details: { holder, since },
  };
}

export function transactionPooler(port: number | null): Rejection {
  const where = port === null ? "a transaction pooler" : `a transaction pooler (port ${port})`;
  return {
    status: 503,
    code: "transaction-pooler",
    message: `the database connection goes through ${where}, where the session advisory lock that keeps two applies ` +
      "apart cannot be held, and supamigrate never applies without it. Use the direct connection string " +
      "(db.<project-ref>.supabase.co:5432) or the session pooler (port 5432) instead.",
  };
}

export function invalidSteps(steps: unknown): Rejection {
  return {
    status: 400,
    code: "invalid-steps",
    message: `steps must be a whole number from 1 to ${MAX_ROLLBACK_STEPS}, got ${JSON.stringify(steps)}.`,
  };
}

export function conflictingRollbackTarget(): Rejection {
  return {
    status: 400,
    code: "conflicting-options",
    message: "give either steps or to, not both: steps rolls back that many files, to rolls back down to (not including) a file.",
  };
}

export function noRollback(names: readonly string[]): Rejection {
  const list = names.join(", ");
  return {
    status: 409,
    code: "no-rollback",
    message: `no rollback is stored for ${list}, so it cannot be rolled back. Add scripts/rollback/<name> before the file ` +
      "is applied; for an applied file, write the reverse as a new migration. Nothing was rolled back.",
    details: { names },
  };
}
