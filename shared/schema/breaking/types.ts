/**
 * What a breaking change is, as data: the statement that makes it, what kind of break, the object it
 * breaks, and a message and hint for people. The deployment report (`supamigrate plan`) and the
 * `breaking-change` lint rule both read these.
 */
import type { Range } from "../../sql/index.ts";

export type BreakingKind =
  | "dropped-table"
  | "renamed-table"
  | "dropped-column"
  | "renamed-column"
  | "column-type-changed"
  | "not-null-added"
  | "dropped-function"
  | "renamed-function"
  | "function-signature-changed"
  | "dropped-policy"
  | "policy-changed"
  | "rls-disabled"
  | "grant-revoked"
  | "dropped-view"
  | "dropped-type"
  | "dropped-schema";

/** Which rows a live count decides on for a NOT NULL added to a table that keeps its rows. */
export interface LiveNullCheck {
  /** The table's key (`public.invoices`, unquoted parts) and the column, as `countNulls` takes them. */
  readonly table: string;
  readonly column: string;
  /**
   * `nulls`: SET NOT NULL on an existing column fails if any row holds NULL in it; `rows`: a NOT NULL
   * column added with no default fails if the table has any row.
   */
  readonly failsOn: "nulls" | "rows";
}

export interface BreakingChange {
  /** The migration's path as reported (`scripts/021_drop_status.sql`). */
  readonly file: string;
  /** The statement's first line (1-based, UTF-16 columns, end exclusive). */
  readonly range: Range;
  /** The statement's index in its file. */
  readonly statement: number;
  readonly kind: BreakingKind;
  /** `break` for what clients notice; `notice` for a change worth reviewing that breaks nothing by itself (policy-changed). */
  readonly level: "break" | "notice";
  /**
   * The object broken: `public.invoices`, `public.invoices.status`, `public.f(integer)`,
   * `"Own rows" on public.invoices`, `private` (a schema).
   */
  readonly object: string;
  /** False when no earlier migration (nor Supabase) creates the object: only the live database knows whether it exists. */
  readonly known: boolean;
  /** `drops column public.invoices.status: clients that select or write it break`. */
  readonly message: string;
  /** What to do about it, in a sentence. */
  readonly hint: string;
  /** For not-null-added on a table that keeps its rows: what to count on the live database (`countNulls`). */
  readonly liveCheck?: LiveNullCheck;
}
