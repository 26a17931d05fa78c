/**
 * Applies one parsed statement to the schema model: CREATE records a definition, ALTER TABLE and
 * RENAME change a table, DROP ends objects (a table takes its policies, triggers and indexes along).
 */
import type { ColumnInfo, Definition, ObjectKind, Place, SchemaModel, TableState } from "../schema-model.ts";
import { displayKey, type Json, normalizeType, qualifiedKey, relationKey, stringList } from "./names.ts";

type Node = Record<string, unknown>;

export function applyStatement(model: SchemaModel, node: Node, place: Place, position: number): void {
  const [kind] = Object.keys(node);
  const body: Json = node[kind];
  const define = (k: ObjectKind, key: string | null, display: string, mode: "keep" | "replace", owner: string | null = null, table: TableState | null = null) => {
    if (key) model.create({ kind: k, key, display, place, node, owner }, position, mode, table);
  };
  const guard = (flag: unknown): "keep" | "replace" => (flag ? "keep" : "replace");
  switch (kind) {
    case "CreateSchemaStmt":
      return define("schema", body.schemaname ?? null, `schema ${body.schemaname}`, "keep");
    case "CreateStmt": {
      const key = relationKey(body.relation);
      if (key) define("table", key, `table ${displayKey(key)}`, "keep", null, tableFromCreate(model, key, body, position));
      return;
    }
    case "CreateTableAsStmt": {
      const key = relationKey(body.into?.rel);
      const matview = body.objtype === "OBJECT_MATVIEW";
      const table = key ? emptyTable(key) : null;
      return define(matview ? "view" : "table", key, `${matview ? "materialized view" : "table"} ${key && displayKey(key)}`, "keep", null, table);
    }
    case "ViewStmt": {
      const key = relationKey(body.view);
      return define("view", key, `view ${key && displayKey(key)}`, guard(!body.replace), null, key ? emptyTable(key) : null);
    }
    case "CreateSeqStmt": {
      const key = relationKey(body.sequence);
      return define("sequence", key, `sequence ${key && displayKey(key)}`, "keep");
    }
    case "CreateEnumStmt":
    case "CreateRangeStmt":
    case "CompositeTypeStmt":
    case "CreateDomainStmt": {
      const key = kind === "CompositeTypeStmt" ? relationKey(body.typevar)
        : qualifiedKey(stringList(kind === "CreateDomainStmt" ? body.domainname : body.typeName));
      return define("type", key, `type ${key && displayKey(key)}`, "keep");
    }
    case "CreateFunctionStmt": {
      const key = functionKey(stringList(body.funcname), body.parameters);
      return define("function", key, `function ${key}`, guard(!body.replace));
    }
    case "CreatePolicyStmt": {
      const table = relationKey(body.table);
      if (table) define("policy", `${table}/${body.policy_name}`, `policy "${body.policy_name}" on ${displayKey(table)}`, "keep", table);
      return;
    }
    case "CreateTrigStmt": {
      const table = relationKey(body.relation);
      if (table) define("trigger", `${table}/${body.trigname}`, `trigger ${body.trigname} on ${displayKey(table)}`, guard(!body.replace), table);
      return;
    }
    case "IndexStmt": {
      const table = relationKey(body.relation);
      if (!table || !body.idxname) return;
      const key = `${table.slice(0, table.indexOf("."))}.${body.idxname}`;
      return define("index", key, `index ${displayKey(key)}`, "keep", table);
    }
    case "CreateExtensionStmt":
      return define("extension", body.extname ?? null, `extension ${body.extname}`, "keep");
    case "AlterTableStmt":
      return alterTable(model, body, position);
    case "RenameStmt":
      return rename(model, body, position);
    case "DropStmt":
      return drop(model, body, position);
  }
}

function emptyTable(key: string): TableState {
  return { key, columns: new Map(), primaryKey: [], unique: [], columnsKnown: false };
}

function tableFromCreate(model: SchemaModel, key: string, body: Json, position: number): TableState {
  const columns = new Map<string, ColumnInfo>();
  let primaryKey: string[] = [];
  const unique: string[][] = [];
  let columnsKnown = !Array.isArray(body.inhRelations);
  for (const element of Array.isArray(body.tableElts) ? body.tableElts : []) {
    if (element.ColumnDef) {
      const column = element.ColumnDef;
      columns.set(column.colname, { name: column.colname, type: normalizeType(column.typeName) });
      for (const c of column.constraints ?? []) {
        if (c.Constraint?.contype === "CONSTR_PRIMARY") primaryKey = [column.colname];
        if (c.Constraint?.contype === "CONSTR_UNIQUE") unique.push([column.colname]);
      }
    } else if (element.Constraint) {
      const keys = stringList(element.Constraint.keys);
      if (element.Constraint.contype === "CONSTR_PRIMARY") primaryKey = keys;
      if (element.Constraint.contype === "CONSTR_UNIQUE") unique.push(keys);
    } else if (element.TableLikeClause) {
      const like = relationKey(element.TableLikeClause.relation);
      const source = like ? model.relationAt(like, position) : null;
      if (source?.columnsKnown) for (const [name, info] of source.columns) columns.set(name, info);
      else columnsKnown = false;
    }
  }
  return { key, columns, primaryKey, unique, columnsKnown };
}

