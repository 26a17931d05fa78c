import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "require-if-not-exists",
  defaultSeverity: "warning",
  summary: "CREATE without IF NOT EXISTS / OR REPLACE / a guard, which fails with \"already exists\" when run twice",
};
