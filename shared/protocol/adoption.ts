/**
 * Adoption routes (docs/adoption.md): `POST baseline`, `POST repair`, `POST import-history`. Additive to
 * the fixed contract in types.ts; answers are JSON (nothing runs from files, so there is no stream).
 */
import type { ApplyMeta, ApplyRequest } from "./types.ts";

/** `POST baseline`: the apply body plus `force` (record despite a mismatch or existing tracking rows). */
export interface BaselineRequest extends ApplyRequest {
  readonly force?: boolean;
}

/** What the comparison with the live catalog found for one file. */
export interface BaselineFileReport {
  readonly name: string;
  readonly checksum: string;
  /** ok: every object checked is there; mismatch: something is missing or differs; unchecked: declares nothing checkable; tracked: already in the tracking table (left as is). */
  readonly status: "ok" | "mismatch" | "unchecked" | "tracked";
  /** Objects compared with the catalog. */
  readonly checked: number;
  /** One line each: `table public.x is missing`, `column public.x.y is integer in the database, text in the file`. */
  readonly problems: string[];
}

export interface BaselineResponse {
  readonly dryRun: boolean;
  readonly forced: boolean;
  /** Files recorded as applied (none on a dry run). */
  readonly recorded: string[];
  readonly files: BaselineFileReport[];
  /** Names of files with status mismatch. */
  readonly mismatched: string[];
}

/** `POST repair`: accept a deployed file's new text (checksum) or forget a tracking row. Never runs SQL from files. */
export type RepairRequest =
  | { readonly action: "accept-checksum"; readonly name: string; readonly sql: string; readonly reason: string; readonly meta?: ApplyMeta }
  | { readonly action: "forget"; readonly name: string; readonly reason: string; readonly meta?: ApplyMeta };

export interface RepairResponse {
  readonly action: "accept-checksum" | "forget";
  readonly name: string;
  readonly oldChecksum: string;
  /** The checksum now recorded (null after forget). */
  readonly newChecksum: string | null;
  readonly actor: string | null;
}

/** `POST import-history`: the local files; the history is read from supabase_migrations.schema_migrations. */
export interface ImportHistoryRequest {
  readonly migrations: ApplyRequest["migrations"];
  readonly dryRun?: boolean;
  readonly meta?: ApplyMeta;
  /**
   * History rows that match no local file, acknowledged after review (a file renamed or dropped on
   * purpose): each is logged (`history-row-accepted`, with the reason and the actor) and is not
   * reported as unmatched again, by this run or any later one.
   */
  readonly acceptUnmatched?: readonly HistoryRowAcceptance[];
}

/** One unmatched history row to acknowledge: `row` is its version or `<version>_<name>`, as import-history lists it. */
export interface HistoryRowAcceptance {
  readonly row: string;
  readonly reason: string;
}

/** A history row with no local file, acknowledged (by this request or an earlier one). */
export interface AcknowledgedHistoryRow {
  readonly version: string;
  readonly name: string | null;
  readonly reason: string;
  /** Who acknowledged it (the verified caller). */
  readonly actor: string | null;
  /** When it was recorded; null on a dry run (not recorded). */
  readonly at: string | null;
}

export interface ImportHistoryResponse {
  readonly dryRun: boolean;
  /** Local files matched to a history row and recorded (or, on a dry run, that would be). */
  readonly recorded: string[];
  /** Matched files already in the tracking table (left as is). */
  readonly alreadyTracked: string[];
  /** History rows with no matching local file, and why (acknowledged rows are not listed). */
  readonly unmatched: Array<{ readonly version: string; readonly name: string | null; readonly reason: string }>;
  /** Unmatched rows acknowledged (`acceptUnmatched`, now or by an earlier run); absent from functions older than it. */
  readonly acknowledged?: AcknowledgedHistoryRow[];
}
