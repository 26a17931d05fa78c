/**
 * Taking the migration lock for a run (apply, rollback) or an adoption write (baseline, repair,
 * import-history), with what always comes with it: a refusal that names the holder (and is logged when
 * the caller gives `refusal`), the tracking schema created or upgraded when `create`, and the holder
 * recorded whenever the schema exists. If any of that fails the lock is released before the error goes on.
 */
import type postgres from "postgres";
import { acquireLock, type HeldLock } from "./lock.ts";
import type { ResolvedOptions } from "../options.ts";
import { lockHeld } from "../checks/rejections.ts";
import { logEventIfTracked } from "./rows.ts";
import { ensureTrackingSchema, trackingSchemaExists } from "./schema.ts";
import type { Rejection } from "../types.ts";

export interface TakeLockOptions {
  /** Create or upgrade the tracking schema (a dry run or a rollback never creates it). */
  readonly create: boolean;
  /** When given, a refusal is logged as `lock-refused` with the holder and these details. */
  readonly refusal?: Readonly<Record<string, unknown>>;
}

export type TakenLock =
  | { readonly ok: true; readonly lock: HeldLock; /** Whether the tracking schema exists (always, with `create`). */ readonly schemaExists: boolean }
  | { readonly ok: false; readonly rejection: Rejection };

export async function takeLock(sql: postgres.Sql, options: ResolvedOptions, actor: string | null, how: TakeLockOptions): Promise<TakenLock> {
  const locked = await acquireLock(sql, options.lockWaitMs);
  if (!locked.ok) {
    if (how.refusal) await logEventIfTracked(sql, "lock-refused", null, actor, { holder: locked.holder, ...how.refusal });
    return { ok: false, rejection: lockHeld(locked.holder.holder, locked.holder.since) };
  }
  const { lock } = locked;
  try {
    if (how.create) await ensureTrackingSchema(lock.conn);
    const schemaExists = how.create || await trackingSchemaExists(lock.conn);
    if (schemaExists) await lock.recordHolder(actor);
    return { ok: true, lock, schemaExists };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
