/**
 * TextEdits for quick fixes: data the CLI prints and the extension applies through VS Code.
 * Offsets are UTF-16 offsets into the finding's file; `applyEdits` is the pure reference applier
 * the tests use to check that a fix silences its rule.
 */
import type { StatementSpan } from "../sql/index.ts";
import { spanRange, TextIndex } from "../sql/index.ts";
import type { TextEdit } from "./types.ts";

/** Inserts `text` at a UTF-16 offset. */
export function insertAt(index: TextIndex, offset: number, text: string): TextEdit {
  return { range: spanRange(index, offset, offset), newText: text };
}

/** Replaces the span `[start, end)` with `text` (deletes it when `text` is empty). */
export function replaceSpan(index: TextIndex, start: number, end: number, text: string): TextEdit {
  return { range: spanRange(index, start, end), newText: text };
}

/** The whitespace before `offset` on its line, or "" when something else precedes it there. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : "";
}

/**
 * Inserts `line` on its own line just before the code at `offset` (a statement's first token),
 * at that code's indentation; the code keeps its place and indentation.
 */
export function insertLineBefore(index: TextIndex, offset: number, line: string): TextEdit {
  return insertAt(index, offset, `${line}\n${indentationAt(index.text, offset)}`);
}

/**
 * Inserts `line` on a new line after a statement, at the statement's indentation (adding the
 * statement's missing `;` first).
 */
export function insertLineAfter(index: TextIndex, statement: StatementSpan, line: string): TextEdit {
  const terminated = index.text.charCodeAt(statement.end - 1) === 59; // ';'
  const indent = indentationAt(index.text, statement.start);
  return insertAt(index, statement.end, `${terminated ? "" : ";"}\n${indent}${line}`);
}

/**
 * Deletes a statement. When it is alone on its line(s), the whole lines go (with their newline);
 * otherwise only the statement and the spaces after it.
 */
export function deleteStatement(index: TextIndex, statement: StatementSpan): TextEdit {
  const { text } = index;
  const lineStart = text.lastIndexOf("\n", statement.start - 1) + 1;
  let after = statement.end;
  while (after < text.length && (text[after] === " " || text[after] === "\t")) after++;
  const aloneBefore = /^[ \t]*$/.test(text.slice(lineStart, statement.start));
  const aloneAfter = after === text.length || text[after] === "\n" || text.startsWith("\r\n", after);
  if (aloneBefore && aloneAfter) {
    const end = after === text.length ? after : after + (text[after] === "\r" ? 2 : 1);
    return replaceSpan(index, lineStart, end, "");
  }
  return replaceSpan(index, statement.start, after, "");
}

/** Applies non-overlapping edits to a text (as an editor would): the reference for tests. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new TextIndex(text);
  const spans = edits
    .map((edit) => ({
      start: index.offsetAt({ line: edit.range.line, column: edit.range.column }),
      end: index.offsetAt({ line: edit.range.endLine, column: edit.range.endColumn }),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let limit = Infinity;
  for (const span of spans) {
    if (span.end > limit) throw new Error("applyEdits: overlapping edits");
    result = result.slice(0, span.start) + span.newText + result.slice(span.end);
    limit = span.start;
  }
  return result;
}

/** SQL keywords in the statement's own case: upper case when its first keyword is not lower case. */
export function keywordCase(statementText: string): (keywords: string) => string {
  const first = /^[A-Za-z_]+/.exec(statementText)?.[0] ?? "";
  const lower = first === first.toLowerCase();
  return (keywords) => (lower ? keywords.toLowerCase() : keywords.toUpperCase());
}
