import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "explicit-transaction",
  defaultSeverity: "error",
  summary: "BEGIN/COMMIT/ROLLBACK inside a migration: the runner owns the transaction",
};
