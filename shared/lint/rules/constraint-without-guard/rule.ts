import { insertLineBefore, keywordCase } from "../../fixes.ts";
import { alterTable, commandSpanOf } from "../../alter-table.ts";
import { type AstNode, droppedObjects, nodeFields, objectKey, quoteIdent, relationName, relationSql, sqlTokens } from "../../../sql/names.ts";
import { TextIndex } from "../../../sql/index.ts";
import type { Fix, Rule } from "../../types.ts";

/** How each constraint type reads in SQL. */
const KINDS: Readonly<Record<string, string>> = {
  CONSTR_CHECK: "CHECK",
  CONSTR_FOREIGN: "FOREIGN KEY",
  CONSTR_PRIMARY: "PRIMARY KEY",
  CONSTR_UNIQUE: "UNIQUE",
  CONSTR_EXCLUSION: "EXCLUDE",
  CONSTR_NOTNULL: "NOT NULL",
};

/**
 * Constraints that are cheap to drop and add again on a re-run, and that nothing else depends on: the quick
 * fix drops them first. A primary key, unique or exclusion constraint owns an index (rebuilt on every run)
 * and may be referenced by foreign keys (then the DROP fails): those get the DO-block guard in the help.
 */
const DROP_FIRST = new Set(["CONSTR_CHECK", "CONSTR_FOREIGN", "CONSTR_NOTNULL"]);

export const rule: Rule = {
  id: "constraint-without-guard",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "ALTER TABLE … ADD CONSTRAINT without DROP CONSTRAINT IF EXISTS before it, which fails with \"already exists\" when run twice",
  checkFile({ file, report }) {
    const { index, statements } = file.parsed;
    // `<table key>\0<constraint>` dropped with IF EXISTS so far in this file; `<table key>\0` for a whole table dropped.
    const dropped = new Set<string>();
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (statement.kind === "DropStmt") {
        const drop = droppedObjects(statement.node);
        if (drop?.kind === "table" && drop.ifExists) for (const key of drop.keys) dropped.add(`${key}\0`);
        continue;
      }
      const alter = statement.kind === "AlterTableStmt" ? alterTable(statement.node) : null;
      if (!alter) continue;
      const table = objectKey("table", relationName(alter.relation));
      const spanOf = commandSpanOf(statement.text, alter.cmds.length);
      for (let c = 0; c < alter.cmds.length; c++) {
        const cmd = alter.cmds[c];
        if (cmd.subtype === "AT_DropConstraint" && cmd.missing_ok === true) dropped.add(`${table}\0${cmd.name}`);
        const constraint = cmd.subtype === "AT_AddConstraint" ? nodeFields(cmd.def, "Constraint") : null;
        if (!constraint) continue;
        const name = typeof constraint.conname === "string" ? constraint.conname : null;
        if (dropped.has(`${table}\0`) || (name !== null && dropped.has(`${table}\0${name}`))) continue;
        const span = spanOf(c);
        const end = headEnd(statement.text, constraint, name !== null) ?? span.end;
        const at = { start: statement.start + span.start, end: statement.start + Math.max(end, span.start + 1) };
        const kind = KINDS[String(constraint.contype)] ?? "CONSTRAINT";
        const tableSql = relationSql(alter.relation);
        if (name === null) {
          report({
            at,
            message: constraint.contype === "CONSTR_PRIMARY"
              ? `ADD PRIMARY KEY on ${tableSql} fails with "multiple primary keys for table … are not allowed" when the migration runs again`
              : `ADD ${kind} on ${tableSql} has no constraint name: each run of the migration adds another copy of the constraint`,
            help: `Name it (\`add constraint <name> ${kind.toLowerCase()} …\`) so it can be guarded: ` +
              (DROP_FIRST.has(String(constraint.contype)) ? `put \`alter table ${tableSql} drop constraint if exists <name>;\` before it, or ` : "") +
              "add it in a DO block that checks pg_constraint.",
          });
          continue;
        }
        const kw = keywordCase(statement.text);
        const line = `${kw(`alter table${alter.missingOk ? " if exists" : ""}`)} ${tableSql} ${kw("drop constraint if exists")} ${quoteIdent(name)};`;
        const quoted = quoteIdent(name);
        const fixes: Fix[] = DROP_FIRST.has(String(constraint.contype))
          ? [{ title: `Drop constraint ${quoted} first (DROP CONSTRAINT IF EXISTS)`, edits: [insertLineBefore(index, statement.start, line)] }]
          : [];
        report({
          at,
          message: `ADD CONSTRAINT ${quoted} on ${tableSql} fails with ` +
            (constraint.contype === "CONSTR_PRIMARY" ? '"multiple primary keys … are not allowed"' : '"already exists"') +
            " when the migration runs again: ALTER TABLE has no ADD CONSTRAINT IF NOT EXISTS",
          help: fixes.length
            ? `Drop it first: put \`${line}\` before it (as the guidelines do for policies), or add it in a DO block that checks pg_constraint.`
            : `Add it only when it is missing: \`do $$ begin if not exists (select 1 from pg_constraint where conname = '${name.replaceAll("'", "''")}' ` +
              `and conrelid = '${relationSql(alter.relation).replaceAll("'", "''")}'::regclass) then alter table … add constraint ${quoted} ${kind.toLowerCase()} …; ` +
              `end if; end $$;\` (dropping a ${kind} first rebuilds its index, and fails while foreign keys reference it).`,
          ...(fixes.length ? { fixes } : {}),
        });
      }
    }
  },
};

/**
 * The end (UTF-16 offset into the statement's text) of the constraint's head: its name when it has one
 * (`add constraint <name>`), else its first keyword (`add check`); null when the tokens do not line up.
 */
function headEnd(text: string, constraint: AstNode, named: boolean): number | null {
  if (typeof constraint.location !== "number") return null;
  const offset = new TextIndex(text).offsetOfByte(constraint.location);
  const tokens = sqlTokens(text);
  const at = tokens.findIndex((t) => t.start === offset);
  if (at < 0) return null;
  return named && tokens[at].keyword === "constraint" && tokens[at + 1] ? tokens[at + 1].end : tokens[at].end;
}
