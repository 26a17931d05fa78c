import { insertLineAfter, keywordCase } from "../../fixes.ts";
import {
  type AstNode,
  formatQualified,
  isTemporary,
  nameAfterKeyword,
  nodeFields,
  qualifiedName,
  type QualifiedName,
  relationName,
  relationSql,
  sameRelation,
  sqlTokens,
} from "../../sql-names.ts";
import type { LintFile, Rule } from "../../types.ts";

/** Schemas the Supabase Data API exposes by default. */
const EXPOSED_SCHEMAS = new Set(["public"]);

export const rule: Rule = {
  id: "rls-not-enabled",
  defaultSeverity: "warning",
  summary: "a table created in an API-exposed schema (public) without ENABLE ROW LEVEL SECURITY",
  checkFile({ file, project, report }) {
    const { index } = file.parsed;
    // This file and every later one may enable RLS (or drop the table again).
    const scope = project.files.filter((f) => f === file || f.order > file.order);
    for (const statement of file.parsed.statements) {
      const created = createdTable(statement.node);
      if (!created || !EXPOSED_SCHEMAS.has(created.name.schema)) continue;
      if (scope.some((f) => securesTable(f, created.name))) continue;

      const tokens = sqlTokens(statement.text);
      const site = nameAfterKeyword(tokens, ["table"]);
      const end = site?.name ? tokens[site.name.last].end : statement.text.length;
      const kw = keywordCase(statement.text);
      const line = `${kw("alter table")} ${created.sql} ${kw("enable row level security")};`;
      const name = formatQualified(created.name);
      report({
        at: { start: statement.start, end: statement.start + end },
        message: `Table ${name} is in the API-exposed ${created.name.schema} schema without ENABLE ROW LEVEL SECURITY: ` +
          "anyone with the anon key can read and change its rows through the Data API",
        help: `Add \`${line}\` (in this migration or a later one), then policies for the roles that need access.`,
        fixes: [{ title: "Enable row level security", edits: [insertLineAfter(index, statement, line)] }],
      });
    }
  },
};

/** The table a statement creates (CREATE TABLE, CREATE TABLE AS), with its name as written. */
function createdTable(node: AstNode | null): { name: QualifiedName; sql: string } | null {
  const create = nodeFields(node, "CreateStmt");
  const asSelect = nodeFields(node, "CreateTableAsStmt");
  const relation = create ? create.relation : asSelect?.objtype === "OBJECT_TABLE" ? (asSelect.into as AstNode | undefined)?.rel : null;
  if (!relation || isTemporary(relation)) return null;
  return { name: relationName(relation), sql: relationSql(relation) };
}

/** True when the file enables RLS on the table, or drops it. */
function securesTable(file: LintFile, table: QualifiedName): boolean {
  return file.parsed.statements.some(({ node }) => {
    const alter = nodeFields(node, "AlterTableStmt");
    if (alter && sameRelation(relationName(alter.relation), table) && Array.isArray(alter.cmds)) {
      return alter.cmds.some((cmd) => nodeFields(cmd, "AlterTableCmd")?.subtype === "AT_EnableRowSecurity");
    }
    const drop = nodeFields(node, "DropStmt");
    if (drop?.removeType === "OBJECT_TABLE" && Array.isArray(drop.objects)) {
      return drop.objects.some((o) => sameRelation(qualifiedName(o), table));
    }
    return false;
  });
}
