/** Where each migration stands: applied, pending, drifted (changed after deploy), failed, or missing locally. */
import type { AppliedMigration, MigrationFailure } from "../../shared/protocol/types.ts";
import { checksumOf } from "./linter.ts";
import type { MigrationProject } from "./project.ts";

export type StateKind = "applied" | "pending" | "drifted" | "failed" | "missing" | "unknown";

export interface MigrationState {
  readonly name: string;
  /** Path as reported (`scripts/001_x.sql`). */
  readonly path: string;
  readonly kind: StateKind;
  readonly applied?: AppliedMigration;
  readonly failure?: MigrationFailure;
}

export async function migrationStates(project: MigrationProject): Promise<MigrationState[]> {
  const status = project.status();
  const applied = new Map((status?.applied ?? []).map((a) => [a.name, a]));
  const states: MigrationState[] = [];
  for (const m of project.migrations().migrations) {
    const deployed = applied.get(m.name);
    const failure = project.lastFailure?.name === m.name ? project.lastFailure : undefined;
    let kind: StateKind;
    if (!status) kind = "unknown";
    else if (deployed) kind = deployed.checksum === (await checksumOf(project, m.path, m.sql)) ? "applied" : "drifted";
    else kind = failure ? "failed" : "pending";
    states.push({ name: m.name, path: m.path, kind, ...(deployed ? { applied: deployed } : {}), ...(failure ? { failure } : {}) });
  }
  const local = new Set(states.map((s) => s.name));
  for (const a of status?.applied ?? []) {
    if (!local.has(a.name)) states.push({ name: a.name, path: project.reportedPath(a.name), kind: "missing", applied: a });
  }
  return states;
}

export function countStates(states: readonly MigrationState[]): Record<StateKind, number> {
  const counts: Record<StateKind, number> = { applied: 0, pending: 0, drifted: 0, failed: 0, missing: 0, unknown: 0 };
  for (const s of states) counts[s.kind]++;
  return counts;
}
