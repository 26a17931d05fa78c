import { offsetOfLocation, type ParsedStatement } from "../../../sql/index.ts";
import { positionOf, type TableState } from "../../schema-model.ts";
import { baseType, displayKey, type Json, nameEnd, normalizeType, relationKey, stringList } from "../../schema/names.ts";
import type { FileContext, Rule } from "../../types.ts";

export const rule: Rule = {
  id: "unknown-reference",
  defaultSeverity: "error",
  summary: "a reference to a table no earlier migration creates and Supabase does not provide, or an FK column type that differs from the referenced key",
  checkFile(context) {
    for (const statement of context.file.parsed.statements) {
      if (statement.node) checkStatement(context, statement, statement.node);
    }
  },
};

type Check = { context: FileContext; statement: ParsedStatement; position: number };

function checkStatement(context: FileContext, statement: ParsedStatement, node: Record<string, unknown>): void {
  const [kind] = Object.keys(node);
  const body: Json = node[kind];
  const check: Check = { context, statement, position: positionOf(context.file.order, statement.index) };
  switch (kind) {
    case "CreateStmt": {
      const own = relationKey(body.relation);
      for (const element of Array.isArray(body.tableElts) ? body.tableElts : []) {
        if (element.ColumnDef) {
          for (const c of element.ColumnDef.constraints ?? []) {
            if (c.Constraint?.contype === "CONSTR_FOREIGN") foreignKey(check, own, [element.ColumnDef.colname], c.Constraint);
          }
        } else if (element.Constraint?.contype === "CONSTR_FOREIGN") {
          foreignKey(check, own, stringList(element.Constraint.fk_attrs), element.Constraint);
        }
      }
      return;
    }
    case "AlterTableStmt": {
      if (body.objtype !== "OBJECT_TABLE") return;
      const key = relationKey(body.relation);
      if (!body.missing_ok && !target(check, body.relation, "ALTER TABLE", "alters")) return;
      for (const item of Array.isArray(body.cmds) ? body.cmds : []) {
        const cmd = item.AlterTableCmd;
        if (cmd?.def?.Constraint?.contype === "CONSTR_FOREIGN") foreignKey(check, key, stringList(cmd.def.Constraint.fk_attrs), cmd.def.Constraint);
        for (const c of cmd?.def?.ColumnDef?.constraints ?? []) {
          if (c.Constraint?.contype === "CONSTR_FOREIGN") foreignKey(check, key, [cmd.def.ColumnDef.colname], c.Constraint);
        }
      }
      return;
    }
    case "RenameStmt":
      if (["OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"].includes(body.renameType) && !body.missing_ok) {
        target(check, body.relation, "ALTER TABLE … RENAME", "renames");
      }
      return;
    case "IndexStmt":
      target(check, body.relation, "CREATE INDEX", "indexes");
      return;
    case "CreatePolicyStmt":
      target(check, body.table, "CREATE POLICY", "puts a policy on");
      return;
    case "CreateTrigStmt":
      target(check, body.relation, "CREATE TRIGGER", "puts a trigger on");
      return;
  }
}

/** Reports the statement's target table when nothing earlier creates it; returns whether it exists. */
function target(check: Check, rangeVar: Json, what: string, verb: string): boolean {
  const key = relationKey(rangeVar);
  if (!key || check.context.project.schema.relationAt(key, check.position)) return true;
  report(check, rangeVar, `${what} ${verb} ${displayKey(key)}, which no earlier migration creates and Supabase does not provide`,
    `Create ${displayKey(key)} in an earlier migration (or earlier in this file), fix the name, or guard the statement with IF EXISTS.`);
  return false;
}

function foreignKey(check: Check, ownKey: string | null, fkColumns: readonly string[], constraint: Json): void {
  const { schema } = check.context.project;
  const refKey = relationKey(constraint.pktable);
  if (!refKey) return;
  // Inclusive: a table may reference itself, and ADD COLUMN … REFERENCES sees the new column.
  const referenced = schema.relationAt(refKey, check.position, true);
  if (!referenced) {
    report(check, constraint.pktable, `foreign key references ${displayKey(refKey)}, which no earlier migration creates and Supabase does not provide`,
      `Create ${displayKey(refKey)} in an earlier migration (migrations run in file-name order), or fix the table name.`);
    return;
  }
  const own = ownKey ? ownColumns(check, ownKey) : null;
  if (!own || !referenced.columnsKnown || !own.columnsKnown) return;
  const refColumns = stringList(constraint.pk_attrs);
  const keys = refColumns.length ? refColumns : referenced.primaryKey;
  for (const [i, name] of fkColumns.entries()) {
    const refName = keys[i];
    const mine = own.columns.get(name);
    if (refName === undefined) return;
    const theirs = referenced.columns.get(refName);
    if (!theirs) {
      report(check, constraint.pktable, `foreign key references column ${refName} of ${displayKey(refKey)}, which has no such column`,
        `Reference an existing key column of ${displayKey(refKey)} (${[...referenced.columns.keys()].slice(0, 8).join(", ")}…).`);
      return;
    }
    if (mine && baseType(mine.type) !== baseType(theirs.type)) {
      report(check, constraint.pktable,
        `foreign key column ${name} is ${mine.type} but ${displayKey(refKey)}.${refName} is ${theirs.type}; the types must match`,
        `Declare ${name} as ${theirs.type} so it can hold every ${displayKey(refKey)}.${refName} value.`);
    }
  }
}

/** The referencing table's columns: as written in CREATE TABLE, else as the statement leaves the table. */
function ownColumns(check: Check, key: string): TableState | null {
  const body: Json = check.statement.node?.CreateStmt;
  if (!body) return check.context.project.schema.relationAt(key, check.position, true);
  const columns = new Map<string, { name: string; type: string }>();
  for (const e of body.tableElts ?? []) {
    if (e.ColumnDef) columns.set(e.ColumnDef.colname, { name: e.ColumnDef.colname, type: normalizeType(e.ColumnDef.typeName) });
  }
  return { key, columns, primaryKey: [], unique: [], columnsKnown: true };
}

function report(check: Check, rangeVar: Json, message: string, help: string): void {
  const { file } = check.context;
  const start = typeof rangeVar?.location === "number"
    ? offsetOfLocation(file.parsed.index, check.statement, rangeVar.location)
    : check.statement.start;
  check.context.report({ at: { start, end: nameEnd(file.text, start) }, message, help });
}
