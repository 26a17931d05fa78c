/**
 * What a statement does that can break a client, read from its parse tree alone: the tables, columns,
 * functions, policies and privileges it drops, renames, retypes or restricts. Whether each really
 * breaks something is decided later, against the schema before and after the batch (analyze.ts).
 */
import type { ParsedStatement } from "../../sql/index.ts";
import { type AstNode, nameList, nodeFields, quoteIdent } from "../../sql/names.ts";
import type { ParsedMigration } from "../migrations.ts";
import { displayKey, type Json, normalizeType, qualifiedKey, relationKey } from "../names.ts";
import { type DropTarget, dropTargets } from "../rollback/objects.ts";
import { namesSql } from "../rollback/sql-text.ts";
import { functionKey } from "../walk.ts";

/** Where an event happens: its migration, statement and position on the model's time line. */
export interface At {
  readonly file: ParsedMigration;
  readonly statement: ParsedStatement;
  readonly position: number;
}

/** An object a GRANT or REVOKE names; `kind`/`key` as the model keys it, or null when the model does not track it. */
export interface GrantObject {
  readonly kind: "table" | "sequence" | "function" | "schema" | null;
  readonly key: string | null;
  /** True for a function named without arguments (every overload of `key`, which ends in `(`). */
  readonly prefix: boolean;
  /** For messages: `public.invoices`, `function public.f(integer)`, `all tables in schema public`. */
  readonly display: string;
}

export type Event =
  | { readonly type: "drop-table"; readonly table: string; readonly at: At }
  | { readonly type: "drop-view"; readonly view: string; readonly at: At }
  | { readonly type: "rename-table"; readonly table: string; readonly to: string; readonly at: At }
  | { readonly type: "drop-column"; readonly table: string; readonly column: string; readonly ifExists: boolean; readonly at: At }
  | { readonly type: "rename-column"; readonly table: string; readonly column: string; readonly to: string; readonly at: At }
  | { readonly type: "alter-type"; readonly table: string; readonly column: string; readonly to: string; readonly at: At }
  | { readonly type: "set-not-null"; readonly table: string; readonly column: string; readonly at: At }
  | { readonly type: "add-column"; readonly table: string; readonly column: string; readonly def: Json; readonly at: At }
  | { readonly type: "rls"; readonly table: string; readonly enabled: boolean; readonly at: At }
  | { readonly type: "drop-policy"; readonly table: string; readonly policy: string; readonly name: string; readonly at: At }
  | { readonly type: "alter-policy"; readonly table: string; readonly policy: string; readonly at: At }
  | { readonly type: "drop-function"; readonly target: DropTarget; readonly at: At }
  | { readonly type: "rename-function"; readonly key: string; readonly prefix: boolean; readonly display: string; readonly to: string; readonly at: At }
  | { readonly type: "drop-type"; readonly key: string; readonly at: At }
  | { readonly type: "drop-schema"; readonly name: string; readonly at: At }
  | {
    readonly type: "grant";
    /** False for REVOKE. */
    readonly grant: boolean;
    readonly objects: readonly GrantObject[];
    /** Privilege names (`select`, `update (a, b)`), or null for ALL. */
    readonly privileges: readonly string[] | null;
    /** Role names; `public` for PUBLIC. */
    readonly grantees: readonly string[];
    readonly at: At;
  };

/** The events of one parsed statement (none for statements that cannot break a client). */
export function statementEvents(kind: string, node: AstNode, at: At): Event[] {
  const body: Json = nodeFields(node, kind);
  if (!body) return [];
  switch (kind) {
    case "DropStmt":
      return dropEvents(body, at);
    case "AlterTableStmt":
      return body.objtype === "OBJECT_TABLE" ? alterTableEvents(body, at) : [];
    case "RenameStmt":
      return renameEvents(body, at);
    case "AlterPolicyStmt": {
      const table = relationKey(body.table);
      return table && Array.isArray(body.roles) ? [{ type: "alter-policy", table, policy: `${table}/${body.policy_name}`, at }] : [];
    }
    case "GrantStmt":
      return grantEvents(body, at);
    default:
      return [];
  }
}

function dropEvents(body: Json, at: At): Event[] {
  const events: Event[] = [];
  for (const target of dropTargets(body)) {
    if (!target.key) continue;
    switch (target.kind) {
      case "table":
        events.push({ type: "drop-table", table: target.key, at });
        break;
      case "view":
        events.push({ type: "drop-view", view: target.key, at });
        break;
      case "function":
        events.push({ type: "drop-function", target, at });
        break;
      case "policy":
        events.push({
          type: "drop-policy",
          table: target.key.slice(0, target.key.indexOf("/")),
          policy: target.key,
          name: target.key.slice(target.key.indexOf("/") + 1),
          at,
        });
        break;
      case "type":
        events.push({ type: "drop-type", key: target.key, at });
        break;
      case "schema":
        events.push({ type: "drop-schema", name: target.key, at });
        break;
    }
  }
  return events;
}

function alterTableEvents(body: Json, at: At): Event[] {
  const table = relationKey(body.relation);
  if (!table) return [];
  const events: Event[] = [];
  for (const item of Array.isArray(body.cmds) ? body.cmds : []) {
    const cmd = item?.AlterTableCmd;
    if (!cmd) continue;
    const column = typeof cmd.name === "string" ? cmd.name : "";
    switch (cmd.subtype) {
      case "AT_DropColumn":
        events.push({ type: "drop-column", table, column, ifExists: cmd.missing_ok === true, at });
        break;
      case "AT_AlterColumnType":
        events.push({ type: "alter-type", table, column, to: normalizeType(cmd.def?.ColumnDef?.typeName), at });
        break;
      case "AT_SetNotNull":
        events.push({ type: "set-not-null", table, column, at });
        break;
      case "AT_AddColumn":
        if (cmd.def?.ColumnDef?.colname) events.push({ type: "add-column", table, column: cmd.def.ColumnDef.colname, def: cmd.def.ColumnDef, at });
        break;
      case "AT_EnableRowSecurity":
      case "AT_DisableRowSecurity":
        events.push({ type: "rls", table, enabled: cmd.subtype === "AT_EnableRowSecurity", at });
        break;
    }
  }
  return events;
}

