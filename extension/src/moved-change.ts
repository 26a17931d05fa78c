/**
 * "Move my change into a new migration": what an edit to a deployed file changed, line by line, and the
 * new migration that holds it. The diff is the longest common subsequence of lines (after the common
 * head and tail are set aside): a line of the edited file outside it was added or changed, a line of the
 * deployed file outside it was removed. Compared as the checksum reads files (BOM removed, CRLF as LF).
 * No `vscode` here (moved-change.test.ts).
 */
import { normalizeForChecksum } from "../../shared/migrations/index.ts";

export interface ChangedLine {
  /** 1-based line in its file (the edited file for added lines, the deployed one for removed lines). */
  readonly line: number;
  readonly text: string;
}

export interface LineChanges {
  /** Lines of the edited file that the deployed file does not have there: added or changed. */
  readonly added: readonly ChangedLine[];
  /** Lines of the deployed file the edited file no longer has. */
  readonly removed: readonly ChangedLine[];
}

/** Above this many cells (middle lines × middle lines) the LCS table is not built: the whole middle counts as changed. */
const MAX_CELLS = 4_000_000;

export function changedLines(deployed: string, edited: string): LineChanges {
  const before = normalizeForChecksum(deployed).split("\n");
  const after = normalizeForChecksum(edited).split("\n");
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const keptA = new Set<number>();
  const keptB = new Set<number>();
  if (a.length * b.length <= MAX_CELLS) {
    // lcs[i][j]: the LCS length of a[i..] and b[j..], in one flat table.
    const width = b.length + 1;
    const lcs = new Uint32Array((a.length + 1) * width);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
      }
    }
    for (let i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] === b[j]) {
        keptA.add(i++);
        keptB.add(j++);
      } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) i++;
      else j++;
    }
  }
  const outside = (lines: string[], kept: Set<number>) =>
    lines.flatMap((text, i) => (kept.has(i) ? [] : [{ line: head + i + 1, text }]))
      .filter((l) => !(l.text === "" && l.line === head + lines.length && tail === 0)); // the empty piece after a final newline
  return { added: outside(b, keptB), removed: outside(a, keptA) };
}

/**
 * The new migration's text: a header naming where the change came from, the added or changed lines in
 * their order, and each removed line as a comment (a removal has to be written as SQL by hand).
 */
export function movedMigrationText(fileName: string, from: string, changes: LineChanges): string {
  const lines = [
    `-- ${fileName}`,
    `-- Moved from ${from}, which was edited after it was deployed (${from} is restored to its deployed text).`,
    "-- These are the lines that edit added or changed, as they were: check that they run on their own",
    "-- (a column added inside a CREATE TABLE must become ALTER TABLE … ADD COLUMN IF NOT EXISTS here).",
    ...(changes.removed.length
      ? ["-- The edit also removed these lines; write what undoes them (a DROP, an ALTER) yourself:", ...changes.removed.map((l) => `--   ${from}:${l.line}: ${l.text}`)]
      : []),
    "",
    ...changes.added.map((l) => l.text),
  ];
  return `${lines.join("\n")}\n`;
}
