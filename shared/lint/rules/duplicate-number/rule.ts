import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "duplicate-number",
  defaultSeverity: "info",
  summary: "two migrations share a number: both run, in file name order",
};
