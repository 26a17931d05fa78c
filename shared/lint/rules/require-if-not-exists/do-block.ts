/**
 * The SQL statements a PL/pgSQL DO block runs, found with the PL/pgSQL parser, each marked guarded
 * when it runs under an existence check (`if not exists (select … from pg_type …)`) or inside a
 * block that catches `duplicate_object` (or another `duplicate_*` condition, or `others`).
 */
import { type ParsedStatement, parseSpans, type StatementSpan, TextIndex } from "../../../sql/index.ts";
import { compilePlpgsql, isPlpgsqlCompiled, preparePlpgsql } from "../../../sql/plpgsql.ts";
import { type AstNode, nodeFields } from "../../../sql/names.ts";
import { TextCache } from "../../../sql/text-cache.ts";

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

/** An inner statement with its place relative to the DO statement's own text. */
interface LocalStatement {
  readonly node: AstNode;
  readonly text: string;
  /** UTF-16 offset into the DO statement's text, or null when not verbatim. */
  readonly offset: number | null;
  readonly guarded: boolean;
}

/**
 * DO blocks by statement text: the PL/pgSQL parse and the parse of every inner statement depend on
 * the text alone, so an unchanged DO block (the editor re-lints on every keystroke) costs a look-up.
 */
const analyzed = new TextCache<readonly LocalStatement[]>(2048);

/** The statements of a top-level DO block, in order; [] for any other statement or language. */
export function doBlockStatements(_index: TextIndex, statement: ParsedStatement): InnerStatement[] {
  if (statement.kind !== "DoStmt" || !nodeFields(statement.node, "DoStmt")) return [];
  const local = analyzed.get(statement.text, () => analyze(statement));
  return local.map((s) => ({ node: s.node, text: s.text, start: s.offset === null ? null : statement.start + s.offset, guarded: s.guarded }));
}

/**
 * Text of DO blocks analyzed together (see plpgsql.ts: the parser's cost per call grows faster than its
 * input). A batch this size also stays far below the caches' capacity: its blocks are still cached when read.
 */
const BATCH_CHARS = 8 * 1024;

/**
 * Analyzes the DO blocks from `statements[from]` on ahead of `doBlockStatements`, in few parser calls
 * instead of two or more per block: the PL/pgSQL compiles of up to BATCH_CHARS of blocks not yet
 * analyzed (plpgsql.ts batches those not compiled yet), then one parse of all their inner statements.
 * Returns the index of the first statement not looked at (call again from there when the caller reaches
 * it). Each block's result equals analyzing it alone.
 */
export function prepareDoBlocks(statements: readonly ParsedStatement[], from = 0): number {
  const pending: ParsedStatement[] = [];
  const seen = new Set<string>();
  let size = 0;
  let i = from;
  for (; i < statements.length; i++) {
    const statement = statements[i];
    if (!plpgsqlBody(statement) || seen.has(statement.text) || analyzed.has(statement.text)) continue;
    if (pending.length > 0 && size + statement.text.length > BATCH_CHARS) break;
    seen.add(statement.text);
    pending.push(statement);
    size += statement.text.length + 1;
  }
  prepareBatch(pending);
  return i;
}

/** One joint analysis of DO blocks (distinct texts, none analyzed); a single block is left to `analyze`. */
function prepareBatch(pending: readonly ParsedStatement[]): void {
  if (pending.length < 2) return;
  preparePlpgsql(pending.map((s) => s.text));
  // A block the joint compile did not cache (one of them is broken) is analyzed on its own when read.
  const ready = pending.filter((s) => isPlpgsqlCompiled(s.text));
  const visits = ready.map((s) => {
    const compiled = compilePlpgsql(s.text);
    return "functions" in compiled ? collect(compiled.functions) : [];
  });
  const nodes = parseQueries(visits.flat().map((v) => v.query));
  let next = 0;
  ready.forEach((statement, i) => {
    analyzed.set(statement.text, locals(statement, plpgsqlBody(statement)!, visits[i], nodes.slice(next, next + visits[i].length)));
    next += visits[i].length;
  });
}

/** The `as` argument of a PL/pgSQL DO statement, or null for another statement or language. */
function plpgsqlBody(statement: ParsedStatement): AstNode | null {
  const doStmt = statement.kind === "DoStmt" ? nodeFields(statement.node, "DoStmt") : null;
  if (!doStmt || !Array.isArray(doStmt.args)) return null;
  const args = doStmt.args.map((arg) => nodeFields(arg, "DefElem") ?? {});
  const language = args.find((a) => a.defname === "language");
  if (language && nodeFields(language.arg, "String")?.sval !== "plpgsql") return null;
  return args.find((a) => a.defname === "as") ?? null;
}

function analyze(statement: ParsedStatement): LocalStatement[] {
  const body = plpgsqlBody(statement);
  if (!body) return [];
  const compiled = compilePlpgsql(statement.text);
  if (!("functions" in compiled)) return [];
  const visits = collect(compiled.functions);
  return locals(statement, body, visits, parseQueries(visits.map((v) => v.query)));
}

interface Visited {
  readonly query: string;
  readonly lineno: number;
  readonly guarded: boolean;
}

function collect(functions: unknown): Visited[] {
  const visits: Visited[] = [];
  walk(functions, false, (query, lineno, guarded) => visits.push({ query, lineno, guarded }));
  return visits;
}

function locals(statement: ParsedStatement, body: AstNode, visits: readonly Visited[], nodes: ReadonlyArray<AstNode | null>): LocalStatement[] {
  const text = statement.text;
  const bodyStart = dollarBodyStart(text, new TextIndex(text).offsetOfByte(Math.max(0, Number(body.location))));
  const found: LocalStatement[] = [];
  visits.forEach(({ query, lineno, guarded }, i) => {
    const node = nodes[i];
    if (!node) return;
    const offset = bodyStart === null ? null : locate(text, bodyStart, text.length, lineno, query);
    found.push({ node, text: query, offset, guarded });
  });
  return found;
}

/** Each query's parse tree (null when it does not parse), in as few parser calls as the queries allow. */
function parseQueries(queries: readonly string[]): Array<AstNode | null> {
  if (queries.length === 0) return [];
  // One text, a query per line group: `\n;\n` ends a query even after a trailing line comment.
  const spans: StatementSpan[] = [];
  let text = "";
  for (const query of queries) {
    if (text) text += "\n;\n";
    spans.push({ index: spans.length, start: text.length, end: text.length + query.length, gapStart: text.length, startByte: 0, unscannable: false });
    text += query;
  }
  const index = new TextIndex(text);
  const located = spans.map((span) => ({ ...span, startByte: index.byteOfOffset(span.start) }));
  return parseSpans(index, located).map((s) => s.node);
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
