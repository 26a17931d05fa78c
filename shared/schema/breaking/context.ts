/**
 * What the analysis of one batch of migrations knows: the schema model (what was live at the batch's
 * start and end), the history facts the model does not hold (NOT NULL, DEFAULT, row level security)
 * at both ends, and the batch's events in order.
 */
import { spanRange } from "../../sql/index.ts";
import type { ObjectKind, SchemaModel } from "../model.ts";
import { displayKey } from "../names.ts";
import { SUPABASE_FUNCTIONS } from "../supabase.ts";
import type { TableFacts } from "../rollback/history.ts";
import { removedBefore } from "../rollback/objects.ts";
import type { At, Event } from "./events.ts";
import { HINTS } from "./hints.ts";
import type { BreakingChange, BreakingKind } from "./types.ts";

/** Keys of the objects the model ever defined, for lookups by owner or name (built once per analysis). */
export interface ModelIndex {
  /** Table key → the keys of the policies created on it. */
  readonly policiesOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** `schema.name(` → the keys of every function of that name. */
  readonly functionsNamed: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface Batch {
  readonly model: SchemaModel;
  readonly index: ModelIndex;
  /** Positions on the model's time line: just before the batch's first statement, just after its last. */
  readonly start: number;
  readonly end: number;
  /** The batch's events, in the order its statements run. */
  readonly events: readonly Event[];
  /** A table's history facts at the batch's start, or null when the migrations did not create it (no facts known). */
  startFacts(table: string): TableFacts | null;
  /** A table's history facts at the batch's end, or null. */
  endFacts(table: string): TableFacts | null;
  /** The roles each ALTER POLICY … TO gave a policy (every file, in order), by policy key. */
  readonly policyRoles: ReadonlyMap<string, ReadonlyArray<{ readonly position: number; readonly roles: readonly string[] }>>;
}

/**
 * An object's state at a statement of the batch: `existing` (live when the batch starts), `new` (made by
 * the batch, before this statement), `gone` (removed by an earlier migration: an IF EXISTS drop of it
 * drops nothing), `unknown` (no migration ever made it: only the live database knows).
 */
export type State = "existing" | "new" | "gone" | "unknown";

export function stateOf(batch: Batch, kind: ObjectKind, key: string, position: number, prefix = false): State {
  const target = { kind, key, prefix, sql: key, display: key };
  if (prefix ? liveNamed(batch, key, batch.start).length > 0 : batch.model.definitionAt(kind, key, batch.start)) return "existing";
  if (removedBefore(batch.model, target, batch.start)) return "gone";
  const liveNow = prefix ? liveNamed(batch, key, position).length > 0 : batch.model.definitionAt(kind, key, position) !== null;
  if (liveNow || removedBefore(batch.model, target, position)) return "new";
  return "unknown";
}

/** The keys of the functions named `base` (`public.f(`) live just before `position`. */
export function liveNamed(batch: Batch, base: string, position: number): string[] {
  return [...batch.index.functionsNamed.get(base) ?? []].filter((key) => batch.model.definitionAt("function", key, position) !== null);
}

export function buildIndex(model: SchemaModel): ModelIndex {
  const policiesOf = new Map<string, Set<string>>();
  const functionsNamed = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, value: string) => {
    const set = map.get(key);
    if (set) set.add(value);
    else map.set(key, new Set([value]));
  };
  for (const d of model.definitions) {
    if (d.kind === "policy" && d.owner) add(policiesOf, d.owner, d.key);
    if (d.kind === "function") add(functionsNamed, d.key.slice(0, d.key.indexOf("(") + 1), d.key);
  }
  // Supabase's functions (auth.uid()…) are seeded, not in `definitions`.
  for (const key of SUPABASE_FUNCTIONS) add(functionsNamed, key.slice(0, key.indexOf("(") + 1), key);
  return { policiesOf, functionsNamed };
}

/** A breaking change found at an event's statement. */
export function change(
  at: At,
  kind: BreakingKind,
  object: string,
  message: string,
  options: { known?: boolean; hint?: string; liveCheck?: BreakingChange["liveCheck"] } = {},
): BreakingChange {
  const { file, statement } = at;
  const lineEnd = file.text.indexOf("\n", statement.start);
  const firstLineEnd = lineEnd < 0 || lineEnd > statement.end ? statement.end : lineEnd;
  return {
    file: file.path,
    range: spanRange(file.parsed.index, statement.start, firstLineEnd),
    statement: statement.index,
    kind,
    level: kind === "policy-changed" ? "notice" : "break",
    object,
    known: options.known ?? true,
    message,
    hint: options.hint ?? HINTS[kind],
    ...(options.liveCheck ? { liveCheck: options.liveCheck } : {}),
  };
}

/** A column as messages name it: `public.invoices.status` (parts quoted only when needed). */
export function columnName(table: string, column: string): string {
  return `${displayKey(table)}.${identifier(column)}`;
}

/** A name as messages show it: quoted only when needed. */
export function identifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A policy as DROP POLICY names it: `"Own rows" on public.invoices` (from its key `public.invoices/Own rows`). */
export function policyName(key: string): string {
  const slash = key.indexOf("/");
  return `"${key.slice(slash + 1).replace(/"/g, '""')}" on ${displayKey(key.slice(0, slash))}`;
}
