/**
 * Names and types as the schema model compares them: relations qualified (unqualified → `public`),
 * type names normalized so that `int`, `integer` and `int4` are one type. Names are read from the
 * tree with sql-names.ts; the keys here are the model's own (`public.users`, unquoted).
 */
import { nameList, qualifiedName, type QualifiedName, relationName } from "../sql/names.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** `schema.name` of a RangeVar (`{ schemaname?, relname }`); unqualified names resolve to `public`. */
export function relationKey(rangeVar: unknown): string | null {
  return nameKey(relationName(rangeVar));
}

/** `schema.name` of a name list such as a type's `names` (`public.mood` or `mood`). */
export function qualifiedKey(names: unknown): string | null {
  return nameKey(qualifiedName(names));
}

/** `schema.name`, or null for a missing name. */
export function nameKey({ schema, name }: QualifiedName): string | null {
  return name === "" ? null : `${schema}.${name}`;
}

const PLAIN_KEY = /^[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)*$/;

/** Quotes a key's parts for messages only when needed: `public.users`, `public."My Table"`. */
export function displayKey(key: string): string {
  if (PLAIN_KEY.test(key)) return key;
  return key.split(".").map((part) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : `"${part.replace(/"/g, '""')}"`)).join(".");
}

const ALIASES: Readonly<Record<string, string>> = {
  int: "integer", int4: "integer", integer: "integer", serial: "integer", serial4: "integer",
  int8: "bigint", bigint: "bigint", bigserial: "bigint", serial8: "bigint",
  int2: "smallint", smallint: "smallint", smallserial: "smallint", serial2: "smallint",
  float8: "double precision", float4: "real", bool: "boolean", boolean: "boolean",
  varchar: "varchar", "character varying": "varchar", bpchar: "char", char: "char", character: "char",
  timestamptz: "timestamptz", timestamp: "timestamp", timetz: "timetz", time: "time",
  decimal: "numeric", numeric: "numeric",
};

/**
 * A TypeName node as one comparable string: `integer`, `uuid`, `varchar(10)`, `numeric(5,2)`,
 * `text[]`; `pg_catalog.` is dropped and aliases collapse (`int4` = `integer`, `serial` = `integer`).
 */
export function normalizeType(typeName: Json): string {
  const names = nameList(typeName?.names);
  if (names.length === 0) return "unknown";
  // A type named just `pg_catalog` (valid SQL: a type of that name in the search path) keeps its name.
  const parts = names[0] === "pg_catalog" && names.length > 1 ? names.slice(1) : names;
  const last = parts[parts.length - 1].toLowerCase();
  const base = parts.length === 1 ? (ALIASES[last] ?? last) : parts.join(".");
  const mods = Array.isArray(typeName.typmods)
    ? typeName.typmods.map((m: Json) => m?.A_Const?.ival?.ival ?? m?.A_Const?.sval?.sval ?? "").join(",")
    : "";
  const array = Array.isArray(typeName.arrayBounds) ? "[]".repeat(typeName.arrayBounds.length) : "";
  return `${base}${mods && !base.startsWith("time") && !base.startsWith("interval") ? `(${mods})` : ""}${array}`;
}

/** The type without its modifiers (`varchar(10)` → `varchar`), for key compatibility. */
export function baseType(type: string): string {
  return type.replace(/\(.*?\)/, "");
}

/** The UTF-16 end of a (possibly qualified, possibly quoted) name that starts at `start` in `text`. */
export function nameEnd(text: string, start: number): number {
  let at = start;
  for (;;) {
    if (text[at] === '"') {
      at++;
      while (at < text.length && !(text[at] === '"' && text[at + 1] !== '"')) at += text[at] === '"' ? 2 : 1;
      at = Math.min(text.length, at + 1);
    } else {
      const from = at;
      while (at < text.length && /[\p{L}\p{N}_$]/u.test(text[at])) at++;
      if (at === from) break;
    }
    if (text[at] !== ".") break;
    at++;
  }
  return Math.max(at, start + 1);
}
