import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "no-edit-after-deploy",
  defaultSeverity: "error",
  summary: "a deployed migration edited (checksum differs) or deleted locally",
};
