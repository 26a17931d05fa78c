/**
 * Applies one parsed statement to the schema model: CREATE records a definition, ALTER TABLE and
 * RENAME change a table, DROP ends objects (a table takes its policies, triggers and indexes along).
 */
import type { ColumnInfo, Definition, ObjectKind, Place, SchemaModel, TableState } from "./model.ts";
import { type AstNode, dropKind, droppedName, nameList } from "../sql/names.ts";
import { displayKey, type Json, nameKey, normalizeType, qualifiedKey, relationKey } from "./names.ts";

/** A statement being applied: its definitions share its node, place and position. */
interface Applied {
  readonly model: SchemaModel;
  readonly node: AstNode;
  readonly place: Place;
  readonly position: number;
}

/** Applies a statement whose node is `{ [kind]: body }`. */
export function applyStatement(model: SchemaModel, kind: string, node: AstNode, place: Place, position: number): void {
  const body: Json = node[kind];
  const at: Applied = { model, node, place, position };
  switch (kind) {
    case "CreateSchemaStmt":
      return define(at, "schema", body.schemaname ?? null, `schema ${body.schemaname}`, "keep");
    case "CreateStmt": {
      const key = relationKey(body.relation);
      if (key) define(at, "table", key, `table ${displayKey(key)}`, "keep", null, tableFromCreate(model, key, body, position));
      return;
    }
    case "CreateTableAsStmt": {
      const key = relationKey(body.into?.rel);
      const matview = body.objtype === "OBJECT_MATVIEW";
      const table = key ? emptyTable(key) : null;
      return define(at, matview ? "view" : "table", key, `${matview ? "materialized view" : "table"} ${key && displayKey(key)}`, "keep", null, table);
    }
    case "ViewStmt": {
      const key = relationKey(body.view);
      return define(at, "view", key, `view ${key && displayKey(key)}`, guard(!body.replace), null, key ? emptyTable(key) : null);
    }
    case "CreateSeqStmt": {
      const key = relationKey(body.sequence);
      return define(at, "sequence", key, `sequence ${key && displayKey(key)}`, "keep");
    }
    case "CreateEnumStmt":
    case "CreateRangeStmt":
    case "CompositeTypeStmt":
    case "CreateDomainStmt": {
      const key = kind === "CompositeTypeStmt" ? relationKey(body.typevar) : qualifiedKey(kind === "CreateDomainStmt" ? body.domainname : body.typeName);
      return define(at, "type", key, `type ${key && displayKey(key)}`, "keep");
    }
    case "CreateFunctionStmt": {
      const key = functionKey(qualifiedKey(body.funcname), parameterTypes(body.parameters));
      return define(at, "function", key, `function ${key}`, guard(!body.replace));
    }
    case "CreatePolicyStmt": {
      const table = relationKey(body.table);
      if (table) define(at, "policy", `${table}/${body.policy_name}`, `policy "${body.policy_name}" on ${displayKey(table)}`, "keep", table);
      return;
    }
    case "CreateTrigStmt": {
      const table = relationKey(body.relation);
      if (table) define(at, "trigger", `${table}/${body.trigname}`, `trigger ${body.trigname} on ${displayKey(table)}`, guard(!body.replace), table);
      return;
    }
    case "IndexStmt": {
      const table = relationKey(body.relation);
      if (!table || !body.idxname) return;
      const key = `${table.slice(0, table.indexOf("."))}.${body.idxname}`;
      return define(at, "index", key, `index ${displayKey(key)}`, "keep", table);
    }
    case "CreateExtensionStmt":
      return define(at, "extension", body.extname ?? null, `extension ${body.extname}`, "keep");
    case "AlterTableStmt":
      return alterTable(model, body, position);
    case "RenameStmt":
      return rename(model, body, position);
    case "DropStmt":
      return drop(model, body, position);
  }
}

function define(
  at: Applied,
  kind: ObjectKind,
  key: string | null,
  display: string,
  mode: "keep" | "replace",
  owner: string | null = null,
  table: TableState | null = null,
): void {
  if (key) at.model.create({ kind, key, display, place: at.place, node: at.node, owner }, at.position, mode, table);
}

function guard(flag: unknown): "keep" | "replace" {
  return flag ? "keep" : "replace";
}

function emptyTable(key: string): TableState {
  return { key, columns: new Map(), primaryKey: [], unique: [], columnsKnown: false };
}

