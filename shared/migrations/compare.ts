/**
 * Local migration files against the applied ones (the tracking table): what is pending, what was edited
 * after it was applied (drift), and what is applied but gone from the folder. The one computation behind
 * apply's checks, status, verify, the editor's view and the no-edit-after-deploy rule.
 */

/** A migration known by name and checksum. */
export interface Checksummed {
  readonly name: string;
  readonly checksum: string;
}

export interface DriftedMigration {
  readonly name: string;
  /** The checksum recorded when it was applied (the wire name: `deployedChecksum`). */
  readonly deployedChecksum: string;
  readonly localChecksum: string;
}

export interface Comparison {
  /** Local files not applied yet, in the order given. */
  readonly pending: string[];
  /** Local files applied with the same checksum, in the order given. */
  readonly applied: string[];
  /** Applied files whose local text differs from what was applied, in the order given. */
  readonly drifted: DriftedMigration[];
  /** Applied files with no local file (deleted or renamed), in the tracking table's order. */
  readonly missing: string[];
}

export function compareWithApplied(applied: readonly Checksummed[], local: readonly Checksummed[]): Comparison {
  const recorded = new Map(applied.map((row) => [row.name, row.checksum]));
  const localNames = new Set(local.map((file) => file.name));
  const comparison: Comparison = { pending: [], applied: [], drifted: [], missing: [] };
  for (const file of local) {
    const checksum = recorded.get(file.name);
    if (checksum === undefined) comparison.pending.push(file.name);
    else if (checksum === file.checksum) comparison.applied.push(file.name);
    else comparison.drifted.push({ name: file.name, deployedChecksum: checksum, localChecksum: file.checksum });
  }
  for (const row of applied) if (!localNames.has(row.name)) comparison.missing.push(row.name);
  return comparison;
}
