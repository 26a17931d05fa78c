import { insertAt, keywordCase } from "../../fixes.ts";
import { type AstNode, nodeFields, relationName, relationSql, sqlTokens } from "../../../sql/names.ts";
import { TextIndex } from "../../../sql/index.ts";
import { nameEnd } from "../../../schema/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "bucket-insert-without-on-conflict",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "INSERT INTO storage.buckets without ON CONFLICT, which fails with a duplicate key when the bucket already exists",
  checkFile({ file, report }) {
    const { index, statements } = file.parsed;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const insert = statement.kind === "InsertStmt" ? nodeFields(statement.node, "InsertStmt") : null;
      if (!insert || insert.onConflictClause) continue;
      const table = relationName(insert.relation);
      if (table.schema !== "storage" || table.name !== "buckets") continue;
      // INSERT … SELECT … WHERE (not exists …): the statement checks for the bucket itself.
      if ((nodeFields(insert.selectStmt, "SelectStmt") as AstNode | null)?.whereClause) continue;
      const tokens = sqlTokens(statement.text);
      const location = (nodeFields(insert.relation, "RangeVar") ?? insert.relation as AstNode).location;
      const end = typeof location === "number" ? nameEnd(statement.text, new TextIndex(statement.text).offsetOfByte(location)) : statement.text.length;
      const kw = keywordCase(statement.text);
      const at = insertionPoint(tokens, insert);
      report({
        at: { start: statement.start, end: statement.start + end },
        message: `INSERT INTO ${relationSql(insert.relation)} without ON CONFLICT fails with "duplicate key value violates unique ` +
          'constraint" when the bucket already exists (the migration ran before, or the bucket was made in the dashboard)',
        help: "Append `on conflict (id) do nothing` (or `do update set …` to bring its settings up to date) so the migration can run again safely.",
        ...(at === null ? {} : {
          fixes: [{ title: "Add ON CONFLICT (id) DO NOTHING", edits: [insertAt(index, statement.start + at, `${kw(" on conflict")} (id) ${kw("do nothing")}`)] }],
        }),
      });
    }
  },
};

/** Where ON CONFLICT goes (UTF-16 offset into the statement's text): before RETURNING, else after the last token. */
function insertionPoint(tokens: ReturnType<typeof sqlTokens>, insert: AstNode): number | null {
  if (tokens.length === 0) return null;
  let depth = 0;
  // PostgreSQL 18's parse tree holds RETURNING in `returningClause` (earlier: `returningList`).
  if (insert.returningClause || Array.isArray(insert.returningList)) {
    for (let t = 0; t < tokens.length; t++) {
      if (tokens[t].text === "(") depth++;
      else if (tokens[t].text === ")") depth--;
      else if (depth === 0 && tokens[t].keyword === "returning") return tokens[t - 1].end;
    }
    return null;
  }
  const last = tokens[tokens.length - 1].text === ";" ? tokens.length - 2 : tokens.length - 1;
  return last >= 0 ? tokens[last].end : null;
}
