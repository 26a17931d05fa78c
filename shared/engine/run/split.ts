/**
 * Turns a migration's text into the statements the engine sends, one by one: split with the real
 * PostgreSQL scanner, placeholders substituted per statement (so every statement remembers where it
 * sits in the file as written and how substitution moved its text), and classified as transactional
 * or not.
 */
import { findPlaceholders, substitutePlaceholders, withoutBom } from "../../migrations/index.ts";
import { nodeFields } from "../../sql/ast.ts";
import {
  type ParsedSql, type ParsedStatement, type Position, TextIndex, parseSql, readingSettingChange, transactionRestriction, wrappedInTransaction,
} from "../../sql/index.ts";

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
  /** True when the file was wrapped whole in BEGIN … COMMIT, which was dropped (the runner's transaction does that job). */
  readonly unwrapped: boolean;
}

/** Why a file cannot run as written (turned into a Rejection by the caller). */
export type FileProblem =
  | { readonly problem: "non-transactional-mixed"; readonly kind: string; readonly line: number; readonly statements: number }
  | { readonly problem: "explicit-transaction"; readonly line: number }
  | { readonly problem: "syntax-error"; readonly line: number; readonly column: number; readonly message: string }
  | { readonly problem: "empty-migration" }
  | { readonly problem: "reading-setting"; readonly setting: string; readonly line: number };

/**
 * Splits `written` (the parser must be loaded) and substitutes `values` statement by statement. A leading
 * BOM is dropped first, so positions are those an editor shows, where a BOM takes no column.
 */
export function prepareFile(written: string, values: Readonly<Record<string, string>>): RunnableFile | FileProblem {
  const text = withoutBom(written);
  // parseSql takes the fast way for a file that parses as a whole (one parser call for every statement).
  const parsed = parseSql(text);
  // What the parser rejects is never sent: a NUL byte or an unscannable tail would otherwise leave
  // statements out (recorded as applied without running), and a broken later file would fail only
  // after the files before it had applied.
  const error = syntaxError(parsed, values);
  if (error) return error;
  const unwrapped = wrappedInTransaction(parsed.statements);
  const kept = unwrapped ? parsed.statements.slice(1, -1) : parsed.statements;
  if (kept.length === 0) return { problem: "empty-migration" };
  const statements = kept.map((s) => runnable(s, values));
  for (const statement of kept) {
    if (isExplicitTransaction(statement)) {
      return { problem: "explicit-transaction", line: parsed.index.positionAt(statement.start).line };
    }
    const setting = readingSettingChange(statement);
    if (setting) return { problem: "reading-setting", setting, line: parsed.index.positionAt(statement.start).line };
  }
  const nonTransactional = kept.map((s) => ({ statement: s, kind: nonTransactionalKind(s) })).find((s) => s.kind !== null);
  if (nonTransactional && (kept.length > 1 || unwrapped)) {
    return {
      problem: "non-transactional-mixed",
      kind: nonTransactional.kind!,
      line: parsed.index.positionAt(nonTransactional.statement.start).line,
      statements: parsed.statements.length,
    };
  }
  return { index: parsed.index, statements, transactional: !nonTransactional, unwrapped };
}

/**
 * The file's first syntax error, or null. A placeholder used outside quotes (`create schema ${name}`)
 * does not parse as written; such a file is judged by its text with the values substituted.
 */
function syntaxError(parsed: ParsedSql, values: Readonly<Record<string, string>>): FileProblem | null {
  let error = parsed.errors[0];
  if (!error) return null;
  const substituted = substitutePlaceholders(parsed.index.text, values);
  if (substituted !== parsed.index.text) {
    error = parseSql(substituted).errors[0];
    if (!error) return null;
  }
  return { problem: "syntax-error", line: error.position.line, column: error.position.column, message: error.message };
}

function runnable(statement: ParsedStatement, values: Readonly<Record<string, string>>): RunnableStatement {
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

function isExplicitTransaction(statement: ParsedStatement): boolean {
  const node = nodeFields(statement.node, "TransactionStmt");
  return node !== null && TRANSACTION_ENDERS.has(String(node.kind));
}

/** A name for a statement Postgres refuses to run inside a transaction block, or null (the linter's list). */
export function nonTransactionalKind(statement: { readonly kind: string | null; readonly node: Record<string, unknown> | null }): string | null {
  return transactionRestriction(statement.node);
}
