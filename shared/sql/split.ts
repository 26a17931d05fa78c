/**
 * Splits a migration into statements with the real PostgreSQL scanner, so that `;` inside strings,
 * dollar quotes, comments and BEGIN ATOMIC bodies never ends a statement, and one broken statement
 * does not hide the others.
 */
import { type ScanToken, scanTokens } from "./parser.ts";
import { TextIndex } from "./positions.ts";

/** A statement's place in its file. Offsets are UTF-16 code units into the file's text. */
export interface StatementSpan {
  /** 0-based position of the statement in the file. */
  readonly index: number;
  /** From the statement's first token (comments before it excluded) through its `;`, if any. */
  readonly start: number;
  readonly end: number;
  /** Where the gap before the statement begins (end of the previous statement, or 0): holds its comments. */
  readonly gapStart: number;
  /** UTF-8 byte offset of `start` in the file; the parser's AST locations are relative to it. */
  readonly startByte: number;
  /** True when the scanner could not tokenize this part of the file (an unterminated string, say). */
  readonly unscannable: boolean;
}

const COMMENT_TOKENS = new Set(["SQL_COMMENT", "C_COMMENT"]);

/** Splits `index.text` into statement spans (empty statements such as a stray `;` are dropped). */
export function splitStatements(index: TextIndex): StatementSpan[] {
  const { text } = index;
  const scanned = scanTokens(text);
  if (!("error" in scanned)) return spansFromTokens(index, scanned);
  // The scanner failed somewhere (it does not say where). Find the last line boundary before which
  // the text still scans, split that part normally, and keep the rest as one unscannable statement.
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  let lo = 0; // lineStarts[lo] scans (the empty prefix always does)
  let hi = lineStarts.length; // a prefix through the end of the text does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ("error" in scanTokens(text.slice(0, lineStarts[mid]))) hi = mid;
    else lo = mid;
  }
  const cut = lineStarts[lo];
  const prefixTokens = scanTokens(text.slice(0, cut));
  const spans = "error" in prefixTokens ? [] : spansFromTokens(index, prefixTokens);
  // A statement still open at the cut continues into the broken tail: merge them.
  const open = spans.length > 0 && !endsWithSemicolon(text, spans[spans.length - 1]) ? spans.pop()! : null;
  const gapStart = open ? open.gapStart : spans.length ? spans[spans.length - 1].end : 0;
  const tailStart = open ? open.start : firstNonSpace(text, cut);
  if (tailStart < text.length) {
    spans.push({
      index: spans.length,
      start: tailStart,
      end: trimEnd(text, text.length),
      gapStart,
      startByte: index.byteOfOffset(tailStart),
      unscannable: true,
    });
  }
  return spans;
}

function spansFromTokens(index: TextIndex, tokens: readonly ScanToken[]): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let first: ScanToken | null = null;
  let last: ScanToken | null = null;
  let gapStart = 0;
  let atomicDepth = 0;
  let previousWord = "";
  const close = (endToken: ScanToken) => {
    if (first) {
      const start = index.offsetOfByte(first.start);
      spans.push({
        index: spans.length,
        start,
        end: index.offsetOfByte(endToken.end),
        gapStart,
        startByte: first.start,
        unscannable: false,
      });
      gapStart = index.offsetOfByte(endToken.end);
    }
    first = null;
    atomicDepth = 0;
  };
  for (const token of tokens) {
    if (COMMENT_TOKENS.has(token.tokenName)) continue;
    const word = token.keywordKind !== 0 ? wordOf(index, token) : "";
    if (token.tokenName === "ASCII_59" && atomicDepth === 0) {
      if (first) close(token);
      else gapStart = index.offsetOfByte(token.end);
      previousWord = "";
      continue;
    }
    first ??= token;
    last = token;
    // BEGIN ATOMIC … END bodies (SQL-standard function bodies) contain `;` that do not end the statement.
    if (word === "atomic" && previousWord === "begin") atomicDepth = 1;
    else if (atomicDepth > 0 && word === "case") atomicDepth++;
    else if (atomicDepth > 0 && word === "end") atomicDepth--;
    previousWord = word;
  }
  if (first && last) close(last);
  return spans;
}

function wordOf(index: TextIndex, token: ScanToken): string {
  const length = token.end - token.start;
  if (length < 3 || length > 6) return "";
  return index.text.slice(index.offsetOfByte(token.start), index.offsetOfByte(token.end)).toLowerCase();
}

function endsWithSemicolon(text: string, span: StatementSpan): boolean {
  return text.charCodeAt(span.end - 1) === 59;
}

function firstNonSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && /\s/.test(text[at])) at++;
  return at;
}

function trimEnd(text: string, to: number): number {
  let at = to;
  while (at > 0 && /\s/.test(text[at - 1])) at--;
  return at;
}
