import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "security-definer-search-path",
  defaultSeverity: "warning",
  summary: "a SECURITY DEFINER function without a pinned search_path",
};
