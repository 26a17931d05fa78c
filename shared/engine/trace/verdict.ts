/**
 * From a dry run's statement-by-statement probes to the trace the user reads: for each statement the
 * locks its file's transaction holds on tables that existed before the file (a table the file creates is
 * empty and unseen until it commits), whether it rewrote them, their rows; then a verdict for the file —
 * "safe online", or which tables it blocks, in what way and for how long (a lock is held until the file
 * commits), with the safer pattern as a hint.
 */
import type { TraceLock, TracedStatement } from "../../protocol/types.ts";
import { nodeFields } from "../../sql/names.ts";
import { blockedQueries, blocksReadsOrWrites, type LockMode, lockModeSql, LOCK_MODES } from "../../sql/lock-modes.ts";
import type { HeldLock, RelationState } from "./probe.ts";

export interface StatementProbe {
  readonly line: number;
  readonly column: number;
  /** The statement's parse-tree kind (`AlterTableStmt`), or null. */
  readonly kind: string | null;
  readonly node: Record<string, unknown> | null;
  readonly durationMs: number;
  readonly locks: readonly HeldLock[];
  readonly states: ReadonlyMap<string, RelationState>;
}

/**
 * The statement as the user reads it: the locks on tables that existed before the file (`before`); a
 * table is rewritten by this statement when its filenode differs from the one `previous` gives (its
 * state after the statement before, or before the file).
 */
export function traceStatement(
  probe: StatementProbe,
  before: ReadonlyMap<string, RelationState>,
  previous: (relation: string) => RelationState | undefined = (relation) => before.get(relation),
): TracedStatement {
  const strongest = new Map<string, LockMode>();
  for (const lock of probe.locks) {
    if (lock.kind !== "table" || !before.has(lock.relation)) continue;
    const held = strongest.get(lock.relation);
    if (!held || LOCK_MODES.indexOf(lock.mode) > LOCK_MODES.indexOf(held)) strongest.set(lock.relation, lock.mode);
  }
  // A rewrite always takes ACCESS EXCLUSIVE, even when an earlier file of the dry run already holds it (and so it is not new).
  const rewritten = (relation: string) => {
    const was = previous(relation);
    const now = probe.states.get(relation);
    return was !== undefined && now !== undefined && was.filenode !== now.filenode;
  };
  for (const relation of probe.states.keys()) if (before.has(relation) && rewritten(relation)) strongest.set(relation, "AccessExclusiveLock");
  const locks: TraceLock[] = [...strongest].sort(([a], [b]) => a.localeCompare(b)).map(([relation, mode]) => {
    const was = before.get(relation)!;
    return {
      relation,
      mode: lockModeSql(mode),
      blocks: [...blockedQueries(mode)],
      rows: was.rows >= 0 ? Math.round(was.rows) : null,
      rewritten: rewritten(relation),
    };
  });
  return { line: probe.line, column: probe.column, statement: probe.kind, durationMs: Math.round(probe.durationMs), locks };
}

export interface Verdict {
  readonly safeOnline: boolean;
  readonly message: string;
  readonly hint: string | null;
}

/** The file's verdict from its traced statements (in order), their probes giving the statements' shapes. */
export function verdict(traced: readonly TracedStatement[], probes: readonly StatementProbe[]): Verdict {
  // Each blocking lock: from the first statement that took it to the end of the file.
  const blocking = new Map<string, { mode: string; from: number; rows: number | null; rewritten: boolean }>();
  traced.forEach((statement, i) => {
    for (const lock of statement.locks) {
      const mode = LOCK_MODES.find((m) => lockModeSql(m) === lock.mode)!;
      if (!blocksReadsOrWrites(mode)) continue;
      const seen = blocking.get(lock.relation);
      if (!seen) blocking.set(lock.relation, { mode: lock.mode, from: i, rows: lock.rows, rewritten: lock.rewritten });
      else blocking.set(lock.relation, { ...seen, mode: stronger(seen.mode, lock.mode), rewritten: seen.rewritten || lock.rewritten });
    }
  });
  if (blocking.size === 0) {
    return { safeOnline: true, message: "safe online: no lock that makes reads or writes wait on a table that already exists", hint: null };
  }
  const parts = [...blocking].map(([relation, b]) => {
    const heldMs = traced.slice(b.from).reduce((sum, s) => sum + s.durationMs, 0);
    const waits = b.mode === "ACCESS EXCLUSIVE" ? "reads and writes" : "writes";
    const rows = b.rows === null ? "rows unknown: never analyzed" : `≈${formatCount(b.rows)} rows`;
    return `blocks ${waits} on ${relation} (${rows}${b.rewritten ? ", rewritten" : ""}) for ~${formatDuration(heldMs)} ` +
      `(${b.mode} from line ${traced[b.from].line} until the file commits)`;
  });
  return { safeOnline: false, message: `${parts.join("; ")}: schedule a maintenance window, or use the safer pattern`, hint: saferPattern(traced, probes) };
}

/** The safer way to write what blocks, from the first blocking statement's shape. */
function saferPattern(traced: readonly TracedStatement[], probes: readonly StatementProbe[]): string {
  for (const [i, statement] of traced.entries()) {
    if (!statement.locks.some((l) => l.mode !== "ROW EXCLUSIVE" && l.mode !== "ACCESS SHARE" && l.mode !== "ROW SHARE" && l.mode !== "SHARE UPDATE EXCLUSIVE")) continue;
    const node = probes[i]?.node ?? null;
    const index = nodeFields(node, "IndexStmt");
    if (index && !index.concurrent) return "create the index with CREATE INDEX CONCURRENTLY, in a migration file of its own (it cannot run in a transaction)";
    const alter = nodeFields(node, "AlterTableStmt");
    const commands = Array.isArray(alter?.cmds) ? alter.cmds.map((c) => nodeFields(c, "AlterTableCmd")).filter((c) => c !== null) : [];
    const constraint = commands.find((c) => c.subtype === "AT_AddConstraint");
    if (constraint && !JSON.stringify(constraint).includes('"skip_validation":true')) {
      return "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration (it takes a weaker lock)";
    }
    if (statement.locks.some((l) => l.rewritten)) {
      return "avoid the rewrite: add the column without a volatile default (or keep the type), backfill in batches, then set the default or NOT NULL";
    }
    return "keep the file short so the lock is held briefly; the engine's lock_timeout (SUPAMIGRATE_LOCK_TIMEOUT_MS) makes it fail fast instead of queueing every query behind it";
  }
  return "";
}

function stronger(a: string, b: string): string {
  const index = (sql: string) => LOCK_MODES.findIndex((m) => lockModeSql(m) === sql);
  return index(b) > index(a) ? b : a;
}

function formatCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(n >= 10_000 ? 0 : 1)}k`;
  return String(n);
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.max(1, Math.round(ms))} ms`;
}
