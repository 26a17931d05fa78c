/**
 * ALTER TABLE statements as several rules read them: their commands (AlterTableCmd nodes, in the order
 * written), where each command sits in the statement's text, and columns a file adds.
 */
import { type AstNode, nodeFields, sqlTokens } from "../sql/names.ts";
import { relationKey } from "../schema/names.ts";
import type { LintFile } from "./types.ts";

export interface AlterTable {
  /** The statement's RangeVar. */
  readonly relation: unknown;
  /** The AlterTableCmd nodes' fields, in the order written. */
  readonly cmds: readonly AstNode[];
  /** True for ALTER TABLE IF EXISTS. */
  readonly missingOk: boolean;
}

/** An ALTER TABLE (of a table, not a view or index) statement's parts; null for any other statement. */
export function alterTable(node: unknown): AlterTable | null {
  const alter = nodeFields(node, "AlterTableStmt");
  if (!alter || alter.objtype !== "OBJECT_TABLE" || !Array.isArray(alter.cmds)) return null;
  const cmds: AstNode[] = [];
  for (const cmd of alter.cmds) {
    const c = nodeFields(cmd, "AlterTableCmd");
    if (c) cmds.push(c);
  }
  return { relation: alter.relation, cmds, missingOk: alter.missing_ok === true };
}

/**
 * A command's span by its position (UTF-16 offsets into `text`), the split (commandSpans) made on first
 * use; the text's first line when the split does not give `count` commands.
 */
export function commandSpanOf(text: string, count: number): (command: number) => { start: number; end: number } {
  let spans: ReturnType<typeof commandSpans> | undefined;
  return (command) => {
    if (spans === undefined) spans = commandSpans(text, count);
    const span = spans?.[command];
    if (span) return span;
    const lineEnd = text.indexOf("\n");
    return { start: 0, end: lineEnd < 0 ? text.length : lineEnd };
  };
}

/**
 * Each command's span in the statement's text (UTF-16 offsets into `text`), split at the commas outside
 * parentheses: the first command's span starts at the statement's first token (`alter table t add …`),
 * a later one's at its own first token. Null when the split does not give `count` commands.
 */
export function commandSpans(text: string, count: number): Array<{ start: number; end: number }> | null {
  const tokens = sqlTokens(text);
  if (tokens.length === 0) return null;
  const spans: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let first = 0;
  let last = tokens.length - 1;
  if (tokens[last].text === ";") last--;
  for (let i = 0; i <= last; i++) {
    const t = tokens[i].text;
    if (t === "(" || t === "[") depth++;
    else if (t === ")" || t === "]") depth--;
    else if (t === "," && depth === 0) {
      if (i > first) spans.push({ start: tokens[first].start, end: tokens[i - 1].end });
      first = i + 1;
    }
  }
  if (first <= last) spans.push({ start: tokens[first].start, end: tokens[last].end });
  return spans.length === count ? spans : null;
}

/**
 * True when a statement of `file` before `statementIndex` adds `column` to the table `key` (ALTER TABLE
 * … ADD COLUMN): the column is new, filled with its default or NULL.
 */
export function columnAddedInFile(file: LintFile, statementIndex: number, key: string, column: string): boolean {
  const { statements } = file.parsed;
  for (let i = 0; i < statementIndex && i < statements.length; i++) {
    const alter = statements[i].kind === "AlterTableStmt" ? alterTable(statements[i].node) : null;
    if (!alter || relationKey(alter.relation) !== key) continue;
    for (const cmd of alter.cmds) {
      if (cmd.subtype === "AT_AddColumn" && nodeFields(cmd.def, "ColumnDef")?.colname === column) return true;
    }
  }
  return false;
}
