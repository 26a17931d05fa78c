/** Engine options with their defaults filled in. */
import type { EngineOptions } from "./types.ts";
import { DEFAULT_BACKUP_MAX_BYTES } from "./backups/schema.ts";

export interface ResolvedOptions {
  readonly timeBudgetMs: number;
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly lockWaitMs: number;
  readonly defaultActor: string | null;
  readonly pooler: "transaction" | "session" | "direct" | null;
  readonly endConnectionOnClose: boolean;
  readonly farFromDatabaseAdvice: string | null;
  readonly syncSupabaseHistory: boolean;
  readonly backupMaxBytes: number;
  /** Called when a run's session ended under it (set by createEngine, which then replaces its pool). */
  readonly onSessionLost?: () => void;
}

export const DEFAULT_TIME_BUDGET_MS = 120_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;

export function resolveOptions(options: EngineOptions = {}): ResolvedOptions {
  return {
    timeBudgetMs: nonNegative(options.timeBudgetMs, DEFAULT_TIME_BUDGET_MS),
    lockTimeoutMs: nonNegative(options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS),
    statementTimeoutMs: nonNegative(options.statementTimeoutMs, DEFAULT_STATEMENT_TIMEOUT_MS),
    lockWaitMs: nonNegative(options.lockWaitMs, 0),
    defaultActor: options.defaultActor ?? null,
    pooler: options.pooler ?? null,
    endConnectionOnClose: options.endConnectionOnClose ?? true,
    farFromDatabaseAdvice: options.farFromDatabaseAdvice ?? null,
    syncSupabaseHistory: options.syncSupabaseHistory === true,
    backupMaxBytes: nonNegative(options.backupMaxBytes, DEFAULT_BACKUP_MAX_BYTES),
  };
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}
