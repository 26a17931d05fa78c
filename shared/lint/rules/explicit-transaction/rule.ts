import { deleteStatement } from "../../fixes.ts";
import { nodeFields } from "../../../sql/names.ts";
import { wrappedInTransaction } from "../../../sql/index.ts";
import type { Rule } from "../../types.ts";

/** What each kind of transaction statement would do to the runner's transaction. */
const EFFECTS: Record<string, { readonly label?: string; readonly effect: string }> = {
  TRANS_STMT_BEGIN: { effect: "the file already runs inside the runner's transaction, so it starts nothing and misleads readers" },
  TRANS_STMT_START: { label: "START TRANSACTION", effect: "the file already runs inside the runner's transaction, so it starts nothing and misleads readers" },
  TRANS_STMT_COMMIT: { effect: "it commits the runner's transaction early, so a failure after it leaves the migration half-applied and untracked" },
  TRANS_STMT_ROLLBACK: { effect: "it discards the runner's transaction, so the statements before it silently do nothing" },
  TRANS_STMT_SAVEPOINT: { label: "SAVEPOINT", effect: "savepoints reach into the runner's transaction; recover from errors in a DO block's EXCEPTION clause instead" },
  TRANS_STMT_RELEASE: { label: "RELEASE SAVEPOINT", effect: "savepoints reach into the runner's transaction; recover from errors in a DO block's EXCEPTION clause instead" },
  TRANS_STMT_ROLLBACK_TO: { label: "ROLLBACK TO SAVEPOINT", effect: "savepoints reach into the runner's transaction; recover from errors in a DO block's EXCEPTION clause instead" },
  TRANS_STMT_PREPARE: { label: "PREPARE TRANSACTION", effect: "two-phase commit hands the runner's transaction to an outside coordinator, and the migration is never committed" },
  TRANS_STMT_COMMIT_PREPARED: { label: "COMMIT PREPARED", effect: "two-phase commit cannot run inside the runner's transaction" },
  TRANS_STMT_ROLLBACK_PREPARED: { label: "ROLLBACK PREPARED", effect: "two-phase commit cannot run inside the runner's transaction" },
};

export const rule: Rule = {
  id: "explicit-transaction",
  defaultSeverity: "error",
  fileLocal: true,
  summary: "BEGIN/COMMIT/ROLLBACK inside a migration: the runner owns the transaction",
  checkFile({ file, report }) {
    const { statements } = file.parsed;
    if (wrappedInTransaction(statements)) {
      // The SQL Editor habit: harmless here (the runner drops the pair), but it says something untrue.
      for (const statement of [statements[0], statements[statements.length - 1]]) {
        const label = /^[A-Za-z]+/.exec(statement.text)![0].toUpperCase();
        report({
          at: { start: statement.start, end: statement.end },
          severity: "warning",
          message: `${label} of a BEGIN … COMMIT around the whole file: supamigrate leaves the pair out and runs the file in a transaction of its own`,
          help: "Remove both: every migration already runs in its own transaction, committed together with its tracking row.",
          fixes: [{ title: "Remove BEGIN and COMMIT", edits: [deleteStatement(file.parsed.index, statements[0]), deleteStatement(file.parsed.index, statements[statements.length - 1])] }],
        });
      }
      return;
    }
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const transaction = statement.kind === "TransactionStmt" ? nodeFields(statement.node, "TransactionStmt") : null;
      if (!transaction) continue;
      const known = EFFECTS[String(transaction.kind)];
      // BEGIN / COMMIT / END / ROLLBACK / ABORT: name it by the word the file uses.
      const label = known?.label ?? /^[A-Za-z]+/.exec(statement.text)![0].toUpperCase();
      report({
        at: { start: statement.start, end: statement.end },
        message: `${label} in a migration: ${known?.effect ?? "the runner owns the transaction"}`,
        help: "Remove it: supamigrate runs each migration in its own transaction and commits it together with its tracking row.",
        fixes: [{ title: `Remove ${label}`, edits: [deleteStatement(file.parsed.index, statement)] }],
      });
    }
  },
};
