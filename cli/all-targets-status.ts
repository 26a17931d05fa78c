/**
 * `status --all-targets`: every target of supamigrate.json side by side. One row per migration file
 * (the local files and every file a target applied, in contract order), one column per target:
 * `✓` applied as the local file is, `drifted <checksum>` applied with another text (its first 12 hex),
 * `pending`, and for a file not in the folder `✓ <checksum>` where it is applied and `-` where not. A
 * target whose status cannot be read shows `error: <code>` down its column and its message below the
 * table, and makes the exit code non-zero (the highest of theirs: 2 unreachable, 3 not authorized).
 */
import type { AppliedMigration, StatusResponse } from "../shared/protocol/types.ts";
import { type Checksummed, compareFileNames } from "../shared/migrations/index.ts";
import { mapBounded } from "./bounded.ts";
import { nodeFileSystem } from "./node-file-system.ts";
import { describeError, type ErrorExitCode, reportError, UsageError } from "./output/errors.ts";
import { localChecksums, openProject, readFolderOrFail } from "./project.ts";
import { openNamedTarget, type Target, type TargetFlags } from "./target.ts";
import { configuredTargets, type NamedTarget } from "./targets.ts";

/** Targets whose status is read at the same time. */
const CONCURRENCY = 4;

/** The command: `status --all-targets [--dir D] [--format text|json]`; resolves to the exit code. */
export async function allTargetsStatus(flags: TargetFlags & { readonly dir?: string; readonly format: "text" | "json" }): Promise<number> {
  try {
    const others = [flags.url && "--url", flags.dbUrl && "--db-url", flags.projectUrl && "--project-url", flags.anonKey && "--anon-key",
      flags.region && "--region", flags.target && "--target"].filter(Boolean);
    if (others.length > 0) throw new UsageError(`--all-targets reads every target of supamigrate.json: drop ${others.join(" and ")}.`);
    const targets = await configuredTargets();
    if (targets.length === 0) {
      throw new UsageError('--all-targets: supamigrate.json names no targets; add "targets" (docs/configuration.md, "Targets").');
    }
    // As `status`: the folder is compared with when it is there (or named with --dir).
    const project = await openProject(flags.dir);
    const dir = flags.dir !== undefined || await nodeFileSystem.readDirectory(project.dir) !== null ? project.dir : null;
    const local = dir === null ? null : await localChecksums(await readFolderOrFail(dir));
    const statuses = await readStatuses(targets, CONCURRENCY);
    const rows = statusRows(statuses, local);
    const out = flags.format === "json" ? [JSON.stringify(allTargetsJson(statuses, rows))] : allTargetsLines(statuses, rows, dir);
    for (const line of out) process.stdout.write(`${line}\n`);
    return allTargetsExitCode(statuses);
  } catch (error) {
    return reportError("status", error, flags.format === "json");
  }
}

export type TargetStatus =
  | { readonly target: string; readonly ok: true; readonly status: StatusResponse }
  | { readonly target: string; readonly ok: false; readonly exitCode: ErrorExitCode; readonly error: { readonly code: string; readonly message: string } };

/** A cell: the file's state on one target. */
export type CellState =
  | { readonly state: "applied"; readonly checksum: string }
  | { readonly state: "drifted"; readonly checksum: string }
  | { readonly state: "pending" }
  | { readonly state: "absent" }
  | { readonly state: "error" };

export interface StatusRow {
  readonly name: string;
  /** The local file's checksum; null when the folder does not hold the file (or there is no folder). */
  readonly local: string | null;
  readonly targets: Readonly<Record<string, CellState>>;
}

/** Every target's status, at most `concurrency` read at a time. */
export async function readStatuses(targets: readonly NamedTarget[], concurrency: number): Promise<TargetStatus[]> {
  return await mapBounded(targets, concurrency, async (target): Promise<TargetStatus> => {
    let opened: Target | null = null;
    try {
      opened = await openNamedTarget(target);
      return { target: target.name, ok: true, status: await opened.client.status() };
    } catch (error) {
      const { exitCode, code, message } = describeError(opened?.cleanError ? opened.cleanError(error) : error);
      return { target: target.name, ok: false, exitCode, error: { code, message } };
    } finally {
      await opened?.close().catch(() => {});
    }
  });
}

