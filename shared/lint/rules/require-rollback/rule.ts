import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "require-rollback",
  defaultSeverity: "warning",
  summary: "a destructive change (DROP, TRUNCATE, unfiltered DELETE/UPDATE, column type change, rename) with no rollback file",
};
