/**
 * Turns a migration's text into the statements the engine sends, one by one: split with the real
 * PostgreSQL scanner, placeholders substituted per statement (so every statement remembers where it
 * sits in the file as written and how substitution moved its text), and classified as transactional
 * or not.
 */
import { findPlaceholders, substitutePlaceholders } from "../migrations/index.ts";
import { type Position, TextIndex, parseSql, transactionRestriction } from "../sql/index.ts";
import { parseStatementText, scanTokens } from "../sql/parser.ts";

/** One placeholder replaced in a statement: its span as written and as sent (UTF-16, statement-relative). */
interface Replacement {
  readonly writtenStart: number;
  readonly writtenEnd: number;
  readonly sentStart: number;
  readonly sentEnd: number;
}

/** A statement ready to send. */
export interface RunnableStatement {
  /** The text sent to Postgres (placeholders substituted). */
  readonly text: string;
  /** UTF-16 offset of the statement's first token in the file as written. */
  readonly fileStart: number;
  readonly kind: string | null;
  readonly node: Record<string, unknown> | null;
  readonly replacements: readonly Replacement[];
}

/** A file ready to run. */
export interface RunnableFile {
  readonly index: TextIndex;
  readonly statements: readonly RunnableStatement[];
  /** False when the file's only statement cannot run inside a transaction. */
  readonly transactional: boolean;
}

/** Why a file cannot run as written (turned into a Rejection by the caller). */
export type FileProblem =
  | { readonly problem: "non-transactional-mixed"; readonly kind: string; readonly line: number; readonly statements: number }
  | { readonly problem: "explicit-transaction"; readonly line: number };

/** What the engine needs of a statement of the file as written. */
interface Piece {
  /** From the first token (comments before it excluded) through its `;`, if any. */
  readonly text: string;
  /** UTF-16 offset of the first token in the file. */
  readonly start: number;
  readonly kind: string | null;
  readonly node: Record<string, unknown> | null;
}

/** Splits `text` (the parser must be loaded) and substitutes `values` statement by statement. */
export function prepareFile(text: string, values: Readonly<Record<string, string>>): RunnableFile | FileProblem {
  const parsed = parseWhole(text) ?? parseSql(text);
  const statements = parsed.statements.map((s) => runnable(s, values));
  for (const statement of parsed.statements) {
    if (isExplicitTransaction(statement)) {
      return { problem: "explicit-transaction", line: parsed.index.positionAt(statement.start).line };
    }
  }
  const nonTransactional = parsed.statements.find((s) => nonTransactionalKind(s) !== null);
  if (nonTransactional && parsed.statements.length > 1) {
    return {
      problem: "non-transactional-mixed",
      kind: nonTransactionalKind(nonTransactional)!,
      line: parsed.index.positionAt(nonTransactional.start).line,
      statements: parsed.statements.length,
    };
  }
  return { index: parsed.index, statements, transactional: !nonTransactional };
}

/**
 * The fast way for a file that parses as a whole (nearly all): one parser call gives every statement's
 * tree and its place (`stmt_location` / `stmt_len`, UTF-8 bytes), where splitting with the scanner and
 * then parsing each statement costs about three times as much. A file that does not parse (or holds a
 * NUL, which would cut the parser's C string short) goes through parseSql, which finds each statement's
 * own syntax error.
 */
function parseWhole(text: string): { index: TextIndex; statements: Piece[] } | null {
  if (text.includes("\u0000")) return null;
  const result = parseStatementText(text);
  if ("rejection" in result) return null;
  const index = new TextIndex(text);
  const statements: Piece[] = [];
  for (const raw of result.stmts as Array<{ stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number }>) {
    const locationByte = raw.stmt_location ?? 0;
    const lengthBytes = raw.stmt_len ?? 0; // 0: the rest of the text (a last statement without `;`)
    const start = firstToken(text, index.offsetOfByte(locationByte));
    let end = lengthBytes > 0 ? index.offsetOfByte(locationByte + lengthBytes) : lastTokenEnd(text, start);
    if (lengthBytes > 0 && text.charCodeAt(end) === 59) end++; // through its `;`
    const node = raw.stmt ?? null;
    statements.push({ text: text.slice(start, end), start, kind: node ? Object.keys(node)[0] : null, node });
  }
  return { index, statements };
}

