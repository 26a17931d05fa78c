/**
 * `supamigrate status` as text: a table of applied files (baselined ones marked), the counts, then
 * each pending and drifted file by name, and the lock.
 */
import type { Comparison } from "../../shared/migrations/index.ts";
import type { AppliedMigration, StatusResponse } from "../../shared/protocol/types.ts";
import { formatBytes } from "./bytes.ts";
import { formatDuration } from "./duration.ts";

export function statusLines(status: StatusResponse, local: Comparison | null, dir: string): string[] {
  const lines: string[] = [];
  if (status.applied.length === 0) {
    lines.push("No migrations applied yet.");
  } else {
    const rows = status.applied.map((row) => [row.name, formatTime(row.appliedAt), row.appliedBy ?? "-", durationCell(row)]);
    const header = ["name", "applied at", "by", "duration"];
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
    const format = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
    lines.push(format(header), ...rows.map(format));
    if (status.applied.some((row) => row.baselined)) {
      lines.push("baselined: recorded as applied without running (supamigrate baseline, or import-history from the Supabase CLI's history)");
    }
  }
  if (local) {
    const folder = dir.replace(/\/+$/, "");
    lines.push(
      `${status.applied.length} applied, ${local.pending.length} pending, ${local.drifted.length + local.missing.length} drifted (compared with ${dir}/)`,
    );
    for (const name of local.pending) lines.push(`pending  ${folder}/${name}`);
    for (const file of local.drifted) lines.push(`drifted  ${folder}/${file.name}: edited after it was deployed`);
    for (const name of local.missing) lines.push(`drifted  ${folder}/${name}: deployed, missing locally`);
    if (local.drifted.length + local.missing.length > 0) lines.push("Run `supamigrate verify` for the checksums and how to fix each drifted file.");
  } else {
    lines.push(`${status.applied.length} applied`);
  }
  if (status.lock) lines.push(`The migration lock is held by ${status.lock.holder} since ${formatTime(status.lock.since)}.`);
  const backups = status.backups ?? [];
  if (backups.length > 0) {
    const bytes = backups.reduce((sum, b) => sum + b.bytes, 0);
    lines.push(`Backups: ${backups.length} (${formatBytes(bytes)}) of data from destructive migrations, in supamigrate_backup: \`supamigrate backups\` lists them, \`supamigrate backups prune\` drops them.`);
  }
  return lines;
}

/** A baselined row never ran, so it has no duration: it says `baselined` (and its source when not `baseline`). */
function durationCell(row: AppliedMigration): string {
  if (!row.baselined) return formatDuration(row.durationMs);
  return row.source && row.source !== "baseline" ? `baselined (${row.source})` : "baselined";
}

/** `2025-11-25 19:30:01Z` from an ISO timestamp (as stored, in UTC). */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
