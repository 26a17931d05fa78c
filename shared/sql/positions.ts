/**
 * Positions in a text. The parser reports UTF-8 byte offsets (token and AST locations) and code-point
 * offsets (error cursors); editors and the contract use 1-based lines and columns in UTF-16 code
 * units. A TextIndex converts between them in O(log n) per lookup after one O(n) pass.
 */

/** A 1-based line and column; the column counts UTF-16 code units, as VS Code does. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A span of a file: 1-based lines, columns in UTF-16 code units (as VS Code counts), end exclusive. */
export interface Range {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export class TextIndex {
  readonly text: string;
  /** UTF-16 offset where each line starts. */
  private readonly lineStarts: number[];
  /** Byte offset of each UTF-16 offset (only built for non-ASCII text; ASCII maps 1:1). */
  private readonly byteAt: Uint32Array | null;

  constructor(text: string) {
    this.text = text;
    this.lineStarts = [0];
    // indexOf finds each newline natively: far cheaper than a loop over every character.
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
    // deno-lint-ignore no-control-regex
    this.byteAt = /^[\u0000-\u007f]*$/.test(text) ? null : buildByteMap(text);
  }

  /** 1-based line/column of a UTF-16 offset (clamped into the text). */
  positionAt(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.lineStarts[lo] + 1 };
  }

  /** UTF-16 offset of a 1-based line/column. */
  offsetAt(position: Position): number {
    const start = this.lineStarts[Math.max(0, Math.min(position.line - 1, this.lineStarts.length - 1))];
    return Math.min(this.text.length, start + position.column - 1);
  }

  /** UTF-16 offset of a UTF-8 byte offset into the whole text. */
  offsetOfByte(byteOffset: number): number {
    if (!this.byteAt) return Math.min(byteOffset, this.text.length);
    // The first UTF-16 offset at or after the byte (a surrogate pair's two halves share one byte offset).
    let lo = 0;
    let hi = this.text.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.byteAt[mid] < byteOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** UTF-8 byte offset of a UTF-16 offset. */
  byteOfOffset(offset: number): number {
    return this.byteAt ? this.byteAt[Math.max(0, Math.min(offset, this.text.length))] : offset;
  }

  /** Number of lines (a trailing newline starts an empty last line). */
  get lineCount(): number {
    return this.lineStarts.length;
  }
}

function buildByteMap(text: string): Uint32Array {
  const map = new Uint32Array(text.length + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = bytes;
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        map[++i] = bytes; // the low surrogate sits inside the same 4-byte sequence
        bytes += 4;
        continue;
      }
      bytes += 3;
    } else bytes += 3;
  }
  map[text.length] = bytes;
  return map;
}

/** UTF-16 offset, within `text`, of a 0-based code-point offset (how the parser reports error cursors). */
export function offsetOfCodePoint(text: string, codePoint: number): number {
  let offset = 0;
  for (let seen = 0; seen < codePoint && offset < text.length; seen++) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < text.length ? 2 : 1;
  }
  return offset;
}

/** The range of a UTF-16 offset span in an indexed text (findings, edits and schema places alike). */
export function spanRange(index: TextIndex, start: number, end: number): Range {
  const from = index.positionAt(start);
  const to = index.positionAt(Math.max(start, end));
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}
