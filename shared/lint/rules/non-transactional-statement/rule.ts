import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "non-transactional-statement",
  defaultSeverity: "error",
  summary: "a statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM…) mixed with other statements",
};
