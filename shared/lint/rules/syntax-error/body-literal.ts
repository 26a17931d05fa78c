/**
 * Where a function body or DO block sits in its statement's text: the string literal after `AS` (or after
 * DO), and how an offset into the body's value maps back to the text. A dollar-quoted body is verbatim; a
 * single-quoted one has each `'` doubled; an escape string (`E'…'`) or a Unicode one (`U&'…'`) maps every
 * offset to the literal's start (its escapes make the mapping more than the finding's position is worth).
 */
import { sqlTokens } from "../../../sql/names.ts";

export interface BodyLiteral {
  /** UTF-16 offsets of the whole literal (quotes or tags included) in the statement's text. */
  readonly start: number;
  readonly end: number;
  /** The text offset of an offset into the body's value. */
  offsetOf(bodyOffset: number): number;
}

/**
 * The string literal that is the body: the first one at or after `from` (the `AS` keyword of CREATE FUNCTION,
 * the literal itself for DO), whose value is `body`. Null when the text does not scan or holds no such literal.
 */
export function bodyLiteral(text: string, from: number, body: string): BodyLiteral | null {
  const token = sqlTokens(text).find((t) => t.start >= from && /^(?:\$|'|[eE]'|[uU]&')/.test(t.text));
  if (!token) return null;
  const { start, end } = token;
  const raw = token.text;
  const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(raw)?.[0];
  if (tag) {
    const contentStart = start + tag.length;
    if (raw.slice(tag.length, raw.length - tag.length) !== body) return null;
    return { start, end, offsetOf: (at) => contentStart + at };
  }
  if (raw.startsWith("'") && raw.slice(1, -1).replaceAll("''", "'") === body) {
    return { start, end, offsetOf: (at) => start + 1 + rawOffset(raw, at) };
  }
  return { start, end, offsetOf: () => start };
}

/** The offset in a single-quoted literal's content (after its opening quote) of offset `at` in its value. */
function rawOffset(literal: string, at: number): number {
  let raw = 0;
  for (let value = 0; value < at; value++) raw += literal[1 + raw] === "'" ? 2 : 1;
  return raw;
}
