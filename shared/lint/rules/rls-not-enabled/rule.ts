import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "rls-not-enabled",
  defaultSeverity: "warning",
  summary: "a table created in an API-exposed schema (public) without ENABLE ROW LEVEL SECURITY",
};
