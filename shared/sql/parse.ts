/**
 * Parses a migration statement by statement: every statement gets its parse tree or its own syntax
 * error at an exact file position, so one broken statement never hides the others.
 *
 * Speed: a file that parses as a whole (nearly every file) costs one parser call; statement spans come
 * from the parser's `stmt_location`/`stmt_len` (UTF-8 bytes), and node locations are rebased so each
 * tree is exactly what parsing the statement alone gives. Only a file that does not parse as a whole
 * goes through the scanner (which costs about three times the parse), and then runs of statements are
 * still parsed in one call each; per-statement parsing happens only for the statements that fail.
 */
import { type ParserRejection, parseStatementText, scanTokens } from "./parser.ts";
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
  const statements = parseWhole(index) ?? parseSpans(index, splitStatements(index));
  const errors: SqlSyntaxError[] = [];
  for (let i = 0; i < statements.length; i++) if (statements[i].error) errors.push(statements[i].error!);
  return { index, statements, errors };
}

/**
 * Parses scanner spans of `index.text`: runs of statements in one parser call each, falling back to
 * one call per statement only around statements that fail. Every result equals a per-statement parse.
 */
export function parseSpans(index: TextIndex, spans: readonly StatementSpan[]): ParsedStatement[] {
  const out: ParsedStatement[] = new Array(spans.length);
  let runStart = 0;
  for (let i = 0; i <= spans.length; i++) {
    const full = i < spans.length && i > runStart && spans[i].end - spans[runStart].start > RUN_CHARS;
    if (i < spans.length && !spans[i].unscannable && !full) continue;
    parseRun(index, spans, runStart, i, out);
    if (full) {
      runStart = i;
      continue;
    }
    if (i < spans.length) out[i] = parseSpan(index, spans[i]);
    runStart = i + 1;
  }
  return out;
}

/**
 * Text per run of a file that does not parse as a whole. Each syntax error in a run re-parses the part of
 * the run after it, so an uncapped run made a file with many errors quadratic (40,000 statements with
 * 4,000 broken: 68 s); capped, the cost is linear in the file.
 */
const RUN_CHARS = 16 * 1024;

/** Parses one statement's span on its own. */
export function parseSpan(index: TextIndex, span: StatementSpan): ParsedStatement {
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

interface RawStmt {
  stmt?: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

/** Parses spans [lo, hi) (all scannable) into `out`: one call for the run, bisecting around failures. */
function parseRun(index: TextIndex, spans: readonly StatementSpan[], lo: number, hi: number, out: ParsedStatement[]): void {
  if (hi - lo <= 1) {
    if (hi > lo) out[lo] = parseSpan(index, spans[lo]);
    return;
  }
  const first = spans[lo];
  const batch = index.text.slice(first.start, spans[hi - 1].end);
  const result = parseStatementText(batch);
  if ("stmts" in result) {
    const raws = result.stmts as RawStmt[];
    if (raws.length === hi - lo && raws.every((raw, j) => (raw.stmt_location ?? 0) === spans[lo + j].startByte - first.startByte)) {
      for (let j = 0; j < raws.length; j++) out[lo + j] = fromRaw(index, spans[lo + j], raws[j], raws[j].stmt_location ?? 0);
      return;
    }
    for (let k = lo; k < hi; k++) out[k] = parseSpan(index, spans[k]);
    return;
  }
  // The statement the error is in (or the last one, for an error at the end of the text).
  const cursor = result.rejection.cursor;
  const at = cursor === null ? -1 : first.start + offsetOfCodePoint(batch, cursor);
  let failing = hi - 1;
  if (at >= 0) for (let k = lo; k < hi; k++) if (spans[k].end >= at) { failing = k; break; }
  out[failing] = parseSpan(index, spans[failing]);
  if (!out[failing].error) {
    // Not where the batch said: be exact, one call per statement.
    for (let k = lo; k < hi; k++) if (k !== failing) out[k] = parseSpan(index, spans[k]);
    return;
  }
  parseRun(index, spans, lo, failing, out);
  parseRun(index, spans, failing + 1, hi, out);
}

/** A statement from a batch parse: its node with locations rebased to the statement's own text. */
function fromRaw(index: TextIndex, span: StatementSpan, raw: RawStmt, shift: number): ParsedStatement {
  return statementOf(index, span.index, span.start, span.end, span.gapStart, span.startByte, raw, shift);
}

function statementOf(
  index: TextIndex,
  at: number,
  start: number,
  end: number,
  gapStart: number,
  startByte: number,
  raw: RawStmt,
  shift: number,
): ParsedStatement {
  const node = raw.stmt ?? null;
  if (node && shift > 0) rebase(node, shift);
  let kind: string | null = null;
  if (node) for (const key in node) { kind = key; break; }
  // The same property order as a spread span (tests compare statements as JSON).
  return { index: at, start, end, gapStart, startByte, unscannable: false, text: index.text.slice(start, end), node, kind, error: null };
}

/**
 * Makes locations relative to a statement `shift` bytes into the parsed text: every `%d` offset field
 * libpg-query's JSON writer has (`location`, `name_location`, `stmt_location`, `list_start`, `list_end`,
 * `rexpr_list_start`, `rexpr_list_end`). A location that becomes 0 is removed, as the parser leaves out
 * zero-valued fields (so the tree equals a per-statement parse).
 */
function rebase(record: Record<string, unknown>, shift: number): void {
  for (const key in record) {
    const child = record[key];
    if (typeof child === "object") {
      if (child === null) continue;
      if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) {
          const item = child[i];
          if (typeof item === "object" && item !== null) rebase(item as Record<string, unknown>, shift);
        }
      } else rebase(child as Record<string, unknown>, shift);
    } else if (typeof child === "number" && child >= 0 && isLocationKey(key)) {
      if (child === shift) delete record[key];
      else record[key] = child - shift;
    }
  }
}

