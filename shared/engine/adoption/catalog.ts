/**
 * What a set of migration files declares (the schema model, walked in contract order) compared
 * with what the live database has (pg_catalog), file by file: the check that keeps `baseline` from marking
 * a file as applied when it never ran. Reads only.
 */
import type postgres from "postgres";
import { collectMigrations } from "../../migrations/index.ts";
import { parseMigrations } from "../../schema/migrations.ts";
import { buildSchemaModel, positionOf, type SchemaModel, type TableState } from "../../schema/model.ts";
import type { BaselineFileReport } from "../../protocol/adoption.ts";
import type { MigrationPayload } from "../../protocol/types.ts";

type Sql = postgres.Sql;

/** The live catalog, as sets of keys in the schema model's format. */
export interface LiveCatalog {
  readonly schemas: ReadonlySet<string>;
  /** `schema.name` → relkind. */
  readonly relations: ReadonlyMap<string, string>;
  /** `schema.table` → column → normalized type. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** `schema.table/policy`. */
  readonly policies: ReadonlySet<string>;
  /** `schema.name` (arguments are not compared). */
  readonly functions: ReadonlySet<string>;
  /** `schema.table/trigger`. */
  readonly triggers: ReadonlySet<string>;
  /** `schema.name`. */
  readonly types: ReadonlySet<string>;
  readonly extensions: ReadonlySet<string>;
}

const SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')";

export async function readCatalog(sql: Sql): Promise<LiveCatalog> {
  const [schemas, relations, columns, policies, functions, triggers, types, extensions] = await Promise.all([
    sql.unsafe(`select nspname as s from pg_namespace where nspname not in ${SYSTEM_SCHEMAS} and nspname not like 'pg_temp%'`),
    sql.unsafe(`select n.nspname as s, c.relname as r, c.relkind::text as k from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ${SYSTEM_SCHEMAS}`),
    sql.unsafe(`select n.nspname as s, c.relname as r, a.attname as c, format_type(a.atttypid, a.atttypmod) as t
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname not in ${SYSTEM_SCHEMAS}`),
    sql.unsafe(`select schemaname as s, tablename as r, policyname as p from pg_policies`),
    sql.unsafe(`select n.nspname as s, p.proname as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname not in ${SYSTEM_SCHEMAS}`),
    sql.unsafe(`select n.nspname as s, c.relname as r, t.tgname as g from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal`),
    sql.unsafe(`select n.nspname as s, t.typname as t from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname not in ${SYSTEM_SCHEMAS}`),
    sql.unsafe(`select extname as e from pg_extension`),
  ]);
  const columnMap = new Map<string, Map<string, string>>();
  for (const row of columns) {
    const key = `${row.s}.${row.r}`;
    const table = columnMap.get(key) ?? new Map<string, string>();
    table.set(row.c, normalizeCatalogType(row.t));
    columnMap.set(key, table);
  }
  return {
    schemas: new Set(schemas.map((r) => r.s)),
    relations: new Map(relations.map((r) => [`${r.s}.${r.r}`, r.k])),
    columns: columnMap,
    policies: new Set(policies.map((r) => `${r.s}.${r.r}/${r.p}`)),
    functions: new Set(functions.map((r) => `${r.s}.${r.f}`)),
    triggers: new Set(triggers.map((r) => `${r.s}.${r.r}/${r.g}`)),
    types: new Set(types.map((r) => `${r.s}.${r.t}`)),
    extensions: new Set(extensions.map((r) => r.e)),
  };
}

