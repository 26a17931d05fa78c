/**
 * A traced dry run's view of one file (docs/engine.md, "Dry-run trace"): the tables before its first
 * statement, then after each statement the locks its transaction holds; at the end, the `trace` events
 * (one a statement) and the file's `verdict`. A file that cannot run in a transaction is not tried in a
 * dry run: its verdict comes from what the statement is (CREATE INDEX CONCURRENTLY: safe online).
 * A dry run runs every file in one transaction, which keeps each file's locks to the end: a lock an
 * earlier file of the same run already holds is that file's, and is not seen again in a later one.
 */
import type postgres from "postgres";
import type { ApplyEvent } from "../../protocol/types.ts";
import { nodeFields } from "../../sql/names.ts";
import type { StatementTracer } from "../run/run-file.ts";
import { type RunnableFile, statementPosition } from "../run/split.ts";
import { heldLocks, type RelationState, relationStates } from "./probe.ts";
import { type StatementProbe, traceStatement, verdict } from "./verdict.ts";

export interface FileTracer extends StatementTracer {
  /** The file's trace and verdict, once it ran. */
  events(): ApplyEvent[];
}

export function fileTracer(name: string, file: RunnableFile): FileTracer {
  let before: Map<string, RelationState> = new Map();
  let heldBefore = new Set<string>();
  const probes: StatementProbe[] = [];
  const key = (lock: { relation: string; mode: string }) => `${lock.relation}\u0000${lock.mode}`;
  return {
    async before(conn: postgres.Sql) {
      before = await relationStates(conn);
      // The dry run's one transaction keeps the locks of the files before this one: those are theirs.
      heldBefore = new Set((await heldLocks(conn)).locks.map(key));
    },
    async after(conn: postgres.Sql, statement, durationMs) {
      const held = await heldLocks(conn);
      const locks = held.locks.filter((lock) => !heldBefore.has(key(lock)));
      const { states } = held;
      const { line, column } = statementPosition(file, statement);
      probes.push({ line, column, kind: statement.kind, node: statement.node, durationMs, locks, states });
    },
    events() {
      // Each table as the statement before left it (before the file, until a statement locked it).
      const latest = new Map(before);
      const traced = probes.map((probe) => {
        const statement = traceStatement(probe, before, (relation) => latest.get(relation));
        for (const [relation, state] of probe.states) latest.set(relation, state);
        return statement;
      });
      const { safeOnline, message, hint } = verdict(traced, probes);
      return [
        ...traced.map((statement): ApplyEvent => ({ event: "trace", name, ...statement })),
        { event: "verdict", name, safeOnline, message, hint },
      ];
    },
  };
}

/** The verdict of a file a dry run does not try (its one statement cannot run in a transaction). */
export function untriedVerdict(name: string, file: RunnableFile): ApplyEvent {
  const index = nodeFields(file.statements[0]?.node ?? null, "IndexStmt");
  if (index?.concurrent) {
    return {
      event: "verdict", name, safeOnline: true, hint: null,
      message: "safe online: CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, which makes no read or write wait (not tried: it cannot run in the dry run's transaction)",
    };
  }
  return { event: "verdict", name, safeOnline: false, hint: null, message: "not traced: its statement cannot run in the dry run's transaction; check its locks by hand" };
}
