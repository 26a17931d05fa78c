import { offsetOfLocation, type ParsedStatement } from "../../../sql/index.ts";
import { positionOf } from "../../../schema/model.ts";
import { baseType, displayKey, type Json, nameEnd, normalizeType, relationKey } from "../../../schema/names.ts";
import { nameList } from "../../../sql/names.ts";
import type { FileContext, Rule } from "../../types.ts";

export const rule: Rule = {
  id: "unknown-reference",
  defaultSeverity: "error",
  summary: "a reference to a table no earlier migration creates and Supabase does not provide, or an FK column type that differs from the referenced key",
  checkFile(context) {
    const { statements } = context.file.parsed;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (statement.node) checkStatement(context, statement, statement.kind!, statement.node);
    }
  },
};

type Check = { context: FileContext; statement: ParsedStatement; position: number };

function checkStatement(context: FileContext, statement: ParsedStatement, kind: string, node: Record<string, unknown>): void {
  const body: Json = node[kind];
  const check: Check = { context, statement, position: positionOf(context.file.order, statement.index) };
  switch (kind) {
    case "CreateStmt": {
      const own = relationKey(body.relation);
      const elements = Array.isArray(body.tableElts) ? body.tableElts : [];
      for (let e = 0; e < elements.length; e++) {
        const element = elements[e];
        if (element.ColumnDef) {
          const constraints = element.ColumnDef.constraints ?? [];
          for (let c = 0; c < constraints.length; c++) {
            const constraint = constraints[c].Constraint;
            if (constraint?.contype === "CONSTR_FOREIGN") foreignKey(check, own, [element.ColumnDef.colname], constraint);
          }
        } else if (element.Constraint?.contype === "CONSTR_FOREIGN") {
          foreignKey(check, own, nameList(element.Constraint.fk_attrs), element.Constraint);
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
        if (cmd?.def?.Constraint?.contype === "CONSTR_FOREIGN") foreignKey(check, key, nameList(cmd.def.Constraint.fk_attrs), cmd.def.Constraint);
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
  const ownType = ownKey && referenced.columnsKnown ? ownColumnType(check, ownKey) : null;
  if (!ownType) return;
  const refColumns = nameList(constraint.pk_attrs);
  const keys = refColumns.length ? refColumns : referenced.primaryKey;
  for (let i = 0; i < fkColumns.length; i++) {
    const name = fkColumns[i];
    const refName = keys[i];
    if (refName === undefined) return;
    const theirs = referenced.columns.get(refName);
    if (!theirs) {
      report(check, constraint.pktable, `foreign key references column ${refName} of ${displayKey(refKey)}, which has no such column`,
        `Reference an existing key column of ${displayKey(refKey)} (${[...referenced.columns.keys()].slice(0, 8).join(", ")}…).`);
      return;
    }
    const mine = ownType(name);
    if (mine !== undefined && baseType(mine) !== baseType(theirs.type)) {
      report(check, constraint.pktable,
        `foreign key column ${name} is ${mine} but ${displayKey(refKey)}.${refName} is ${theirs.type}; the types must match`,
        `Declare ${name} as ${theirs.type} so it can hold every ${displayKey(refKey)}.${refName} value.`);
    }
  }
}

/**
 * The type of a referencing column (undefined for no such column): as declared in CREATE TABLE, else
 * as the statement leaves the table; null when the table or its columns are unknown.
 */
function ownColumnType(check: Check, key: string): ((name: string) => string | undefined) | null {
  const body: Json = check.statement.node?.CreateStmt;
  if (body) return (name) => declaredType(body, name);
  const table = check.context.project.schema.relationAt(key, check.position, true);
  return table?.columnsKnown ? (name) => table.columns.get(name)?.type : null;
}

/** The type of a column declared in CREATE TABLE (its last declaration, should the name repeat). */
function declaredType(body: Json, name: string): string | undefined {
  const elements = body.tableElts ?? [];
  for (let i = elements.length - 1; i >= 0; i--) {
    const column = elements[i].ColumnDef;
    if (column && column.colname === name) return normalizeType(column.typeName);
  }
  return undefined;
}

function report(check: Check, rangeVar: Json, message: string, help: string): void {
  const { file } = check.context;
  const start = typeof rangeVar?.location === "number"
    ? offsetOfLocation(file.parsed.index, check.statement, rangeVar.location)
    : check.statement.start;
  check.context.report({ at: { start, end: nameEnd(file.text, start) }, message, help });
}
