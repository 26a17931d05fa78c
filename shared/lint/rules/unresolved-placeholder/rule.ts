import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "unresolved-placeholder",
  defaultSeverity: "warning",
  summary: "a ${name} placeholder with no value supplied",
};
