/**
 * The contract's error codes (`{"error": {"code", …}}`, docs/function.md), grouped by the step of a
 * request that answers them, so the route table (routes.ts) lists each route's codes by naming the
 * steps it goes through.
 */

/** Any route: the method is checked (405, with `Allow`), then the query string; anything unexpected is logged, never sent. */
export const ROUTING_ERRORS = ["method-not-allowed", "token-in-url", "internal-error"] as const;

/** Every route but health: settings, who is calling and may they, the database URL, the database itself. */
export const DOOR_ERRORS = ["not-configured", "unauthorized", "forbidden", "auth-unavailable", "database-unavailable"] as const;

/** A route with a JSON body, before it is validated (http/body.ts). */
export const BODY_ERRORS = ["unsupported-media-type", "body-too-large", "invalid-json"] as const;

/** validateApplyRequest (apply, plan, and baseline, which adds `force`). */
export const APPLY_BODY_ERRORS = ["invalid-request", "unknown-field", "invalid-name", "duplicate-name", "unknown-target", "invalid-placeholder", "missing-reason"] as const;

/** validateRollbackRequest. */
export const ROLLBACK_BODY_ERRORS = ["invalid-request", "unknown-field", "invalid-name"] as const;

/** validateRepairRequest. */
export const REPAIR_BODY_ERRORS = ["invalid-request", "unknown-field", "invalid-name", "missing-reason"] as const;

/** validateImportHistoryRequest: the apply body without `to` and `placeholders`, plus `acceptUnmatched` (each with a reason). */
export const IMPORT_HISTORY_BODY_ERRORS = ["invalid-request", "unknown-field", "invalid-name", "duplicate-name", "missing-reason"] as const;

/** validateDeployedRequest. */
export const DEPLOYED_BODY_ERRORS = ["invalid-request", "unknown-field", "invalid-name"] as const;

/** validateNullCountsRequest. */
export const NULL_COUNTS_BODY_ERRORS = ["invalid-request", "unknown-field"] as const;

/** validateBackupsPruneRequest. */
export const BACKUPS_PRUNE_BODY_ERRORS = ["invalid-request", "unknown-field", "invalid-name"] as const;

/** Every engine call that writes: it takes the migration lock, which a transaction pooler cannot hold. */
export const LOCK_ERRORS = ["transaction-pooler", "lock-held"] as const;

/** A file (or rollback file) that cannot run, found before anything runs. */
export const FILE_ERRORS = ["syntax-error", "explicit-transaction", "non-transactional-mixed", "empty-migration", "reading-setting"] as const;

/** The engine's refusals of `plan`. */
export const PLAN_ENGINE_ERRORS = ["unknown-target", "text-needed"] as const;

/** The engine's refusals of `apply`. */
export const APPLY_ENGINE_ERRORS = ["unknown-target", "text-needed", "drift", "unresolved-placeholder", "invalid-placeholder", ...FILE_ERRORS, ...LOCK_ERRORS] as const;

/** The engine's refusals of `rollback`. */
export const ROLLBACK_ENGINE_ERRORS = ["invalid-steps", "conflicting-options", "unknown-target", "no-rollback", ...FILE_ERRORS, ...LOCK_ERRORS] as const;

/** The engine's refusals of the adoption routes (docs/adoption.md). */
export const BASELINE_ENGINE_ERRORS = ["unknown-target", "already-tracked", "baseline-mismatch", ...LOCK_ERRORS] as const;
export const REPAIR_ENGINE_ERRORS = ["missing-reason", "not-tracked", "checksum-unchanged", ...LOCK_ERRORS] as const;
export const IMPORT_HISTORY_ENGINE_ERRORS = ["no-supabase-history", "missing-reason", "unknown-history-row", ...LOCK_ERRORS] as const;

/** Any code a route may answer (`not-found` is no route's: it is the answer when no route matches). */
export type ErrorCode =
  | (typeof ROUTING_ERRORS)[number]
  | (typeof DOOR_ERRORS)[number]
  | (typeof BODY_ERRORS)[number]
  | (typeof APPLY_BODY_ERRORS)[number]
  | (typeof ROLLBACK_BODY_ERRORS)[number]
  | (typeof REPAIR_BODY_ERRORS)[number]
  | (typeof IMPORT_HISTORY_BODY_ERRORS)[number]
  | (typeof DEPLOYED_BODY_ERRORS)[number]
  | (typeof BACKUPS_PRUNE_BODY_ERRORS)[number]
  | (typeof NULL_COUNTS_BODY_ERRORS)[number]
  | (typeof APPLY_ENGINE_ERRORS)[number]
  | (typeof ROLLBACK_ENGINE_ERRORS)[number]
  | (typeof BASELINE_ENGINE_ERRORS)[number]
  | (typeof REPAIR_ENGINE_ERRORS)[number]
  | (typeof IMPORT_HISTORY_ENGINE_ERRORS)[number];

/** A route's codes: the steps it goes through, each code once. */
export function errorCodes(...steps: ReadonlyArray<readonly ErrorCode[]>): readonly ErrorCode[] {
  return [...new Set(steps.flat())];
}
