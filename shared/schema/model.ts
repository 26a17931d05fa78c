/**
 * The schema the migrations build, walked in contract order and seeded with what Supabase provides.
 * Every object keeps its history (when each version started and ended), so a rule can ask "did this
 * table exist before statement 3 of file 015?" and not only "does it exist at the end?".
 * Every CREATE is recorded as a Definition, with the live definition it met (for conflicting-definition).
 */
import { spanRange } from "../sql/index.ts";
import type { ParsedStatement } from "../sql/index.ts";
import type { Range } from "../sql/index.ts";
import type { ParsedMigration } from "./migrations.ts";
import { SUPABASE_FUNCTIONS, SUPABASE_ROLES, SUPABASE_SCHEMAS, SUPABASE_TABLES } from "./supabase.ts";
import { declareUnparsed } from "./unparsed.ts";
import { applyStatement } from "./walk.ts";

export type ObjectKind =
  | "schema" | "table" | "view" | "type" | "function" | "policy" | "index" | "trigger" | "sequence" | "extension";

/** Where a statement is: its file, its position in contract order, its span and range. */
export interface Place {
  readonly path: string;
  readonly order: number;
  readonly statement: number;
  readonly start: number;
  readonly end: number;
  /** The statement's first line (the range findings point at). */
  readonly range: Range;
}

export interface ColumnInfo {
  readonly name: string;
  /** Normalized type: `integer`, `uuid`, `varchar(10)`, `text[]`. */
  readonly type: string;
}

export interface TableState {
  readonly key: string;
  readonly columns: ReadonlyMap<string, ColumnInfo>;
  readonly primaryKey: readonly string[];
  readonly unique: ReadonlyArray<readonly string[]>;
  /** False when the columns cannot be known from the SQL (CREATE TABLE … AS, a view). */
  readonly columnsKnown: boolean;
}

/** One CREATE of an object (or Supabase's own object, with `place` null). */
export interface Definition {
  readonly kind: ObjectKind;
  /** `public.users`, `public.users/Policy name`, `public.f(integer,uuid)`, `public.users/trigger`. */
  readonly key: string;
  /** For messages: `table public.users`, `policy "x" on public.users`. */
  readonly display: string;
  readonly place: Place | null;
  /** The defining statement's parse tree (null for Supabase's objects); compare with `fingerprint()` from schema/fingerprint.ts. */
  readonly node: Record<string, unknown> | null;
  /** The table a policy, trigger or index belongs to. */
  readonly owner: string | null;
  /** The definition of the same object that was live when this one ran (IF NOT EXISTS, OR REPLACE), or null. */
  readonly previous: Definition | null;
  /** What the statement does when the object exists: keep it (IF NOT EXISTS) or replace it (OR REPLACE). */
  readonly mode: "keep" | "replace";
}

interface Version {
  readonly since: number;
  until: number;
  readonly definition: Definition;
  readonly table: TableState | null;
}

/** The statement's position on the model's time line (Supabase's objects sit before everything). */
export function positionOf(order: number, statement: number): number {
  return order * 0x400000 + statement;
}

const SEED = -1;

export class SchemaModel {
  /** Every CREATE the migrations run, in contract order. */
  readonly definitions: Definition[] = [];
  /** Statements the model could not read (a supamigrate bug): skipped, and reported by the engine. */
  readonly unreadable: Array<{ readonly path: string; readonly start: number; readonly end: number; readonly error: string }> = [];
  private readonly history = new Map<string, Version[]>();
  private readonly open = new Map<string, Version>();
  /** Owner table key → ids of the live objects it owns. */
  private readonly owned = new Map<string, Set<string>>();

  /** The relation (table or view) `key` as it was just before `position` (or just after, when `inclusive`). */
  relationAt(key: string, position: number, inclusive = false): TableState | null {
    const version = this.versionAt(`relation:${key}`, position, inclusive);
    return version ? version.table : null;
  }

  /** The live definition of an object at a position, or null. */
  definitionAt(kind: ObjectKind, key: string, position: number, inclusive = false): Definition | null {
    return this.versionAt(`${namespaceOf(kind)}:${key}`, position, inclusive)?.definition ?? null;
  }

  /** The live definition of an object after the last migration, or null. */
  current(kind: ObjectKind, key: string): Definition | null {
    return this.open.get(`${namespaceOf(kind)}:${key}`)?.definition ?? null;
  }

  /** Records a CREATE. `mode` says what Postgres does when the object exists: keep it or replace it. */
  create(
    definition: Omit<Definition, "previous" | "mode">,
    position: number,
    mode: "keep" | "replace",
    table: TableState | null = null,
  ): void {
    const id = `${namespaceOf(definition.kind)}:${definition.key}`;
    const live = this.open.get(id);
    const recorded: Definition = {
      kind: definition.kind,
      key: definition.key,
      display: definition.display,
      place: definition.place,
      node: definition.node,
      owner: definition.owner,
      previous: live?.definition ?? null,
      mode,
    };
    if (definition.place) this.definitions.push(recorded);
    if (live && mode === "keep") return;
    this.start(id, { since: position, until: Infinity, definition: recorded, table });
  }

  /** Replaces a live table's state (ALTER TABLE); nothing when it does not exist. */
  alterTable(key: string, position: number, change: (table: TableState) => TableState): void {
    const id = `relation:${key}`;
    const live = this.open.get(id);
    if (!live?.table) return;
    this.start(id, { since: position, until: Infinity, definition: live.definition, table: change(live.table) });
  }

