/**
 * The SQL statements a PL/pgSQL DO block runs, found with the PL/pgSQL parser, each marked guarded
 * when it runs under an existence check (`if not exists (select … from pg_type …)`) or inside a
 * block that catches `duplicate_object` (or another `duplicate_*` condition, or `others`).
 */
import { type ParsedStatement, offsetOfLocation, type TextIndex } from "../../../sql/index.ts";
import { parsePlpgsqlText, parseStatementText } from "../../../sql/parser.ts";
import { type AstNode, nodeFields } from "../../sql-names.ts";

export interface InnerStatement {
  readonly node: AstNode;
  /** The statement's SQL text as the block holds it. */
  readonly text: string;
  /** UTF-16 file offset of `text`, or null when the body is not dollar-quoted (its text is not verbatim). */
  readonly start: number | null;
  /** True under an existence check or a duplicate_* exception handler. */
  readonly guarded: boolean;
}

/** An IF condition that checks whether something exists (a catalog look-up, EXISTS, to_regclass…). */
const EXISTENCE_CHECK = /\bexists\b|\bpg_\w+|\binformation_schema\b|\bto_reg\w+\s*\(/i;

/** The statements of a top-level DO block, in order; [] for any other statement or language. */
export function doBlockStatements(index: TextIndex, statement: ParsedStatement): InnerStatement[] {
  const doStmt = nodeFields(statement.node, "DoStmt");
  if (!doStmt || !Array.isArray(doStmt.args)) return [];
  const args = doStmt.args.map((arg) => nodeFields(arg, "DefElem") ?? {});
  const language = args.find((a) => a.defname === "language");
  if (language && nodeFields(language.arg, "String")?.sval !== "plpgsql") return [];
  const body = args.find((a) => a.defname === "as");
  const parsed = parsePlpgsqlText(statement.text);
  if (!body || !("functions" in parsed)) return [];

  const bodyStart = dollarBodyStart(index.text, offsetOfLocation(index, statement, Number(body.location)));
  const found: InnerStatement[] = [];
  walk(parsed.functions, false, (query, lineno, guarded) => {
    const result = parseStatementText(query);
    const node = "stmts" in result ? (result.stmts[0] as { stmt?: AstNode } | undefined)?.stmt : undefined;
    if (!node) return;
    const start = bodyStart === null ? null : locate(index.text, bodyStart, statement.end, lineno, query);
    found.push({ node, text: query, start, guarded });
  });
  return found;
}

type Visit = (query: string, lineno: number, guarded: boolean) => void;

function walk(value: unknown, guarded: boolean, visit: Visit): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, guarded, visit);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  const exec = nodeFields(record, "PLpgSQL_stmt_execsql");
  if (exec) {
    const query = nodeFields(exec.sqlstmt, "PLpgSQL_expr")?.query;
    if (typeof query === "string") visit(query, Number(exec.lineno ?? 1), guarded);
    return;
  }
  const ifStmt = nodeFields(record, "PLpgSQL_stmt_if");
  const block = nodeFields(record, "PLpgSQL_stmt_block");
  const inner = guarded || (ifStmt !== null && checksExistence(ifStmt)) || (block !== null && catchesDuplicates(block));
  for (const child of Object.values(record)) walk(child, inner, visit);
}

function checksExistence(ifStmt: AstNode): boolean {
  const conditions = [ifStmt.cond, ...(Array.isArray(ifStmt.elsif_list) ? ifStmt.elsif_list.map((e) => nodeFields(e, "PLpgSQL_if_elsif")?.cond) : [])];
  return conditions.some((cond) => EXISTENCE_CHECK.test(String(nodeFields(cond, "PLpgSQL_expr")?.query ?? "")));
}

function catchesDuplicates(block: AstNode): boolean {
  return JSON.stringify(block.exceptions ?? null).match(/"condname":"(duplicate_\w+|others)"/) !== null;
}

/** Where a dollar-quoted body's text begins (after `$tag$`), or null for a quoted string. */
function dollarBodyStart(text: string, literalStart: number): number | null {
  const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(literalStart, literalStart + 80));
  return tag ? literalStart + tag[0].length : null;
}

/** The file offset of `query`, searched from line `lineno` (1-based, counted from the body's start). */
function locate(text: string, bodyStart: number, limit: number, lineno: number, query: string): number | null {
  let from = bodyStart;
  for (let line = 1; line < lineno; line++) {
    const next = text.indexOf("\n", from);
    if (next < 0 || next >= limit) break;
    from = next + 1;
  }
  const at = text.indexOf(query, from);
  return at >= 0 && at + query.length <= limit ? at : null;
}
