/** Where each migration stands: applied, pending, drifted (changed after deploy), failed, or missing locally. */
import { compareWithApplied } from "../../shared/migrations/index.ts";
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
  const migrations = project.migrations().migrations;
  const applied = new Map((status?.applied ?? []).map((a) => [a.name, a]));
  const local = await Promise.all(migrations.map(async (m) => ({ name: m.name, checksum: await checksumOf(project, m.path, m.sql) })));
  const comparison = compareWithApplied(status?.applied ?? [], local);
  const drifted = new Set(comparison.drifted.map((d) => d.name));
  const states: MigrationState[] = migrations.map((m) => {
    const deployed = applied.get(m.name);
    const failure = project.lastFailure?.name === m.name ? project.lastFailure : undefined;
    const kind: StateKind = !status ? "unknown" : deployed ? (drifted.has(m.name) ? "drifted" : "applied") : failure ? "failed" : "pending";
    return { name: m.name, path: m.path, kind, ...(deployed ? { applied: deployed } : {}), ...(failure ? { failure } : {}) };
  });
  for (const name of comparison.missing) {
    states.push({ name, path: project.reportedPath(name), kind: "missing", applied: applied.get(name)! });
  }
  return states;
}

export function countStates(states: readonly MigrationState[]): Record<StateKind, number> {
  const counts: Record<StateKind, number> = { applied: 0, pending: 0, drifted: 0, failed: 0, missing: 0, unknown: 0 };
  for (const s of states) counts[s.kind]++;
  return counts;
}
