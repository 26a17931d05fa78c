import { transactionRestriction } from "../../../sql/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "non-transactional-statement",
  defaultSeverity: "error",
  fileLocal: true,
  summary: "a statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM…) mixed with other statements",
  checkFile({ file, report }) {
    const { statements } = file.parsed;
    // A file holding just this statement (and comments) is run on its own, outside a transaction.
    if (statements.length < 2) return;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const what = transactionRestriction(statement.node);
      if (!what) continue;
      const lineEnd = file.text.indexOf("\n", statement.start);
      report({
        at: { start: statement.start, end: lineEnd < 0 ? statement.end : Math.min(statement.end, lineEnd) },
        message: `${what} cannot run inside a transaction block, and this file has ${statements.length - 1} other ` +
          `statement${statements.length === 2 ? "" : "s"}: move it into its own migration file`,
        help: `supamigrate runs a migration in one transaction, which ${what} refuses; a file holding only this statement ` +
          "(and comments) is run on its own, outside a transaction.",
      });
    }
  },
};
