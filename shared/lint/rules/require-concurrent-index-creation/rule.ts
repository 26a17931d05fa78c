import { insertAt, keywordCase } from "../../fixes.ts";
import { isExistingTable } from "../../online-safety.ts";
import { type AstNode, nodeFields, relationSql, sqlTokens } from "../../../sql/names.ts";
import { TextIndex } from "../../../sql/index.ts";
import { nameEnd } from "../../../schema/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "require-concurrent-index-creation",
  defaultSeverity: "warning",
  optIn: "online-safety",
  summary: "CREATE INDEX without CONCURRENTLY on an existing table, which blocks writes to it while the index builds",
  checkFile({ file, project, report }) {
    const { index, statements } = file.parsed;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const create = statement.kind === "IndexStmt" ? nodeFields(statement.node, "IndexStmt") : null;
      if (!create || create.concurrent === true || !isExistingTable(project, file, statement.index, create.relation)) continue;
      const table = relationSql(create.relation);
      const name = typeof create.idxname === "string" ? `${create.idxname} ` : "";
      const tokens = sqlTokens(statement.text);
      const indexKeyword = tokens.findIndex((t) => t.keyword === "index");
      // Alone in its file, the statement runs outside a transaction, as CONCURRENTLY requires: then the fix is safe.
      const alone = statements.length === 1 && indexKeyword > 0;
      const kw = keywordCase(statement.text);
      report({
        at: { start: statement.start, end: statement.start + tableEnd(statement.text, create) },
        message: `CREATE INDEX ${name}on existing table ${table} without CONCURRENTLY blocks every write to ${table} ` +
          "(a SHARE lock) until the index is built",
        help: alone
          ? "Write CREATE INDEX CONCURRENTLY: alone in its file, the statement runs outside a transaction, as CONCURRENTLY needs."
          : "Build it with `create index concurrently if not exists …` in a migration file of its own: supamigrate runs a file " +
            "holding only that statement outside a transaction, as CONCURRENTLY needs (non-transactional-statement).",
        ...(alone ? { fixes: [{ title: "Add CONCURRENTLY", edits: [insertAt(index, statement.start + tokens[indexKeyword].end, kw(" concurrently"))] }] } : {}),
      });
    }
  },
};

/** The end of `create … index … on <table>` in the statement's text (UTF-16), or its first line's when the table cannot be placed. */
function tableEnd(text: string, create: AstNode): number {
  const location = (nodeFields(create.relation, "RangeVar") ?? (create.relation as AstNode)).location;
  if (typeof location === "number") return nameEnd(text, new TextIndex(text).offsetOfByte(location));
  const lineEnd = text.indexOf("\n");
  return lineEnd < 0 ? text.length : lineEnd;
}
