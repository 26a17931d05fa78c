/**
 * Parses a migration statement by statement: every statement gets its parse tree or its own syntax
 * error at an exact file position, so one broken statement never hides the others.
 */
import { type ParserRejection, parseStatementText } from "./parser.ts";
import { type Position, TextIndex, offsetOfCodePoint } from "./positions.ts";
import { type StatementSpan, splitStatements } from "./split.ts";

/** A syntax error at a file position (UTF-16 offsets; 1-based line/column). */
export interface SqlSyntaxError {
  readonly message: string;
  readonly offset: number;
  readonly position: Position;
  /** Index of the statement it belongs to. */
  readonly statementIndex: number;
}

/** A statement with its parse tree (the libpg-query JSON node, e.g. `{ CreateStmt: {...} }`) or its error. */
export interface ParsedStatement extends StatementSpan {
  /** The statement's text, from its first token through its `;`. */
  readonly text: string;
  /** The statement's node, or null when it did not parse. */
  readonly node: Record<string, unknown> | null;
  /** The node's kind, e.g. `CreateStmt`, or null when it did not parse. */
  readonly kind: string | null;
  readonly error: SqlSyntaxError | null;
}

/** A parsed migration file. */
export interface ParsedSql {
  readonly index: TextIndex;
  readonly statements: ParsedStatement[];
  readonly errors: SqlSyntaxError[];
}

/** Parses text (the parser must be loaded: `await loadParser()`). */
export function parseSql(text: string): ParsedSql {
  const index = new TextIndex(text);
  if (text.includes("\u0000")) {
    const offset = text.indexOf("\u0000");
    const error = { message: "the file contains a NUL byte: it is binary, not SQL", offset, position: index.positionAt(offset), statementIndex: 0 };
    return { index, statements: [], errors: [error] };
  }
  const statements = splitStatements(index).map((span) => parseSpan(index, span));
  return { index, statements, errors: statements.flatMap((s) => (s.error ? [s.error] : [])) };
}

function parseSpan(index: TextIndex, span: StatementSpan): ParsedStatement {
  const text = index.text.slice(span.start, span.end);
  const result = parseStatementText(text);
  if ("rejection" in result) {
    return { ...span, text, node: null, kind: null, error: toSyntaxError(index, span, text, result.rejection) };
  }
  // One span can hold one statement only (we split at every top-level `;`), but be exact anyway.
  const raw = result.stmts[0] as { stmt?: Record<string, unknown> } | undefined;
  const node = raw?.stmt ?? null;
  return { ...span, text, node, kind: node ? Object.keys(node)[0] : null, error: null };
}

function toSyntaxError(index: TextIndex, span: StatementSpan, text: string, rejection: ParserRejection): SqlSyntaxError {
  const local = rejection.cursor === null ? 0 : offsetOfCodePoint(text, rejection.cursor);
  const offset = span.start + Math.min(local, text.length);
  return { message: rejection.message, offset, position: index.positionAt(offset), statementIndex: span.index };
}

/** File position of a parse-tree `location` (a UTF-8 byte offset into the statement's text). */
export function positionOfLocation(index: TextIndex, statement: StatementSpan, location: number): Position {
  return index.positionAt(index.offsetOfByte(statement.startByte + Math.max(0, location)));
}

/** UTF-16 file offset of a parse-tree `location`. */
export function offsetOfLocation(index: TextIndex, statement: StatementSpan, location: number): number {
  return index.offsetOfByte(statement.startByte + Math.max(0, location));
}