const CATALOG_ALIASES: ReadonlyArray<[RegExp, string]> = [
  [/^timestamp(\(\d+\))? with time zone/, "timestamptz$1"],
  [/^timestamp(\(\d+\))? without time zone/, "timestamp$1"],
  [/^time(\(\d+\))? with time zone/, "timetz$1"],
  [/^time(\(\d+\))? without time zone/, "time$1"],
  [/^character varying/, "varchar"],
  [/^character(?=\(|$|\[)/, "char"],
];

/** format_type() output in the schema model's spelling (`timestamp with time zone` → `timestamptz`). */
export function normalizeCatalogType(type: string): string {
  let out = type.replace(/^"|"$/g, "");
  for (const [pattern, replacement] of CATALOG_ALIASES) out = out.replace(pattern, replacement);
  return out;
}

/** Types whose spelling the model and format_type() agree on; other (user-defined, schema-qualified) types are not compared. */
const COMPARABLE_TYPES = new Set([
  "integer", "bigint", "smallint", "text", "uuid", "boolean", "jsonb", "json", "timestamptz", "timestamp", "date",
  "time", "timetz", "numeric", "real", "double precision", "varchar", "char", "bytea", "inet", "interval",
]);

function comparableType(type: string): boolean {
  return COMPARABLE_TYPES.has(type.replace(/\(.*$/, "").replace(/\[\]$/, ""));
}

/**
 * Compares each file with the catalog. Objects count for the file that created their live version (a
 * table recreated by a later file counts for that later file); a column counts for the file that added it.
 */
export async function compareFilesWithCatalog(migrations: readonly MigrationPayload[], catalog: LiveCatalog): Promise<BaselineFileReport[]> {
  // In contract order, with checksums (the report carries them).
  const files = await parseMigrations(collectMigrations("", migrations.map((m) => ({ relativePath: m.name, text: m.sql }))));
  const model = buildSchemaModel(files);
  const byOrder = new Map(files.map((f) => [f.order, f.name]));
  const lastOrder = files.length - 1;
  const checked = new Map<string, number>();
  const problems = new Map<string, string[]>();
  const note = (file: string, problem: string | null) => {
    checked.set(file, (checked.get(file) ?? 0) + 1);
    if (problem !== null) problems.set(file, [...(problems.get(file) ?? []), problem]);
  };

  for (const definition of model.definitions) {
    const place = definition.place;
    if (!place) continue;
    if (model.current(definition.kind, definition.key) !== definition) continue; // dropped or superseded later
    const file = byOrder.get(place.order);
    if (!file) continue;
    const key = definition.key;
    // A policy, trigger or index of a missing table: the table's absence is the one thing to report.
    if (definition.owner !== null && !catalog.relations.has(definition.owner)) continue;
    switch (definition.kind) {
      case "schema":
        note(file, catalog.schemas.has(key) ? null : `schema ${key} is missing`);
        break;
      case "table":
      case "view":
      case "sequence":
      case "index": {
        const kind = catalog.relations.get(key);
        note(file, kind === undefined ? `${definition.display} is missing` : null);
        if (kind !== undefined && definition.kind === "table") compareColumns(model, key, place.order, lastOrder, byOrder, catalog, note);
        break;
      }
      case "policy":
        note(file, catalog.policies.has(key) ? null : `${definition.display} is missing`);
        break;
      case "function": {
        const name = key.slice(0, key.indexOf("("));
        note(file, catalog.functions.has(name) ? null : `function ${name} is missing`);
        break;
      }
      case "trigger":
        note(file, catalog.triggers.has(key) ? null : `${definition.display} is missing`);
        break;
      case "type":
        note(file, catalog.types.has(key) ? null : `${definition.display} is missing`);
        break;
      case "extension":
        note(file, catalog.extensions.has(key) ? null : `extension ${key} is missing`);
        break;
    }
  }

  return files.map((f) => {
    const list = problems.get(f.name) ?? [];
    const count = checked.get(f.name) ?? 0;
    const status = list.length > 0 ? "mismatch" : count === 0 ? "unchecked" : "ok";
    return { name: f.name, checksum: f.checksum, status, checked: count, problems: list };
  });
}

function compareColumns(
  model: SchemaModel,
  key: string,
  createdIn: number,
  lastOrder: number,
  byOrder: ReadonlyMap<number, string>,
  catalog: LiveCatalog,
  note: (file: string, problem: string | null) => void,
): void {
  const final = model.relationAt(key, Infinity);
  if (!final?.columnsKnown) return;
  const live = catalog.columns.get(key) ?? new Map<string, string>();
  const after = (order: number): TableState | null => model.relationAt(key, positionOf(order + 1, 0));
  for (const [name, info] of final.columns) {
    // The file that added the column: the earliest file from which it stayed in the table (not before the
    // file that created the table's live version).
    let introducedBy = lastOrder;
    while (introducedBy > createdIn && after(introducedBy - 1)?.columns.has(name)) introducedBy--;
    const file = byOrder.get(introducedBy);
    if (!file) continue;
    const liveType = live.get(name);
    if (liveType === undefined) note(file, `column ${key}.${name} is missing`);
    else if (comparableType(info.type) && liveType !== info.type) {
      note(file, `column ${key}.${name} is ${liveType} in the database, ${info.type} in the file`);
    } else note(file, null);
  }
}

/** One line per file worth mentioning, for CLI output and messages. */
export function describeReport(files: readonly BaselineFileReport[]): string[] {
  const lines: string[] = [];
  for (const file of files) {
    if (file.status === "mismatch") for (const problem of file.problems) lines.push(`${file.name}: ${problem}`);
    else if (file.status === "unchecked") lines.push(`${file.name} declares nothing checkable (data changes only, or objects a later file replaced): not compared`);
    else if (file.status === "tracked") lines.push(`${file.name} is already tracked: left as is`);
  }
  return lines;
}
