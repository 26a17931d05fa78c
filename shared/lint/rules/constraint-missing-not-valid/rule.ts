import { insertAt, keywordCase } from "../../fixes.ts";
import { alterTable, commandSpanOf } from "../../alter-table.ts";
import { isExistingTable } from "../../online-safety.ts";
import { nodeFields, quoteIdent, relationSql } from "../../../sql/names.ts";
import { relationKey } from "../../../schema/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "constraint-missing-not-valid",
  defaultSeverity: "warning",
  optIn: "online-safety",
  summary: "ADD FOREIGN KEY / CHECK on an existing table without NOT VALID, which checks every row while blocking writes",
  checkFile({ file, project, report }) {
    const { index, statements } = file.parsed;
    // `<table key>\0<constraint>` added NOT VALID in this file: validating it here too keeps the ADD's lock through the scan.
    const notValid = new Set<string>();
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const alter = statement.kind === "AlterTableStmt" ? alterTable(statement.node) : null;
      if (!alter || !isExistingTable(project, file, statement.index, alter.relation)) continue;
      const table = relationSql(alter.relation);
      const key = relationKey(alter.relation);
      const commandSpan = commandSpanOf(statement.text, alter.cmds.length);
      const spanOf = (c: number) => {
        const span = commandSpan(c);
        return { start: statement.start + span.start, end: statement.start + span.end };
      };
      for (let c = 0; c < alter.cmds.length; c++) {
        const cmd = alter.cmds[c];
        if (cmd.subtype === "AT_ValidateConstraint" && notValid.has(`${key}\0${cmd.name}`)) {
          report({
            at: spanOf(c),
            message: `VALIDATE CONSTRAINT ${quoteIdent(String(cmd.name))} in the same migration that adds it NOT VALID: the file's one ` +
              `transaction still holds the ADD's lock on ${table} while the validation scans every row`,
            help: "Move the VALIDATE CONSTRAINT into a later migration: on its own it takes only a SHARE UPDATE EXCLUSIVE lock, " +
              "which lets reads and writes go on.",
          });
          continue;
        }
        const constraint = cmd.subtype === "AT_AddConstraint" ? nodeFields(cmd.def, "Constraint") : null;
        if (!constraint || (constraint.contype !== "CONSTR_FOREIGN" && constraint.contype !== "CONSTR_CHECK")) continue;
        if (constraint.is_enforced === false) continue;
        const name = typeof constraint.conname === "string" ? quoteIdent(constraint.conname) : null;
        if (constraint.skip_validation === true) {
          if (typeof constraint.conname === "string") notValid.add(`${key}\0${constraint.conname}`);
          continue;
        }
        const foreign = constraint.contype === "CONSTR_FOREIGN";
        const at = spanOf(c);
        const kw = keywordCase(statement.text);
        report({
          at,
          message: `ADD ${foreign ? "FOREIGN KEY" : "CHECK"}${name ? ` ${name}` : ""} on existing table ${table} without NOT VALID ` +
            `checks every row while holding ${foreign
              ? `a SHARE ROW EXCLUSIVE lock on ${table} and ${relationSql(constraint.pktable)}: writes to both wait`
              : `an ACCESS EXCLUSIVE lock: reads and writes of ${table} wait`} until it finishes`,
          help: `Add it NOT VALID (rows written from then on are checked at once), then run \`alter table ${table} validate constraint ` +
            `${name ?? "<name>"};\` in a later migration: validating takes only a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on.`,
          fixes: [{ title: "Add NOT VALID (validate in a later migration)", edits: [insertAt(index, at.end, kw(" not valid"))] }],
        });
      }
    }
  },
};
