/**
 * The objects a DROP names, as the schema model keys them, and what the model knew of each just
 * before the DROP: its live definition, or that an earlier migration already removed it.
 */
import type { Definition, ObjectKind, SchemaModel } from "../model.ts";
import { positionOf } from "../model.ts";
import { type AstNode, dropKind, droppedName, formatQualified, nameList, nodeFields, quoteIdent } from "../../sql/names.ts";
import { nameKey } from "../names.ts";
import { functionKey } from "../walk.ts";
import { functionWithArgsSql, namesSql } from "./sql-text.ts";

/** The model's kind of what each DROP removes (as walk.ts reads them). */
const MODEL_KINDS: Readonly<Record<string, ObjectKind>> = {
  OBJECT_TABLE: "table", OBJECT_VIEW: "view", OBJECT_MATVIEW: "view", OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index", OBJECT_TYPE: "type", OBJECT_DOMAIN: "type", OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "function", OBJECT_POLICY: "policy", OBJECT_TRIGGER: "trigger", OBJECT_SCHEMA: "schema",
  OBJECT_EXTENSION: "extension",
};

/** One object a DROP names. */
export interface DropTarget {
  /** The model's kind and key, or null for kinds the model does not track (publications, rules…). */
  readonly kind: ObjectKind | null;
  readonly key: string | null;
  /** True for `DROP FUNCTION f` without arguments: every overload of `key` (`public.f(`). */
  readonly prefix: boolean;
  /** The object as SQL names it: `public.t`, `"Own rows" on public.t`, `f(integer)`. */
  readonly sql: string;
  /** For messages: `public.t`, `"Own rows" on public.t`. */
  readonly display: string;
}

/** The objects of a DropStmt's body. */
export function dropTargets(body: AstNode): DropTarget[] {
  const objects = Array.isArray(body.objects) ? body.objects : [];
  const modelKind = MODEL_KINDS[String(body.removeType)] ?? null;
  const nameKind = dropKind(body);
  return objects.map((object): DropTarget => {
    if (!nameKind || !modelKind) {
      const name = nodeFields(object, "String")?.sval;
      const sql = typeof name === "string" ? quoteIdent(name) : namesSql(object);
      return { kind: null, key: typeof name === "string" ? name : null, prefix: false, sql, display: sql };
    }
    const { name, table } = droppedName(nameKind, object);
    if (modelKind === "schema" || modelKind === "extension") {
      return { kind: modelKind, key: name.name, prefix: false, sql: quoteIdent(name.name), display: quoteIdent(name.name) };
    }
    if (modelKind === "policy" || modelKind === "trigger") {
      const tableKey = nameKey(table!);
      const tableSql = nameList(object).slice(0, -1).map(quoteIdent).join(".");
      return {
        kind: modelKind,
        key: tableKey ? `${tableKey}/${name.name}` : null,
        prefix: false,
        sql: `${quoteIdent(name.name)} on ${tableSql}`,
        display: `${quoteIdent(name.name)} on ${formatQualified(table!)}`,
      };
    }
    if (modelKind === "function") {
      const owa = nodeFields(object, "ObjectWithArgs") ?? {};
      const base = nameKey(name);
      const prefix = owa.args_unspecified === true;
      const args = Array.isArray(owa.objargs) ? owa.objargs.map((a) => nodeFields(a, "TypeName") ?? a) : [];
      const key = prefix ? (base ? `${base}(` : null) : functionKey(base, args);
      const sql = functionWithArgsSql(owa);
      return { kind: modelKind, key, prefix, sql, display: sql };
    }
    const names = nameKind === "type" || nameKind === "domain" ? nodeFields(object, "TypeName")?.names : object;
    return { kind: modelKind, key: nameKey(name), prefix: false, sql: namesSql(names), display: formatQualified(name) };
  });
}

/** The definitions of a target live just before `position` (several for `DROP FUNCTION f` without arguments). */
export function liveDefinitions(model: SchemaModel, target: DropTarget, position: number): Definition[] {
  if (!target.kind || !target.key) return [];
  if (!target.prefix) {
    const live = model.definitionAt(target.kind, target.key, position);
    return live ? [live] : [];
  }
  const keys = [...definedKeys(model).get(target.kind) ?? []].filter((k) => k.startsWith(target.key!));
  return keys.map((k) => model.definitionAt(target.kind!, k, position)).filter((d): d is Definition => d !== null);
}

/**
 * True when an earlier statement created the target and it is gone just before `position`: a DROP … IF
 * EXISTS of it there drops nothing.
 */
export function removedBefore(model: SchemaModel, target: DropTarget, position: number): boolean {
  if (!target.kind || !target.key) return false;
  if (liveDefinitions(model, target, position).length > 0) return false;
  const first = firstDefined(model);
  if (target.prefix) {
    for (const key of definedKeys(model).get(target.kind) ?? []) {
      if (key.startsWith(target.key) && (first.get(idOf(target.kind, key)) ?? Infinity) < position) return true;
    }
    return false;
  }
  return (first.get(idOf(target.kind, target.key)) ?? Infinity) < position;
}

/** Tables, views and sequences share one namespace (as in the model). */
function idOf(kind: ObjectKind, key: string): string {
  return `${kind === "table" || kind === "view" || kind === "sequence" ? "relation" : kind}:${key}`;
}

/** Kind:key → the position of its first CREATE in the migrations (cached per model). */
const firstCache = new WeakMap<SchemaModel, Map<string, number>>();
const keysCache = new WeakMap<SchemaModel, Map<ObjectKind, Set<string>>>();

function firstDefined(model: SchemaModel): Map<string, number> {
  let first = firstCache.get(model);
  if (first) return first;
  first = new Map();
  for (const d of model.definitions) {
    if (!d.place) continue;
    const id = idOf(d.kind, d.key);
    const at = positionOf(d.place.order, d.place.statement);
    if (!first.has(id)) first.set(id, at);
  }
  firstCache.set(model, first);
  return first;
}

function definedKeys(model: SchemaModel): Map<ObjectKind, Set<string>> {
  let keys = keysCache.get(model);
  if (keys) return keys;
  keys = new Map();
  for (const d of model.definitions) {
    const set = keys.get(d.kind);
    if (set) set.add(d.key);
    else keys.set(d.kind, new Set([d.key]));
  }
  keysCache.set(model, keys);
  return keys;
}