function alterTable(model: SchemaModel, body: Json, position: number): void {
  const key = relationKey(body.relation);
  if (!key || body.objtype !== "OBJECT_TABLE") return;
  for (const item of Array.isArray(body.cmds) ? body.cmds : []) {
    const cmd = item.AlterTableCmd;
    if (!cmd) continue;
    model.alterTable(key, position, (table) => {
      const columns = new Map(table.columns);
      let { primaryKey, unique } = table;
      if (cmd.subtype === "AT_AddColumn" && cmd.def?.ColumnDef) {
        const def = cmd.def.ColumnDef;
        if (!columns.has(def.colname)) columns.set(def.colname, { name: def.colname, type: normalizeType(def.typeName) });
        for (const c of def.constraints ?? []) {
          if (c.Constraint?.contype === "CONSTR_PRIMARY") primaryKey = [def.colname];
          if (c.Constraint?.contype === "CONSTR_UNIQUE") unique = [...unique, [def.colname]];
        }
      } else if (cmd.subtype === "AT_DropColumn") {
        columns.delete(cmd.name);
      } else if (cmd.subtype === "AT_AlterColumnType" && columns.has(cmd.name)) {
        columns.set(cmd.name, { name: cmd.name, type: normalizeType(cmd.def?.ColumnDef?.typeName) });
      } else if (cmd.subtype === "AT_AddConstraint" && cmd.def?.Constraint) {
        const keys = stringList(cmd.def.Constraint.keys);
        if (cmd.def.Constraint.contype === "CONSTR_PRIMARY") primaryKey = keys;
        if (cmd.def.Constraint.contype === "CONSTR_UNIQUE") unique = [...unique, keys];
      } else {
        return table;
      }
      return { ...table, columns, primaryKey, unique };
    });
  }
}

function rename(model: SchemaModel, body: Json, position: number): void {
  const key = relationKey(body.relation);
  if (!key || typeof body.newname !== "string") return;
  const schema = key.slice(0, key.indexOf("."));
  if (body.renameType === "OBJECT_TABLE" || body.renameType === "OBJECT_VIEW") {
    const to = `${schema}.${body.newname}`;
    const dependents = model.dependentsOf(key);
    model.rename("table", key, to, position, (d) => ({ ...d, key: to, display: `table ${displayKey(to)}` }));
    for (const d of dependents) {
      const moved = d.key.replace(key, to);
      model.rename(d.kind, d.key, moved, position, (old) => ({ ...old, key: moved, owner: to }));
    }
  } else if (body.renameType === "OBJECT_COLUMN" && typeof body.subname === "string") {
    const rename = (name: string) => (name === body.subname ? body.newname : name);
    model.alterTable(key, position, (table) => ({
      ...table,
      columns: new Map([...table.columns].map(([name, info]) => [rename(name), { ...info, name: rename(name) }])),
      primaryKey: table.primaryKey.map(rename),
      unique: table.unique.map((cols) => cols.map(rename)),
    }));
  } else if (body.renameType === "OBJECT_POLICY" && typeof body.subname === "string") {
    const to = `${key}/${body.newname}`;
    model.rename("policy", `${key}/${body.subname}`, to, position, (d: Definition) => ({ ...d, key: to }));
  }
}

const DROP_KINDS: Readonly<Record<string, ObjectKind>> = {
  OBJECT_TABLE: "table", OBJECT_VIEW: "view", OBJECT_MATVIEW: "view", OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index", OBJECT_TYPE: "type", OBJECT_DOMAIN: "type", OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "function", OBJECT_POLICY: "policy", OBJECT_TRIGGER: "trigger", OBJECT_SCHEMA: "schema",
  OBJECT_EXTENSION: "extension",
};
const ALL_KINDS: readonly ObjectKind[] = ["table", "type", "function", "policy", "index", "trigger", "schema"];

function drop(model: SchemaModel, body: Json, position: number): void {
  const kind = DROP_KINDS[body.removeType];
  if (!kind) return;
  for (const object of Array.isArray(body.objects) ? body.objects : []) {
    if (kind === "schema" || kind === "extension") {
      const name = object?.String?.sval;
      if (typeof name !== "string") continue;
      model.drop(kind, name, position);
      if (kind === "schema") for (const k of ALL_KINDS) model.drop(k, `${name}.`, position, true);
    } else if (kind === "type") {
      const key = qualifiedKey(stringList(object?.TypeName?.names));
      if (key) model.drop(kind, key, position);
    } else if (kind === "function") {
      const owa = object?.ObjectWithArgs;
      const names = stringList(owa?.objname);
      if (owa?.args_unspecified) model.drop(kind, `${qualifiedKey(names)}(`, position, true);
      else {
        const key = functionKey(names, (owa?.objargs ?? []).map((t: Json) => ({ FunctionParameter: { argType: t } })));
        if (key) model.drop(kind, key, position);
      }
    } else {
      const names = stringList(object?.List?.items);
      if (kind === "policy" || kind === "trigger") {
        const table = qualifiedKey(names.slice(0, -1));
        if (table) model.drop(kind, `${table}/${names[names.length - 1]}`, position);
      } else {
        const key = qualifiedKey(names);
        if (key) model.drop(kind, key, position);
      }
    }
  }
}

/** `schema.name(argtypes)`: the identity Postgres uses (IN, INOUT and VARIADIC argument types). */
export function functionKey(names: readonly string[], parameters: unknown): string | null {
  const key = qualifiedKey(names);
  if (!key) return null;
  const args = (Array.isArray(parameters) ? parameters : [])
    .map((p: Json) => p?.FunctionParameter)
    .filter((p: Json) => p && p.mode !== "FUNC_PARAM_OUT" && p.mode !== "FUNC_PARAM_TABLE")
    .map((p: Json) => normalizeType(p.argType));
  return `${key}(${args.join(",")})`;
}
