import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "conflicting-definition",
  defaultSeverity: "warning",
  summary: "the same object created by two files with different definitions",
};
