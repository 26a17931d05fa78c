import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "invalid-filename",
  defaultSeverity: "error",
  summary: "a .sql file in the migrations folder that does not follow the naming rule",
};
