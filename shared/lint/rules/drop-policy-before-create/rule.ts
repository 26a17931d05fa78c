import { insertLineBefore, keywordCase } from "../../fixes.ts";
import { createdObjectKeys, droppedObjects, headTokens, nameAfterKeyword, nodeFields, relationName, relationSql } from "../../../sql/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "drop-policy-before-create",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "CREATE POLICY not preceded by DROP POLICY IF EXISTS for the same policy and table",
  checkFile({ file, report }) {
    const { index, statements } = file.parsed;
    // Keys (as createdObjectKeys writes them) of the policies dropped with IF EXISTS so far in this file.
    const dropped = new Set<string>();
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (statement.kind === "DropStmt") {
        const drop = droppedObjects(statement.node);
        if (drop?.kind === "policy" && drop.ifExists) for (const key of drop.keys) dropped.add(key);
        continue;
      }
      const create = statement.kind === "CreatePolicyStmt" ? nodeFields(statement.node, "CreatePolicyStmt") : null;
      if (!create) continue;
      const name = String(create.policy_name);
      if (dropped.has(createdObjectKeys(statement.node)[0])) continue;

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
