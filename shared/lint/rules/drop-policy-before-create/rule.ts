import { insertLineBefore, keywordCase } from "../../fixes.ts";
import { formatQualified, headTokens, nameAfterKeyword, nameList, nodeFields, qualifiedName, relationName, relationSql } from "../../sql-names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "drop-policy-before-create",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "CREATE POLICY not preceded by DROP POLICY IF EXISTS for the same policy and table",
  checkFile({ file, report }) {
    const { index } = file.parsed;
    // `"table":policy` keys of the policies dropped with IF EXISTS so far in this file.
    const dropped = new Set<string>();
    for (const statement of file.parsed.statements) {
      const drop = nodeFields(statement.node, "DropStmt");
      if (drop?.removeType === "OBJECT_POLICY" && drop.missing_ok === true && Array.isArray(drop.objects)) {
        for (const object of drop.objects) {
          const parts = nameList(object);
          const table = qualifiedName(parts.slice(0, -1).map((sval) => ({ String: { sval } })));
          dropped.add(`${formatQualified(table)}:${parts[parts.length - 1]}`);
        }
      }
      const create = nodeFields(statement.node, "CreatePolicyStmt");
      if (!create) continue;
      const name = String(create.policy_name);
      if (dropped.has(`${formatQualified(relationName(create.table))}:${name}`)) continue;

      const tokens = headTokens(statement.text, 0);
      const site = nameAfterKeyword(tokens, ["policy"]);
      const end = site?.name ? tokens[site.name.last].end : statement.text.length;
      const quoted = `"${name.replaceAll('"', '""')}"`;
      const table = relationSql(create.table);
      const kw = keywordCase(statement.text);
      const line = `${kw("drop policy if exists")} ${quoted} ${kw("on")} ${table};`;
      report({
        at: { start: statement.start, end: statement.start + end },
        message: `CREATE POLICY ${quoted} on ${table} is not preceded by DROP POLICY IF EXISTS: ` +
          `running the migration again fails with 'policy ${quoted} for table "${relationName(create.table).name}" already exists'`,
        help: `RLS Policy Conflicts → drop existing policies before recreating: put \`${line}\` on the line before it.`,
        fixes: [{ title: `Add DROP POLICY IF EXISTS ${quoted}`, edits: [insertLineBefore(index, statement.start, line)] }],
      });
    }
  },
};
