/**
 * Column facts the break analysis needs beyond the schema model: whether a type change only widens
 * the column (clients keep working), and whether an insert must set a column (NOT NULL, no default,
 * not filled by the database).
 */
import { nameList } from "../../sql/names.ts";
import type { Json } from "../names.ts";
import type { ColumnFacts } from "../rollback/history.ts";

/**
 * True when every value of `from` is a value of `to` and clients read it the same way: a longer or
 * unbounded varchar, varchar to text, a wider integer, numeric with more digits or unbounded, real to
 * double precision. Types as the model normalizes them (`varchar(10)`, `integer`, `numeric(5,2)`).
 */
export function widens(from: string, to: string): boolean {
  if (from === to) return true;
  const f = parts(from);
  const t = parts(to);
  if (f.array !== t.array) return false;
  if (f.base === "varchar") {
    if (t.base === "text") return true;
    return t.base === "varchar" && (t.mods.length === 0 || (f.mods.length === 1 && Number(t.mods[0]) >= Number(f.mods[0])));
  }
  if (f.base === "smallint") return t.base === "integer" || t.base === "bigint";
  if (f.base === "integer") return t.base === "bigint";
  if (f.base === "real") return t.base === "double precision";
  if (f.base === "numeric" && t.base === "numeric") {
    if (t.mods.length === 0) return true;
    // numeric(p, s) → numeric(p2, s) with p2 ≥ p: the same scale, more digits before the point.
    return f.mods.length > 0 && Number(t.mods[0]) >= Number(f.mods[0]) && (t.mods[1] ?? "0") === (f.mods[1] ?? "0");
  }
  return false;
}

function parts(type: string): { base: string; mods: string[]; array: string } {
  const match = /^(.*?)(?:\((.*)\))?((?:\[\])*)$/.exec(type)!;
  return { base: match[1], mods: match[2] ? match[2].split(",") : [], array: match[3] };
}

const SERIAL = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

/**
 * True when an insert that leaves the column out fails: NOT NULL (or primary key), no DEFAULT, and not
 * filled by the database (identity, generated, serial). `facts` (history.ts) has the column's NOT NULL
 * and DEFAULT after later ALTERs; without it, the column definition alone decides.
 */
export function insertMustSet(def: Json, facts: ColumnFacts | null | undefined): boolean {
  const constraints: Json[] = Array.isArray(def?.constraints) ? def.constraints.map((c: Json) => c?.Constraint ?? {}) : [];
  if (constraints.some((c) => c.contype === "CONSTR_IDENTITY" || c.contype === "CONSTR_GENERATED")) return false;
  const type = nameList(def?.typeName?.names);
  if (type.length === 1 && SERIAL.has(type[0])) return false;
  const notNull = facts ? facts.notNull : constraints.some((c) => c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY");
  const hasDefault = facts ? facts.default !== null : constraints.some((c) => c.contype === "CONSTR_DEFAULT");
  return notNull && !hasDefault;
}

/** A CREATE TABLE node's definition of a column, or null. */
export function columnDefIn(node: Record<string, unknown> | null, column: string): Json | null {
  const elements = (node as Json)?.CreateStmt?.tableElts;
  if (!Array.isArray(elements)) return null;
  for (const element of elements) if (element?.ColumnDef?.colname === column) return element.ColumnDef;
  return null;
}
