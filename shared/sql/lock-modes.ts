/**
 * PostgreSQL's table lock modes (the documentation's "Table-Level Lock Modes"), strongest last, with the
 * everyday queries each one makes wait while a migration's transaction holds it. One table for the lint
 * rule that predicts a statement's lock (require-timeout-settings) and the dry-run trace that observes it.
 */
export const LOCK_MODES = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** The mode as SQL spells it: `ACCESS EXCLUSIVE`. */
export function lockModeSql(mode: LockMode): string {
  return mode.replace(/Lock$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}

/** What a held lock makes wait, in the words of the queries an app sends. */
export function blockedQueries(mode: LockMode): readonly string[] {
  switch (mode) {
    case "AccessShareLock":
    case "RowShareLock":
    case "RowExclusiveLock":
      return [];
    case "ShareUpdateExclusiveLock":
      return ["VACUUM", "other schema changes"];
    case "ShareLock":
    case "ShareRowExclusiveLock":
      return ["INSERT", "UPDATE", "DELETE", "other schema changes"];
    case "ExclusiveLock":
      return ["INSERT", "UPDATE", "DELETE", "SELECT … FOR UPDATE", "other schema changes"];
    case "AccessExclusiveLock":
      return ["SELECT", "INSERT", "UPDATE", "DELETE", "other schema changes"];
  }
}

/** The mode and what it stops, for a message: `an ACCESS EXCLUSIVE lock (no reads or writes)`. */
export function lockPhrase(mode: LockMode): string {
  const sql = lockModeSql(mode);
  const stops = mode === "AccessExclusiveLock" ? "no reads or writes" : blocksReadsOrWrites(mode) ? "no writes" : "no other schema change";
  return `${/^[AEIOU]/.test(sql) ? "an" : "a"} ${sql} lock (${stops})`;
}

/** True when holding `mode` makes an app's reads or writes wait. */
export function blocksReadsOrWrites(mode: LockMode): boolean {
  return LOCK_MODES.indexOf(mode) >= LOCK_MODES.indexOf("ShareLock");
}

export function strongest(modes: readonly LockMode[]): LockMode | null {
  return modes.reduce<LockMode | null>((best, mode) => (best === null || LOCK_MODES.indexOf(mode) > LOCK_MODES.indexOf(best) ? mode : best), null);
}

export function isLockMode(value: string): value is LockMode {
  return (LOCK_MODES as readonly string[]).includes(value);
}