function renameEvents(body: Json, at: At): Event[] {
  if (typeof body.newname !== "string") return [];
  if (body.renameType === "OBJECT_TABLE") {
    const table = relationKey(body.relation);
    return table ? [{ type: "rename-table", table, to: `${table.slice(0, table.indexOf("."))}.${body.newname}`, at }] : [];
  }
  if (body.renameType === "OBJECT_COLUMN" && body.relationType === "OBJECT_TABLE" && typeof body.subname === "string") {
    const table = relationKey(body.relation);
    return table ? [{ type: "rename-column", table, column: body.subname, to: body.newname, at }] : [];
  }
  if (body.renameType === "OBJECT_FUNCTION" || body.renameType === "OBJECT_PROCEDURE" || body.renameType === "OBJECT_ROUTINE") {
    const owa = nodeFields(body.object, "ObjectWithArgs");
    const fn = owa ? functionObject(owa) : null;
    return fn?.key ? [{ type: "rename-function", key: fn.key, prefix: fn.prefix, display: fn.display, to: body.newname, at }] : [];
  }
  return [];
}

function grantEvents(body: Json, at: At): Event[] {
  // REVOKE GRANT OPTION FOR takes back only the right to grant: clients keep the privilege.
  if (body.is_grant !== true && body.grant_option === true) return [];
  const objects = grantObjects(body);
  if (objects.length === 0) return [];
  const privileges = Array.isArray(body.privileges) ? body.privileges.map(privilegeName) : null;
  const grantees = (Array.isArray(body.grantees) ? body.grantees : []).map(roleName);
  return [{ type: "grant", grant: body.is_grant === true, objects, privileges, grantees, at }];
}

function privilegeName(item: Json): string {
  const priv = item?.AccessPriv ?? {};
  const name = typeof priv.priv_name === "string" ? priv.priv_name : "all";
  const cols = nameList(priv.cols);
  return cols.length ? `${name} (${cols.map(quoteIdent).join(", ")})` : name;
}

/** A RoleSpec's role name as the message shows it (`public` for PUBLIC). */
export function roleName(item: Json): string {
  const spec = item?.RoleSpec ?? item ?? {};
  if (spec.roletype === "ROLESPEC_PUBLIC") return "public";
  if (spec.roletype === "ROLESPEC_CSTRING") return String(spec.rolename);
  return String(spec.roletype ?? "").replace(/^ROLESPEC_/, "").toLowerCase();
}

const ALL_IN_SCHEMA: Readonly<Record<string, string>> = {
  OBJECT_TABLE: "tables", OBJECT_SEQUENCE: "sequences", OBJECT_FUNCTION: "functions", OBJECT_PROCEDURE: "procedures",
  OBJECT_ROUTINE: "routines",
};

function grantObjects(body: Json): GrantObject[] {
  const objects = Array.isArray(body.objects) ? body.objects : [];
  if (body.targtype === "ACL_TARGET_ALL_IN_SCHEMA") {
    const what = ALL_IN_SCHEMA[body.objtype] ?? "objects";
    return objects.map((o: Json) => ({ kind: null, key: null, prefix: false, display: `all ${what} in schema ${quoteIdent(String(o?.String?.sval))}` }));
  }
  if (body.targtype !== "ACL_TARGET_OBJECT") return [];
  return objects.map((o: Json): GrantObject => {
    switch (body.objtype) {
      case "OBJECT_TABLE":
      case "OBJECT_SEQUENCE": {
        const key = relationKey(o);
        return { kind: body.objtype === "OBJECT_TABLE" ? "table" : "sequence", key, prefix: false, display: key ? displayKey(key) : "?" };
      }
      case "OBJECT_FUNCTION":
      case "OBJECT_PROCEDURE":
      case "OBJECT_ROUTINE": {
        const owa = nodeFields(o, "ObjectWithArgs");
        return owa ? functionObject(owa) : { kind: null, key: null, prefix: false, display: "?" };
      }
      case "OBJECT_SCHEMA": {
        const name = String(o?.String?.sval);
        return { kind: "schema", key: name, prefix: false, display: `schema ${quoteIdent(name)}` };
      }
      default: {
        const kind = String(body.objtype).replace(/^OBJECT_/, "").toLowerCase().replaceAll("_", " ");
        const names = o?.String ? quoteIdent(String(o.String.sval)) : namesSql(o?.TypeName?.names ?? o?.List?.items ?? o);
        return { kind: null, key: null, prefix: false, display: `${kind} ${names}` };
      }
    }
  });
}

/** A function named by an ObjectWithArgs, as the model keys it. */
function functionObject(owa: Json): GrantObject {
  const base = qualifiedKey(owa.objname);
  if (owa.args_unspecified === true) {
    return { kind: "function", key: base ? `${base}(` : null, prefix: true, display: `function ${base ? displayKey(base) : "?"}` };
  }
  const args = Array.isArray(owa.objargs) ? owa.objargs.map((a: Json) => a?.TypeName ?? a) : [];
  const key = functionKey(base, args);
  return { kind: "function", key, prefix: false, display: `function ${key ?? "?"}` };
}
