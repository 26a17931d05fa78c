import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "unknown-reference",
  defaultSeverity: "error",
  summary: "a reference to a table no earlier migration creates and Supabase does not provide, or an FK column type that differs from the referenced key",
};