/** The rows: the union of the local files (null: no folder) and every target's applied files, in contract order. */
export function statusRows(statuses: readonly TargetStatus[], local: readonly Checksummed[] | null): StatusRow[] {
  const localChecksum = new Map((local ?? []).map((file) => [file.name, file.checksum]));
  const applied = new Map<string, Map<string, AppliedMigration>>();
  for (const status of statuses) if (status.ok) applied.set(status.target, new Map(status.status.applied.map((row) => [row.name, row])));
  const names = new Set([...localChecksum.keys(), ...[...applied.values()].flatMap((rows) => [...rows.keys()])]);
  return [...names].sort(compareFileNames).map((name) => {
    const mine = localChecksum.get(name) ?? null;
    const targets: Record<string, CellState> = {};
    for (const status of statuses) {
      const row = applied.get(status.target)?.get(name);
      targets[status.target] = !status.ok
        ? { state: "error" }
        : row === undefined
        ? (mine === null ? { state: "absent" } : { state: "pending" })
        : mine === null || row.checksum === mine
        ? { state: "applied", checksum: row.checksum }
        : { state: "drifted", checksum: row.checksum };
    }
    return { name, local: mine, targets };
  });
}

/** The table, then a line per target (its counts, or its error). */
export function allTargetsLines(statuses: readonly TargetStatus[], rows: readonly StatusRow[], dir: string | null): string[] {
  const folder = dir?.replace(/\/+$/, "");
  const notLocal = dir === null ? "" : ` (not in ${folder}/)`;
  const header = ["migration", ...statuses.map((status) => status.target)];
  const cells = rows.map((row) => [
    row.local === null ? `${row.name}${notLocal}` : row.name,
    ...statuses.map((status) => cellText(row.targets[status.target], row.local, status)),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (items: string[]) => items.map((item, i) => (i === items.length - 1 ? item : item.padEnd(widths[i]))).join("  ").trimEnd();
  const lines = rows.length === 0 ? ["No migrations here and none applied on any target."] : [line(header), ...cells.map(line)];
  const nameWidth = Math.max(...statuses.map((status) => status.target.length));
  for (const status of statuses) {
    const counts = status.ok ? targetCounts(status.target, rows, dir !== null) : `error: ${status.error.message}`;
    lines.push(`${status.target.padEnd(nameWidth)}  ${counts}`);
  }
  return lines;
}

function cellText(cell: CellState, local: string | null, status: TargetStatus): string {
  switch (cell.state) {
    case "applied":
      return local === null ? `✓ ${cell.checksum.slice(0, 12)}` : "✓";
    case "drifted":
      return `drifted ${cell.checksum.slice(0, 12)}`;
    case "pending":
      return "pending";
    case "absent":
      return "-";
    case "error":
      return `error: ${status.ok ? "?" : status.error.code}`;
  }
}

/** `3 applied, 1 pending, 1 drifted`: drifted counts files applied with another text and applied files not in the folder, as `status` does. */
function targetCounts(target: string, rows: readonly StatusRow[], hasFolder: boolean): string {
  let applied = 0;
  let pending = 0;
  let drifted = 0;
  for (const row of rows) {
    const cell = row.targets[target];
    if (cell.state === "applied" || cell.state === "drifted") applied++;
    if (cell.state === "pending") pending++;
    if (cell.state === "drifted" || (cell.state === "applied" && row.local === null && hasFolder)) drifted++;
  }
  return `${applied} applied, ${pending} pending, ${drifted} drifted`;
}

/** `--format json`: the targets (counts or error) and the rows. */
export function allTargetsJson(statuses: readonly TargetStatus[], rows: readonly StatusRow[]): unknown {
  return {
    targets: statuses.map((status) => status.ok
      ? { name: status.target, ok: true, lock: status.status.lock }
      : { name: status.target, ok: false, error: status.error }),
    migrations: rows,
  };
}

/** 0 when every target answered, else the highest of their exit codes. */
export function allTargetsExitCode(statuses: readonly TargetStatus[]): number {
  return Math.max(0, ...statuses.map((status) => (status.ok ? 0 : status.exitCode)));
}
