import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "drop-policy-before-create",
  defaultSeverity: "warning",
  summary: "CREATE POLICY not preceded by DROP POLICY IF EXISTS for the same policy and table",
};