  /** Ends an object's life; `prefix` ends every object whose key starts with it (DROP SCHEMA, DROP FUNCTION f). */
  drop(kind: ObjectKind, key: string, position: number, prefix = false): void {
    const ns = namespaceOf(kind);
    const ids = prefix
      ? [...this.open.keys()].filter((id) => id.startsWith(`${ns}:${key}`))
      : this.open.has(`${ns}:${key}`) ? [`${ns}:${key}`] : [];
    // A table takes its policies, triggers and indexes with it.
    if (kind === "table" || kind === "view") {
      // Element by element: a spread of a table's thousands of policies would overflow the stack.
      for (const id of ids) for (const owned of this.owned.get(id.slice(ns.length + 1)) ?? []) ids.push(owned);
    }
    for (const id of ids) this.end(id, position);
  }

  /** Every object live after the last migration whose owner is `table`. */
  dependentsOf(table: string): Definition[] {
    return [...(this.owned.get(table) ?? [])].map((id) => this.open.get(id)!.definition);
  }

  /** Renames a live object (and moves its dependents when it is a table). */
  rename(kind: ObjectKind, from: string, to: string, position: number, rewrite: (d: Definition) => Definition): void {
    const id = `${namespaceOf(kind)}:${from}`;
    const live = this.open.get(id);
    if (!live) return;
    this.end(id, position);
    const table = live.table ? { ...live.table, key: to } : null;
    this.start(`${namespaceOf(kind)}:${to}`, { since: position, until: Infinity, definition: rewrite(live.definition), table });
  }

  private versionAt(id: string, position: number, inclusive: boolean): Version | null {
    const versions = this.history.get(id);
    if (!versions) return null;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i];
      const started = inclusive ? v.since <= position : v.since < position;
      const alive = inclusive ? v.until > position : v.until >= position;
      if (started && alive) return v;
      if (v.until < position) return null;
    }
    return null;
  }

  private start(id: string, version: Version): void {
    this.end(id, version.since);
    this.open.set(id, version);
    const owner = version.definition.owner;
    if (owner) {
      const set = this.owned.get(owner);
      if (set) set.add(id);
      else this.owned.set(owner, new Set([id]));
    }
    const versions = this.history.get(id);
    if (versions) versions.push(version);
    else this.history.set(id, [version]);
  }

  private end(id: string, position: number): void {
    const live = this.open.get(id);
    if (!live) return;
    live.until = position;
    this.open.delete(id);
    if (live.definition.owner) this.owned.get(live.definition.owner)?.delete(id);
  }
}

/** Tables and views share one namespace in Postgres (as do all types); the rest are their own. */
function namespaceOf(kind: ObjectKind): string {
  return kind === "table" || kind === "view" || kind === "sequence" ? "relation" : kind;
}

/** Supabase's objects, then every parsed statement of the migrations in contract order. */
export function buildSchemaModel(files: readonly ParsedMigration[] = []): SchemaModel {
  const model = new SchemaModel();
  const seed = (kind: ObjectKind, key: string, table: TableState | null = null) =>
    model.create({ kind, key, display: `${kind} ${key}`, place: null, node: null, owner: null }, SEED, "keep", table);
  for (const schema of SUPABASE_SCHEMAS) seed("schema", schema);
  for (const fn of SUPABASE_FUNCTIONS) seed("function", fn);
  for (const t of SUPABASE_TABLES) {
    const columns = new Map(t.columns.map(([name, type]) => [name, { name, type }]));
    seed("table", t.key, { key: t.key, columns, primaryKey: t.primaryKey, unique: t.unique, columnsKnown: true });
  }
  for (const file of files) {
    const statements = file.parsed.statements;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (!statement.node) {
        // A CREATE that does not parse still declares its object: one syntax error, not one more finding per use.
        if (statement.error) declareUnparsed(model, statement.text, new StatementPlace(file, statement), positionOf(file.order, statement.index));
        continue;
      }
      try {
        applyStatement(model, statement.kind!, statement.node, new StatementPlace(file, statement), positionOf(file.order, statement.index));
      } catch (error) {
        // A bug here must not hide every other finding: the statement is left out of the model and reported.
        model.unreadable.push({ path: file.path, start: statement.start, end: statement.end, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return model;
}

/** A statement's place; its range (two binary searches into the file) is computed only when asked for, by a finding. */
class StatementPlace implements Place {
  readonly path: string;
  readonly order: number;
  readonly statement: number;
  readonly start: number;
  readonly end: number;
  private readonly file: ParsedMigration;
  private firstLine: Range | null = null;

  constructor(file: ParsedMigration, statement: ParsedStatement) {
    this.path = file.path;
    this.order = file.order;
    this.statement = statement.index;
    this.start = statement.start;
    this.end = statement.end;
    this.file = file;
  }

  get range(): Range {
    if (this.firstLine) return this.firstLine;
    const lineEnd = this.file.text.indexOf("\n", this.start);
    const firstLineEnd = lineEnd < 0 || lineEnd > this.end ? this.end : lineEnd;
    return this.firstLine = spanRange(this.file.parsed.index, this.start, firstLineEnd);
  }
}

/** The API roles Supabase creates (for rules that check `TO <role>`). */
export const supabaseRoles: ReadonlySet<string> = new Set(SUPABASE_ROLES);