/** The first token at or after `at`, a point between statements: skips whitespace and (nested) comments. */
function firstToken(text: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < text.length && SPACE.has(text.charCodeAt(i))) i++;
    if (text.startsWith("--", i)) {
      const newline = text.indexOf("\n", i);
      i = newline < 0 ? text.length : newline + 1;
    } else if (text.startsWith("/*", i)) {
      let depth = 0;
      while (i < text.length) {
        if (text.startsWith("/*", i)) {
          depth++;
          i += 2;
        } else if (text.startsWith("*/", i)) {
          i += 2;
          if (--depth === 0) break;
        } else i++;
      }
    } else return i;
  }
}

/** Postgres's whitespace: space, \t, \n, \r, \f, \v. */
const SPACE = new Set([32, 9, 10, 13, 12, 11]);

/** Where the last token from `start` on ends: a last statement without `;` ends there, not after a comment. */
function lastTokenEnd(text: string, start: number): number {
  let end = text.length;
  while (end > start && SPACE.has(text.charCodeAt(end - 1))) end--;
  const rest = text.slice(start, end);
  if (!rest.includes("--") && !rest.includes("/*")) return end;
  const tokens = scanTokens(rest);
  if ("error" in tokens) return end;
  const last = tokens.filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT").at(-1);
  return last ? start + new TextIndex(rest).offsetOfByte(last.end) : end;
}

function runnable(statement: Piece, values: Readonly<Record<string, string>>): RunnableStatement {
  const replacements: Replacement[] = [];
  let shift = 0;
  for (const use of findPlaceholders(statement.text)) {
    if (!Object.hasOwn(values, use.name)) continue;
    const length = values[use.name].length;
    replacements.push({ writtenStart: use.start, writtenEnd: use.end, sentStart: use.start + shift, sentEnd: use.start + shift + length });
    shift += length - (use.end - use.start);
  }
  return {
    text: substitutePlaceholders(statement.text, values),
    fileStart: statement.start,
    kind: statement.kind,
    node: statement.node,
    replacements,
  };
}

/** Maps a UTF-16 offset in the sent text back to the file as written (inside a value: the placeholder's start). */
export function writtenOffset(statement: RunnableStatement, sentOffset: number): number {
  let shift = 0;
  for (const r of statement.replacements) {
    if (sentOffset < r.sentStart) break;
    if (sentOffset < r.sentEnd) return statement.fileStart + r.writtenStart;
    shift = r.sentEnd - r.writtenEnd;
  }
  return statement.fileStart + sentOffset - shift;
}

/** File position of a statement's first token. */
export function statementPosition(file: RunnableFile, statement: RunnableStatement): Position {
  return file.index.positionAt(statement.fileStart);
}

const TRANSACTION_ENDERS = new Set([
  "TRANS_STMT_BEGIN",
  "TRANS_STMT_START",
  "TRANS_STMT_COMMIT",
  "TRANS_STMT_ROLLBACK",
  "TRANS_STMT_PREPARE",
  "TRANS_STMT_COMMIT_PREPARED",
  "TRANS_STMT_ROLLBACK_PREPARED",
]);

function isExplicitTransaction(statement: Piece): boolean {
  const node = field(statement.node, "TransactionStmt");
  return node !== null && TRANSACTION_ENDERS.has(String(node.kind));
}

/** A name for a statement Postgres refuses to run inside a transaction block, or null (the linter's list). */
export function nonTransactionalKind(statement: { readonly kind: string | null; readonly node: Record<string, unknown> | null }): string | null {
  return transactionRestriction(statement.node);
}

function field(node: Record<string, unknown> | null | undefined, key: string): Record<string, unknown> | null {
  const value = node?.[key];
  return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
}
