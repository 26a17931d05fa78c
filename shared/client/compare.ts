/** Local files against the tracking table: what is pending, what was edited after deploy, what is gone. */
import type { AppliedMigration } from "../protocol/types.ts";

export interface LocalFile {
  readonly name: string;
  readonly checksum: string;
}

export interface Comparison {
  /** Local files not applied yet, in the order given. */
  readonly pending: string[];
  /** Applied files whose local text differs from what was deployed. */
  readonly drifted: Array<{ readonly name: string; readonly deployedChecksum: string; readonly localChecksum: string }>;
  /** Applied files with no local file (deleted or renamed). */
  readonly missing: string[];
}

export function compareWithDeployed(applied: readonly AppliedMigration[], local: readonly LocalFile[]): Comparison {
  const deployed = new Map(applied.map((row) => [row.name, row.checksum]));
  const localNames = new Set(local.map((file) => file.name));
  const drifted: Comparison["drifted"] = [];
  const pending: string[] = [];
  for (const file of local) {
    const checksum = deployed.get(file.name);
    if (checksum === undefined) pending.push(file.name);
    else if (checksum !== file.checksum) drifted.push({ name: file.name, deployedChecksum: checksum, localChecksum: file.checksum });
  }
  const missing = applied.map((row) => row.name).filter((name) => !localNames.has(name));
  return { pending, drifted, missing };
}
