import { alterTable, columnAddedInFile, commandSpanOf } from "../../alter-table.ts";
import { isExistingTable } from "../../online-safety.ts";
import { type AstNode, nameList, nodeFields, quoteIdent, relationSql } from "../../../sql/names.ts";
import { relationKey } from "../../../schema/names.ts";
import type { LintFile, LintProject, Rule } from "../../types.ts";

export const rule: Rule = {
  id: "adding-not-nullable-field",
  defaultSeverity: "warning",
  optIn: "online-safety",
  summary: "ALTER COLUMN … SET NOT NULL on an existing column, which scans the table under an ACCESS EXCLUSIVE lock",
  checkFile({ file, project, report }) {
    const { statements } = file.parsed;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const alter = statement.kind === "AlterTableStmt" ? alterTable(statement.node) : null;
      if (!alter || !alter.cmds.some((c) => c.subtype === "AT_SetNotNull")) continue;
      if (!isExistingTable(project, file, statement.index, alter.relation)) continue;
      const key = relationKey(alter.relation)!;
      const table = relationSql(alter.relation);
      const spanOf = commandSpanOf(statement.text, alter.cmds.length);
      for (let c = 0; c < alter.cmds.length; c++) {
        const cmd = alter.cmds[c];
        if (cmd.subtype !== "AT_SetNotNull" || typeof cmd.name !== "string") continue;
        const column = cmd.name;
        if (columnAddedInFile(file, statement.index, key, column)) continue;
        if (provenNotNull(project, file, statement.index, key, column)) continue;
        const span = spanOf(c);
        const check = quoteIdent(`${key.slice(key.indexOf(".") + 1)}_${column}_not_null`);
        const col = quoteIdent(column);
        report({
          at: { start: statement.start + span.start, end: statement.start + span.end },
          message: `SET NOT NULL on column ${col} of existing table ${table} scans every row under an ACCESS EXCLUSIVE lock ` +
            "(no reads or writes of the table until it finishes), and fails if a row holds NULL",
          help: `In one migration add \`alter table ${table} add constraint ${check} check (${col} is not null) not valid;\`; in a ` +
            `later one \`alter table ${table} validate constraint ${check};\` then SET NOT NULL: PostgreSQL 12+ skips the scan when a ` +
            "valid CHECK (… IS NOT NULL) constraint proves it. Fill in the NULLs before validating.",
        });
      }
    }
  },
};

/**
 * True when, before the statement, the table has a valid `CHECK (column IS NOT NULL)` constraint: added
 * without NOT VALID, or added NOT VALID and validated since (in an earlier migration or earlier in this
 * one), and not dropped again. Then SET NOT NULL needs no scan.
 */
function provenNotNull(project: LintProject, file: LintFile, statementIndex: number, key: string, column: string): boolean {
  // Constraint name → valid? for the CHECK (column IS NOT NULL) constraints seen so far.
  const checks = new Map<string, boolean>();
  for (const other of project.files) {
    if (other.order > file.order) break;
    const { statements } = other.parsed;
    const end = other === file ? statementIndex : statements.length;
    for (let i = 0; i < end; i++) {
      const alter = statements[i].kind === "AlterTableStmt" ? alterTable(statements[i].node) : null;
      if (!alter || relationKey(alter.relation) !== key) continue;
      for (const cmd of alter.cmds) {
        const constraint = cmd.subtype === "AT_AddConstraint" ? nodeFields(cmd.def, "Constraint") : null;
        if (constraint?.contype === "CONSTR_CHECK" && typeof constraint.conname === "string" && isNotNullTest(constraint.raw_expr, column)) {
          checks.set(constraint.conname, constraint.skip_validation !== true);
        } else if (cmd.subtype === "AT_ValidateConstraint" && checks.has(String(cmd.name))) {
          checks.set(String(cmd.name), true);
        } else if (cmd.subtype === "AT_DropConstraint") {
          checks.delete(String(cmd.name));
        }
      }
    }
  }
  return [...checks.values()].some((valid) => valid);
}

/** True for the expression `<column> IS NOT NULL`. */
function isNotNullTest(expr: unknown, column: string): boolean {
  const test = nodeFields(expr, "NullTest");
  if (!test || test.nulltesttype !== "IS_NOT_NULL") return false;
  const fields = nameList((nodeFields(test.arg, "ColumnRef") as AstNode | null)?.fields);
  return fields.length === 1 && fields[0] === column;
}
