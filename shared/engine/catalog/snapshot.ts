/**
 * A snapshot of the database catalog: the user's objects (snapshot-sql.ts says which), each with what is
 * compared of it as normalized strings, so that two snapshots — before and after a rollback, or the live
 * database and a shadow built from the migrations — compare property by property (compare.ts).
 *
 * Reads only. It needs an open transaction: it sets `search_path` to pg_catalog for its query (SET LOCAL,
 * put back after), so every name outside pg_catalog comes out schema-qualified, whatever path a
 * migration set. Runs over any driver through a `CatalogReader`: postgres.js (the engine, the function)
 * or PGlite (the shadow of `verify --schema`).
 */
import type { CatalogObject, CatalogObjectKind, CatalogSnapshot } from "../../protocol/catalog.ts";
import { API_ROLES, SNAPSHOT_SQL } from "./snapshot-sql.ts";
import { normalizeDefinition, normalizeType, normalizeViewDefinition } from "./normalize.ts";

/** Runs one query (with `$1`… parameters) and answers its rows. */
export type CatalogReader = (text: string, params?: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>;

/** Reads the catalog; `query` must run inside a transaction (read-only is enough). */
export async function readSnapshot(query: CatalogReader): Promise<CatalogSnapshot> {
  const [{ path }] = await query("select pg_catalog.current_setting('search_path') as path");
  await query("select pg_catalog.set_config('search_path', 'pg_catalog', true)");
  const [{ snapshot }] = await query(SNAPSHOT_SQL);
  // Only after success: after an error the transaction is aborted, and the caller rolls it back.
  await query("select pg_catalog.set_config('search_path', $1, true)", [path]);
  return await buildSnapshot(JSON.parse(String(snapshot)) as RawSnapshot);
}

type Row = Record<string, unknown>;

interface RawSnapshot {
  readonly server: string;
  readonly schemas: Row[];
  readonly extensions: Row[];
  readonly types: Row[];
  readonly sequences: Row[];
  readonly tables: Row[];
  readonly columns: Row[];
  readonly constraints: Row[];
  readonly indexes: Row[];
  readonly views: Row[];
  readonly functions: Row[];
  readonly policies: Row[];
  readonly triggers: Row[];
}

/** The order objects are listed and differences reported in: containers before what they contain. */
export const KIND_ORDER: readonly CatalogObjectKind[] = [
  "schema", "extension", "type", "table", "column", "constraint", "index", "sequence", "view", "function", "policy", "trigger",
];

const yesNo = (value: unknown) => (value === true ? "yes" : "no");
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

const TYPE_KINDS: Record<string, string> = { e: "enum", d: "domain", c: "composite", r: "range" };
const TABLE_KINDS: Record<string, string> = { r: "table", p: "partitioned table", f: "foreign table" };
const CONSTRAINT_TYPES: Record<string, string> = {
  c: "check", f: "foreign key", p: "primary key", u: "unique", x: "exclusion", t: "constraint trigger",
};
const VOLATILITY: Record<string, string> = { i: "immutable", s: "stable", v: "volatile" };
const POLICY_COMMANDS: Record<string, string> = { "*": "all", r: "select", a: "insert", w: "update", d: "delete" };
const IDENTITY: Record<string, string> = { a: "always", d: "by default" };
const GENERATED: Record<string, string> = { s: "stored", v: "virtual" };
const TRIGGER_ENABLED: Record<string, string> = { O: "enabled", D: "disabled", R: "replica", A: "always" };

/** A policy's name as messages and SQL write it: always double-quoted (policy names often hold spaces). */
export function quotedPolicyName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Properties without the null and empty ones. */
function props(entries: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

/** The raw answer of SNAPSHOT_SQL → the snapshot, normalized (normalize.ts). */
export async function buildSnapshot(raw: RawSnapshot): Promise<CatalogSnapshot> {
  const objects: CatalogObject[] = [];
  const add = (kind: CatalogObjectKind, name: string, identifier: string, parent: string | null, properties: Record<string, string>, position?: number) =>
    objects.push({ kind, name, identifier, ...(parent === null ? {} : { parent }), ...(position === undefined ? {} : { position }), properties });
  const schemaOf = (row: Row) => `schema ${row.schema}`;

  for (const row of raw.schemas) add("schema", `schema ${row.name}`, String(row.name), null, {});
  for (const row of raw.extensions) add("extension", `extension ${row.name}`, String(row.name), null, { schema: String(row.schema) });
  for (const row of raw.types) {
    add("type", `type ${row.name}`, String(row.name), schemaOf(row), props({
      kind: TYPE_KINDS[String(row.kind)] ?? String(row.kind),
      labels: text(row.labels),
      base: text(row.base) && normalizeType(String(row.base)),
      "not null": row.kind === "d" ? yesNo(row.notNull) : null,
      default: text(row.default),
      checks: text(row.checks) && normalizeDefinition(String(row.checks)),
      attributes: text(row.attributes),
      subtype: text(row.subtype),
    }));
  }
  for (const row of raw.tables) {
    const grants = (row.grants ?? {}) as Record<string, string>;
    const grantProps: Record<string, string> = {};
    for (const role of API_ROLES) grantProps[`grants to ${role}`] = grants[role] ?? "none";
    add("table", String(row.name), String(row.name), schemaOf(row), {
      kind: TABLE_KINDS[String(row.kind)] ?? String(row.kind),
      "row level security": row.rls === true ? "enabled" : "disabled",
      "forced row level security": yesNo(row.forceRls),
      unlogged: yesNo(row.persistence === "u"),
      ...grantProps,
    });
  }
  for (const row of raw.columns) {
    add("column", `${row.table}.${row.name}`, String(row.name), String(row.table), props({
      type: normalizeType(String(row.type)),
      "not null": yesNo(row.notNull),
      default: text(row.default) && normalizeDefinition(String(row.default)),
      identity: IDENTITY[String(row.identity)] ?? null,
      generated: GENERATED[String(row.generated)] ?? null,
    }), Number(row.position));
  }
  for (const row of raw.constraints) {
    add("constraint", `constraint ${row.name} on ${row.table}`, String(row.name), String(row.table), {
      type: CONSTRAINT_TYPES[String(row.type)] ?? String(row.type),
      definition: normalizeDefinition(String(row.definition)),
    });
  }
  for (const row of raw.indexes) {
    add("index", `index ${row.name}`, String(row.name), String(row.table), { definition: normalizeDefinition(String(row.definition)) });
  }
  for (const row of raw.sequences) {
    const owner = row.ownedBy as { table: string; column: string } | null;
    add("sequence", `sequence ${row.name}`, String(row.name), owner?.table ?? schemaOf(row), props({
      type: normalizeType(String(row.type)),
      start: String(row.start),
      increment: String(row.increment),
      min: String(row.min),
      max: String(row.max),
      cache: String(row.cache),
      cycle: yesNo(row.cycle),
      "owned by": owner ? `${owner.table}.${owner.column}` : null,
    }));
  }
  const schemas = new Set(raw.schemas.map((row) => String(row.name)));
  for (const row of raw.views) {
    const kind = row.kind === "m" ? "materialized view" : "view";
    add("view", `${kind} ${row.name}`, String(row.name), schemaOf(row), {
      kind,
      columns: String(row.columns ?? ""),
      definition: `sha256:${await sha256(normalizeViewDefinition(String(row.definition), schemas))}`,
    });
  }
  for (const row of raw.functions) {
    const routine = row.kind === "p" ? "procedure" : "function";
    add("function", `${routine} ${row.name}`, String(row.name), schemaOf(row), props({
      arguments: String(row.arguments ?? ""),
      returns: text(row.returns),
      language: String(row.language),
      volatility: VOLATILITY[String(row.volatility)] ?? String(row.volatility),
      "security definer": yesNo(row.securityDefiner),
      strict: yesNo(row.strict),
      config: text(row.config),
      body: `md5:${row.body}`,
      "execute granted to": text(row.execute) ?? "none",
    }));
  }
  for (const row of raw.policies) {
    const name = quotedPolicyName(String(row.name));
    add("policy", `policy ${name} on ${row.table}`, name, String(row.table), props({
      command: POLICY_COMMANDS[String(row.command)] ?? String(row.command),
      as: row.permissive === false ? "restrictive" : "permissive",
      roles: text(row.roles) ?? "public",
      using: text(row.using) && normalizeDefinition(String(row.using)),
      "with check": text(row.check) && normalizeDefinition(String(row.check)),
    }));
  }
  for (const row of raw.triggers) {
    add("trigger", `trigger ${row.name} on ${row.table}`, String(row.name), String(row.table), {
      definition: normalizeDefinition(String(row.definition)),
      enabled: TRIGGER_ENABLED[String(row.enabled)] ?? String(row.enabled),
    });
  }
  const rank = new Map(KIND_ORDER.map((kind, i) => [kind, i]));
  objects.sort((a, b) => rank.get(a.kind)! - rank.get(b.kind)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { format: 1, server: String(raw.server), objects };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
