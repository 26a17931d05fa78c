import { alterTable, columnAddedInFile, commandSpanOf } from "../../alter-table.ts";
import { isExistingTable } from "../../online-safety.ts";
import { type AstNode, nodeFields, quoteIdent, relationSql } from "../../../sql/names.ts";
import { positionOf } from "../../../schema/model.ts";
import { normalizeType, relationKey } from "../../../schema/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "changing-column-type",
  defaultSeverity: "warning",
  optIn: "online-safety",
  summary: "ALTER COLUMN … TYPE on an existing column that rewrites the table under an ACCESS EXCLUSIVE lock",
  checkFile({ file, project, report }) {
    const { statements } = file.parsed;
    // SET timezone = 'UTC' so far: timestamp ↔ timestamptz then keeps the stored values (PostgreSQL 12+).
    let utc = false;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const set = statement.kind === "VariableSetStmt" ? nodeFields(statement.node, "VariableSetStmt") : null;
      if (set && (set.name === "timezone" || set.kind === "VAR_RESET_ALL")) utc = set.kind === "VAR_SET_VALUE" && isUtc(set.args);
      const alter = statement.kind === "AlterTableStmt" ? alterTable(statement.node) : null;
      if (!alter || !alter.cmds.some((c) => c.subtype === "AT_AlterColumnType")) continue;
      if (!isExistingTable(project, file, statement.index, alter.relation)) continue;
      const key = relationKey(alter.relation)!;
      const table = relationSql(alter.relation);
      const before = project.schema.relationAt(key, positionOf(file.order, statement.index));
      const spanOf = commandSpanOf(statement.text, alter.cmds.length);
      for (let c = 0; c < alter.cmds.length; c++) {
        const cmd = alter.cmds[c];
        const def = cmd.subtype === "AT_AlterColumnType" ? nodeFields(cmd.def, "ColumnDef") : null;
        if (!def || typeof cmd.name !== "string" || columnAddedInFile(file, statement.index, key, cmd.name)) continue;
        const to = normalizeType(def.typeName);
        const from = before?.columns.get(cmd.name)?.type ?? null;
        if (from !== null && !def.raw_default && keepsStoredValues(from, to, utc)) continue;
        const span = spanOf(c);
        report({
          at: { start: statement.start + span.start, end: statement.start + span.end },
          message: `ALTER COLUMN ${quoteIdent(cmd.name)} TYPE ${to}${from ? ` (from ${from})` : ""} on existing table ${table} rewrites ` +
            "the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock: no reads or writes of the table until it finishes",
          help: "Add a column of the new type, fill it in batches, move readers and writers to it, then drop the old one. Changes " +
            "that keep the stored values are not flagged: varchar(n) → text or a longer varchar, text ↔ varchar, numeric(p,s) → " +
            "numeric or numeric(p2 ≥ p, s), and timestamp ↔ timestamptz after `set timezone = 'UTC'` (PostgreSQL 12+).",
        });
      }
    }
  },
};

/** True when PostgreSQL changes the type without rewriting the table (binary-coercible, not narrowed). */
export function keepsStoredValues(from: string, to: string, utc: boolean): boolean {
  if (from === to) return true;
  const [fromBase, fromMods] = split(from);
  const [toBase, toMods] = split(to);
  if (fromBase.endsWith("[]") || toBase.endsWith("[]")) return false;
  const varchar = (base: string) => base === "varchar" || base === "text";
  if (varchar(fromBase) && varchar(toBase)) {
    if (toBase === "text" || toMods === null) return true;
    return fromBase === "varchar" && fromMods !== null && Number(toMods[0]) >= Number(fromMods[0]);
  }
  if (fromBase === "numeric" && toBase === "numeric") {
    if (toMods === null) return true;
    if (fromMods === null) return false;
    const [p1, s1 = "0"] = fromMods;
    const [p2, s2 = "0"] = toMods;
    return s1 === s2 && Number(p2) >= Number(p1);
  }
  if (utc && ((fromBase === "timestamp" && toBase === "timestamptz") || (fromBase === "timestamptz" && toBase === "timestamp"))) return true;
  return false;
}

/** `varchar(10)` → [`varchar`, [`10`]]; `text` → [`text`, null]. */
function split(type: string): [string, string[] | null] {
  const open = type.indexOf("(");
  if (open < 0) return [type, null];
  return [type.slice(0, open), type.slice(open + 1, type.indexOf(")")).split(",")];
}

function isUtc(args: unknown): boolean {
  const value = Array.isArray(args) ? nodeFields(args[0], "A_Const") as AstNode | null : null;
  const text = String((value?.sval as { sval?: string } | undefined)?.sval ?? "");
  return /^(utc|etc\/utc)$/i.test(text.trim());
}
