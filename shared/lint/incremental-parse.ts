/**
 * Re-parsing a file after an edit: the scanner splits the new text (cheap), and only statements whose
 * text changed go through the parser again; the others reuse the previous parse tree (the same node
 * objects, so caches keyed by node — fingerprints — keep hitting). The result equals `parseSql(text)`
 * (a test checks it), so the editor's session sees exactly what the CLI sees.
 */
import { parseSpan, parseSql, type ParsedSql, type ParsedStatement } from "../sql/index.ts";
import { TextIndex } from "../sql/positions.ts";
import { type StatementSpan, splitStatements } from "../sql/split.ts";

type Tree = { readonly node: Record<string, unknown> | null; readonly kind: string | null };

/** Parses `text`, reusing `previous`'s trees for statements whose text is unchanged. */
export function reparseSql(text: string, previous: ParsedSql | null): ParsedSql {
  if (!previous || text.includes("\u0000") || previous.statements.length === 0) return parseSql(text);
  return spliced(text, previous) ?? rescanned(text, previous);
}

/** Whole-file rescan; unchanged statements keep their trees. */
function rescanned(text: string, previous: ParsedSql): ParsedSql {
  const trees = treesOf(previous.statements);
  const index = new TextIndex(text);
  return assemble(index, splitStatements(index).map((span) => parsed(index, span, trees)));
}

/**
 * Rescans only the edited region: from the end of the statement before the edit through the first
 * `;` that ended a statement after it. Statements outside keep their trees and shift. When the region
 * does not end on a statement boundary (an unclosed quote swallowed the rest), falls back to a rescan.
 */
function spliced(text: string, previous: ParsedSql): ParsedSql | null {
  const old = previous.index.text;
  const statements = previous.statements;
  let prefix = 0;
  const max = Math.min(old.length, text.length);
  while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const changeEnd = old.length - suffix;
  const delta = text.length - old.length;
  let first = statements.findIndex((s) => s.end >= prefix);
  if (first < 0) first = statements.length;
  // The region must start where a statement ended with `;` (the scanner's initial state).
  while (first > 0 && old.charCodeAt(statements[first - 1].end - 1) !== 59) first--;
  const regionStart = first === 0 ? 0 : statements[first - 1].end;
  let last = statements.findIndex((s) => s.end > changeEnd);
  if (last < 0) last = statements.length;
  const oldRegionEnd = last < statements.length ? statements[last].end : old.length;
  const regionEnd = oldRegionEnd + delta;
  if (regionEnd < regionStart || statements.some((s) => s.unscannable)) return null;
  const regionText = text.slice(regionStart, regionEnd);
  const regionSpans = splitStatements(new TextIndex(regionText));
  if (regionSpans.some((s) => s.unscannable)) return null;
  if (regionEnd < text.length) {
    const tail = regionSpans[regionSpans.length - 1];
    if (!tail || tail.end !== regionText.length || regionText.charCodeAt(regionText.length - 1) !== 59) return null;
    // Inside an unclosed BEGIN ATOMIC body a `;` does not end the statement: only a full rescan can tell.
    if (/atomic/i.test(regionText.slice(tail.start))) return null;
  }
  const index = new TextIndex(text);
  const trees = treesOf(statements.slice(first, last + 1));
  const result: ParsedStatement[] = statements.slice(0, first);
  for (const span of regionSpans) {
    const start = regionStart + span.start;
    const shifted = { ...span, index: result.length, start, end: regionStart + span.end, gapStart: regionStart + span.gapStart, startByte: index.byteOfOffset(start) };
    result.push(parsed(index, shifted, trees));
  }
  for (const s of statements.slice(last + 1)) {
    const start = s.start + delta;
    const moved = { ...s, index: result.length, start, end: s.end + delta, gapStart: s.gapStart + delta, startByte: index.byteOfOffset(start) };
    result.push(s.error ? parsed(index, moved, new Map()) : moved);
  }
  return assemble(index, result);
}

function treesOf(statements: readonly ParsedStatement[]): Map<string, Tree> {
  const trees = new Map<string, Tree>();
  for (const s of statements) if (!s.error) trees.set(s.text, { node: s.node, kind: s.kind });
  return trees;
}

/** A statement's parse: the previous tree when its text is unchanged, else the parser's (with its error). */
function parsed(index: TextIndex, span: StatementSpan, trees: ReadonlyMap<string, Tree>): ParsedStatement {
  const statementText = index.text.slice(span.start, span.end);
  const tree = trees.get(statementText);
  return tree ? { ...span, text: statementText, node: tree.node, kind: tree.kind, error: null } : parseSpan(index, span);
}

function assemble(index: TextIndex, statements: ParsedStatement[]): ParsedSql {
  return { index, statements, errors: statements.flatMap((s) => (s.error ? [s.error] : [])) };
}
