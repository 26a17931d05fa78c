/**
 * SQL text for generated rollbacks: names quoted only when needed, type names a function signature
 * can use, expressions and clauses cut out of a statement's own text (libpg-query has no deparser).
 */
import { TextIndex } from "../../sql/index.ts";
import { type AstNode, nameList, nodeFields, quoteIdent, sqlTokens, type SqlToken } from "../../sql/names.ts";
import type { Json } from "../names.ts";

/** A RangeVar as SQL, qualified only when the source qualified it. */
export { relationSql } from "../../sql/names.ts";

/** A name list as SQL (`public.mood`, `"My Type"`), qualified only when the source qualified it. */
export function namesSql(names: unknown): string {
  return nameList(names).map(quoteIdent).join(".");
}

/** Built-in types the parser writes as `pg_catalog.<internal name>`, by the name SQL spells them. */
const BUILTIN: Readonly<Record<string, string>> = {
  int4: "integer", int8: "bigint", int2: "smallint", bool: "boolean", float8: "double precision", float4: "real",
  bpchar: "char", varchar: "varchar", numeric: "numeric", timestamp: "timestamp", timestamptz: "timestamptz",
  time: "time", timetz: "timetz", interval: "interval", bit: "bit", varbit: "varbit", text: "text",
};

/**
 * A TypeName as a function signature spells it: `integer`, `text[]`, `public.mood`, `t.c%type`.
 * Type modifiers are left out (a signature ignores them).
 */
export function typeSql(typeName: Json): string {
  const names = nameList(typeName?.names);
  let base: string;
  if (names.length === 2 && names[0] === "pg_catalog") base = BUILTIN[names[1]] ?? `pg_catalog.${quoteIdent(names[1])}`;
  else base = names.map(quoteIdent).join(".");
  const pct = typeName?.pct_type ? "%type" : "";
  const array = Array.isArray(typeName?.arrayBounds) ? "[]".repeat(typeName.arrayBounds.length) : "";
  return `${base}${pct}${array}`;
}

/** The identity argument types of a CREATE FUNCTION's parameters (IN, INOUT, VARIADIC), as SQL. */
export function signatureOfParameters(parameters: unknown): string {
  const types: string[] = [];
  for (const parameter of Array.isArray(parameters) ? parameters : []) {
    const p = nodeFields(parameter, "FunctionParameter");
    if (p && p.mode !== "FUNC_PARAM_OUT" && p.mode !== "FUNC_PARAM_TABLE") types.push(typeSql(p.argType));
  }
  return types.join(", ");
}

/** `name(argtypes)` of an ObjectWithArgs (DROP FUNCTION, ALTER FUNCTION, RENAME), or just the name when no arguments are given. */
export function functionWithArgsSql(objectWithArgs: AstNode, name = namesSql(objectWithArgs.objname)): string {
  if (objectWithArgs.args_unspecified) return name;
  const args = Array.isArray(objectWithArgs.objargs) ? objectWithArgs.objargs.map((t) => typeSql(nodeFields(t, "TypeName"))) : [];
  return `${name}(${args.join(", ")})`;
}

/** A statement's text ending in `;` (the last statement of a file may have none). */
export function terminated(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.endsWith(";") ? trimmed : `${trimmed};`;
}

/** A CREATE statement's text with OR REPLACE after CREATE when it has none (`create function` → `create or replace function`). */
export function withOrReplace(text: string): string {
  const tokens = sqlTokens(text);
  if (tokens[0]?.keyword !== "create" || tokens[1]?.keyword === "or") return text;
  return `${text.slice(0, tokens[0].end)} or replace${text.slice(tokens[0].end)}`;
}

/** Keywords that start a column constraint: where a column's DEFAULT expression ends. */
const COLUMN_CONSTRAINT_START = new Set([
  "constraint", "not", "null", "check", "default", "unique", "primary", "references", "generated", "collate", "deferrable", "initially",
]);

/**
 * The expression that starts at the first token at or after UTF-16 offset `from` of `text`: tokens up to a
 * `,`, `;` or unbalanced `)` at depth 0 (and, for a column's DEFAULT, the next column constraint). Null when
 * there is none.
 */
export function expressionAt(text: string, from: number, inColumn: boolean): string | null {
  const tokens = sqlTokens(text);
  const first = tokens.findIndex((t) => t.start >= from);
  if (first < 0) return null;
  let depth = 0;
  let last: SqlToken | null = null;
  for (let i = first; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === "(" || t.text === "[") depth++;
    else if (t.text === ")" || t.text === "]") {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (t.text === "," || t.text === ";")) break;
    else if (depth === 0 && inColumn && last !== null && COLUMN_CONSTRAINT_START.has(t.keyword)) break;
    last = t;
  }
  return last ? text.slice(tokens[first].start, last.end) : null;
}

/** The UTF-16 offset in a statement's text of an AST location (UTF-8 bytes from the statement's start). */
export function offsetOfLocation(text: string, location: number): number {
  return new TextIndex(text).offsetOfByte(location);
}

/**
 * The expression after the keyword `keyword` that follows UTF-16 offset `from` in `text` (a column's
 * `DEFAULT <expr>`, a `SET DEFAULT <expr>`), or null.
 */
export function expressionAfterKeyword(text: string, from: number, keyword: string, inColumn: boolean): string | null {
  const tokens = sqlTokens(text);
  const at = tokens.findIndex((t) => t.start >= from && t.keyword === keyword);
  if (at < 0 || !tokens[at + 1]) return null;
  return expressionAt(text, tokens[at + 1].start, inColumn);
}

/** The first line of a statement's text, whitespace collapsed and cut at 90 characters, for comments. */
export function statementSummary(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 90 ? `${flat.slice(0, 89)}…` : flat;
}