function isLocationKey(key: string): boolean {
  return key === "location" || key === "stmt_location" || key === "name_location" || key === "list_start" || key === "list_end" ||
    key === "rexpr_list_start" || key === "rexpr_list_end";
}

/**
 * Text the fast path leaves to the scanner path, to give exactly what it gives: a lone UTF-16 surrogate
 * (the parser's UTF-8 encoding of it is not byte-exact with TextIndex's), and control characters the
 * scanner's JSON output does not escape (the scanner then fails, and that part becomes unscannable).
 */
const SCANNER_DECIDES = /[\u0001-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The fast path parses a big file in pieces of about this many UTF-16 units (one huge call is slower). */
const CHUNK = 256 * 1024;

/**
 * The fast path: one parser call for the whole file (a big file: one per ~256 KB piece), spans from
 * `stmt_location`/`stmt_len`. Returns null when the file does not parse, or anything about it is unusual
 * (then the scanner path decides): the spans here are exactly the scanner's.
 *
 * A piece ends after a line that ends in `;`. Its cut is a statement boundary when the piece parses and
 * its last statement ends in `;` with only space and comments after it: a token spanning the cut (a
 * string, dollar quote, comment or quoted identifier over lines) would leave the piece unterminated.
 */
function parseWhole(index: TextIndex): ParsedStatement[] | null {
  const { text } = index;
  // BEGIN ATOMIC bodies: the scanner's splitting follows its own rule there; let it decide.
  if (/atomic/i.test(text) || SCANNER_DECIDES.test(text)) return null;
  const statements: ParsedStatement[] = [];
  let previousEnd = 0;
  let pieceStart = 0;
  while (pieceStart < text.length) {
    let cut = cutAfter(text, pieceStart + CHUNK);
    let raws: RawStmt[] | null = null;
    for (let attempt = 0; raws === null; attempt++) {
      const piece = text.slice(pieceStart, cut);
      const result = parseStatementText(piece);
      if ("stmts" in result && (cut === text.length || endsAtBoundary(piece, result.stmts as RawStmt[]))) raws = result.stmts as RawStmt[];
      else if (cut === text.length) return null;
      else cut = attempt < 2 ? cutAfter(text, cut + CHUNK) : text.length;
    }
    const pieceByte = index.byteOfOffset(pieceStart);
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i];
      const localByte = raw.stmt_location ?? 0;
      const startByte = pieceByte + localByte;
      const lengthBytes = raw.stmt_len ?? 0;
      const start = index.offsetOfByte(startByte);
      const gapStart = gapBefore(text, previousEnd, start);
      if (gapStart < 0) return null;
      let end: number;
      if (lengthBytes > 0) {
        end = index.offsetOfByte(startByte + lengthBytes);
        if (text.charCodeAt(end) !== 59) return null;
        end++; // through its `;`
      } else {
        // A last statement without `;` ends at its last token (not at a comment after it).
        if (i !== raws.length - 1 || cut !== text.length) return null;
        const tokens = scanTokens(text.slice(start));
        if ("error" in tokens) return null;
        let last = -1;
        for (const t of tokens) if (t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT") last = t.end;
        if (last <= 0) return null;
        end = index.offsetOfByte(startByte + last);
      }
      statements.push(statementOf(index, statements.length, start, end, gapStart, startByte, raw, localByte));
      previousEnd = end;
    }
    pieceStart = cut;
  }
  // What follows the last statement is only space, comments and `;`.
  if (gapBefore(text, previousEnd, text.length) < 0) return null;
  return statements;
}

/** The end of the first line at or after `from` that ends in `;` (the text's end when there is none). */
function cutAfter(text: string, from: number): number {
  if (from >= text.length) return text.length;
  const lineEnd = /;[ \t\r]*\n/g;
  lineEnd.lastIndex = from;
  const match = lineEnd.exec(text);
  return match ? match.index + match[0].length : text.length;
}

/** True when a parsed piece ends with a statement closed by `;`, then only space, comments and `;`. */
function endsAtBoundary(piece: string, raws: readonly RawStmt[]): boolean {
  if (raws.length === 0) return gapBefore(piece, 0, piece.length) >= 0;
  const last = raws[raws.length - 1];
  if (!last.stmt_len) return false;
  const index = new TextIndex(piece);
  const end = index.offsetOfByte((last.stmt_location ?? 0) + last.stmt_len);
  return piece.charCodeAt(end) === 59 && gapBefore(piece, end + 1, piece.length) >= 0;
}

/**
 * Where the comment gap before a statement starting at `to` begins, given the previous statement's end
 * `from`: after the last stray `;` between them, as the scanner splits. -1 when the text between is
 * not only whitespace, comments and `;` (then the caller falls back to the scanner).
 */
function gapBefore(text: string, from: number, to: number): number {
  let gapStart = from;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else if (c === 59) gapStart = ++i;
    else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      while (i < to && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let depth = 0;
      while (i < to) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          i += 2;
          if (--depth === 0) break;
        } else i++;
      }
      if (depth !== 0) return -1;
    } else return -1;
  }
  return i === to ? gapStart : -1;
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
