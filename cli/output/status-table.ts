/** `supamigrate status` as text: a table of applied files, then pending/drifted counts and the lock. */
import type { Comparison } from "../../shared/migrations/index.ts";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import { formatDuration } from "./duration.ts";

export function statusLines(status: StatusResponse, local: Comparison | null, dir: string): string[] {
  const lines: string[] = [];
  if (status.applied.length === 0) {
    lines.push("No migrations applied yet.");
  } else {
    const rows = status.applied.map((row) => [row.name, formatTime(row.appliedAt), row.appliedBy ?? "-", formatDuration(row.durationMs)]);
    const header = ["name", "applied at", "by", "duration"];
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
    const format = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
    lines.push(format(header), ...rows.map(format));
  }
  if (local) {
    lines.push(
      `${status.applied.length} applied, ${local.pending.length} pending, ${local.drifted.length + local.missing.length} drifted (compared with ${dir}/)`,
    );
    if (local.drifted.length + local.missing.length > 0) lines.push("Run `supamigrate verify` to see which files drifted.");
  } else {
    lines.push(`${status.applied.length} applied`);
  }
  if (status.lock) lines.push(`The migration lock is held by ${status.lock.holder} since ${formatTime(status.lock.since)}.`);
  return lines;
}

/** `2025-11-25 19:30:01Z` from an ISO timestamp (as stored, in UTC). */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