function tableFromCreate(model: SchemaModel, key: string, body: Json, position: number): TableState {
  const columns = new Map<string, ColumnInfo>();
  let primaryKey: string[] = [];
  const unique: string[][] = [];
  let columnsKnown = !Array.isArray(body.inhRelations);
  const elements = Array.isArray(body.tableElts) ? body.tableElts : [];
  for (let e = 0; e < elements.length; e++) {
    const element = elements[e];
    if (element.ColumnDef) {
      const column = element.ColumnDef;
      columns.set(column.colname, { name: column.colname, type: normalizeType(column.typeName) });
      const constraints = column.constraints ?? [];
      for (let c = 0; c < constraints.length; c++) {
        const contype = constraints[c].Constraint?.contype;
        if (contype === "CONSTR_PRIMARY") primaryKey = [column.colname];
        if (contype === "CONSTR_UNIQUE") unique.push([column.colname]);
      }
    } else if (element.Constraint) {
      const keys = nameList(element.Constraint.keys);
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

/** The ALTER TABLE commands that change what the model knows of a table (others, such as ENABLE ROW LEVEL SECURITY, do not). */
const TABLE_CHANGES = new Set(["AT_AddColumn", "AT_DropColumn", "AT_AlterColumnType", "AT_AddConstraint"]);

function alterTable(model: SchemaModel, body: Json, position: number): void {
  const key = relationKey(body.relation);
  if (!key || body.objtype !== "OBJECT_TABLE") return;
  for (const item of Array.isArray(body.cmds) ? body.cmds : []) {
    const cmd = item.AlterTableCmd;
    if (cmd && TABLE_CHANGES.has(cmd.subtype)) model.alterTable(key, position, (table) => alteredTable(table, cmd));
  }
}

/**
 * The table after one ALTER TABLE command (the same table when the command changes nothing the model knows).
 * Every version stays in the model's history, so the columns are copied only by a command that changes
 * them: a constraint added to a wide table thousands of times must not copy its columns each time.
 */
function alteredTable(table: TableState, cmd: Json): TableState {
  let { columns, primaryKey, unique } = table;
  if (cmd.subtype === "AT_AddColumn" && cmd.def?.ColumnDef) {
    const def = cmd.def.ColumnDef;
    if (!columns.has(def.colname)) columns = new Map(columns).set(def.colname, { name: def.colname, type: normalizeType(def.typeName) });
    for (const c of def.constraints ?? []) {
      if (c.Constraint?.contype === "CONSTR_PRIMARY") primaryKey = [def.colname];
      if (c.Constraint?.contype === "CONSTR_UNIQUE") unique = [...unique, [def.colname]];
    }
  } else if (cmd.subtype === "AT_DropColumn") {
    if (columns.has(cmd.name)) columns = new Map([...columns].filter(([name]) => name !== cmd.name));
  } else if (cmd.subtype === "AT_AlterColumnType" && columns.has(cmd.name)) {
    columns = new Map(columns).set(cmd.name, { name: cmd.name, type: normalizeType(cmd.def?.ColumnDef?.typeName) });
  } else if (cmd.subtype === "AT_AddConstraint" && cmd.def?.Constraint) {
    const keys = nameList(cmd.def.Constraint.keys);
    if (cmd.def.Constraint.contype === "CONSTR_PRIMARY") primaryKey = keys;
    if (cmd.def.Constraint.contype === "CONSTR_UNIQUE") unique = [...unique, keys];
  } else {
    return table;
  }
  return { ...table, columns, primaryKey, unique };
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

/** The model's kind of what each DROP removes (foreign tables and routines are not modelled). */
const DROP_KINDS: Readonly<Record<string, ObjectKind>> = {
  OBJECT_TABLE: "table", OBJECT_VIEW: "view", OBJECT_MATVIEW: "view", OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index", OBJECT_TYPE: "type", OBJECT_DOMAIN: "type", OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "function", OBJECT_POLICY: "policy", OBJECT_TRIGGER: "trigger", OBJECT_SCHEMA: "schema",
  OBJECT_EXTENSION: "extension",
};
const ALL_KINDS: readonly ObjectKind[] = ["table", "type", "function", "policy", "index", "trigger", "schema"];

function drop(model: SchemaModel, body: Json, position: number): void {
  const kind = DROP_KINDS[body.removeType];
  if (!kind || !Array.isArray(body.objects)) return;
  // sql-names.ts's kind, for reading the names: every removeType above has one.
  const nameKind = dropKind(body)!;
  for (const object of body.objects) {
    const { name, table } = droppedName(nameKind, object);
    if (kind === "schema" || kind === "extension") {
      model.drop(kind, name.name, position);
      if (kind === "schema") for (const k of ALL_KINDS) model.drop(k, `${name.name}.`, position, true);
    } else if (kind === "function") {
      const owa = object?.ObjectWithArgs;
      if (owa?.args_unspecified) model.drop(kind, `${nameKey(name)}(`, position, true);
      else {
        // DROP FUNCTION's argument types come wrapped (`{ TypeName: … }`), unlike a parameter's argType.
        const key = functionKey(nameKey(name), Array.isArray(owa?.objargs) ? owa.objargs.map((a: Json) => a?.TypeName ?? a) : []);
        if (key) model.drop(kind, key, position);
      }
    } else if (kind === "policy" || kind === "trigger") {
      const tableKey = nameKey(table!);
      if (tableKey) model.drop(kind, `${tableKey}/${name.name}`, position);
    } else {
      const key = nameKey(name);
      if (key) model.drop(kind, key, position);
    }
  }
}

/** The argument types of a function's parameters that are part of its identity (IN, INOUT and VARIADIC). */
export function parameterTypes(parameters: unknown): unknown[] {
  const types: unknown[] = [];
  if (!Array.isArray(parameters)) return types;
  for (const parameter of parameters) {
    const p = parameter?.FunctionParameter;
    if (p && p.mode !== "FUNC_PARAM_OUT" && p.mode !== "FUNC_PARAM_TABLE") types.push(p.argType);
  }
  return types;
}

/** `schema.name(argtypes)`: the identity Postgres uses. */
export function functionKey(name: string | null, argTypes: readonly unknown[]): string | null {
  if (!name) return null;
  let args = "";
  for (let i = 0; i < argTypes.length; i++) args += `${i > 0 ? "," : ""}${normalizeType(argTypes[i])}`;
  return `${name}(${args})`;
}
