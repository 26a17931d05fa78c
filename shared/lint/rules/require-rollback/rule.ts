import { type ParsedStatement, splitStatements, TextIndex } from "../../../sql/index.ts";
import { createdObjectKeys } from "../../../sql/names.ts";
import type { Fix, LintFile, Rule } from "../../types.ts";
import { type Destructive, destructiveChange } from "./destructive.ts";

export const rule: Rule = {
  id: "require-rollback",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "a destructive change (DROP, TRUNCATE, unfiltered DELETE/UPDATE, column type change, rename) with no rollback file",
  checkFile({ file, report }) {
    // A rollback of only comments (a skeleton never filled in) undoes nothing: it counts as missing.
    const emptyRollback = file.rollback !== null && splitStatements(new TextIndex(file.rollback)).length === 0;
    if (file.rollback !== null && !emptyRollback) return;
    const { statements } = file.parsed;
    const found: Array<{ statement: ParsedStatement; change: Destructive }> = [];
    // Object key → index of the last statement in the file that creates it (built once, on first need).
    let lastCreate: Map<string, number> | null = null;
    statements.forEach((statement, i) => {
      if (!statement.node) return;
      const change = destructiveChange(statement.node, (key) => {
        lastCreate ??= lastCreates(statements);
        return (lastCreate.get(key) ?? -1) > i;
      });
      if (change) found.push({ statement, change });
    });
    if (found.length === 0) return;
    const fix: Fix = { title: `Create ${file.rollbackPath}`, createFile: { path: file.rollbackPath, text: skeleton(file, found) } };
    for (const { statement, change } of found) {
      const lineEnd = file.text.indexOf("\n", statement.start);
      const at = { start: statement.start, end: lineEnd < 0 ? statement.end : Math.min(statement.end, lineEnd) };
      report(emptyRollback
        ? {
          at,
          // An error: `supamigrate rollback` refuses this file, so the rollback the guideline asks for does not exist.
          severity: "error",
          message: `${change.what} is destructive, and its rollback file (${file.rollbackPath}) has no statement to run: it would undo nothing`,
          help: `Write the statements that undo it into ${file.rollbackPath}, last change first ("Include rollback scripts for destructive changes").`,
        }
        : {
          at,
          message: `${change.what} is destructive, and this migration has no rollback file (${file.rollbackPath})`,
          help: `Write ${file.rollbackPath} to undo it ("Include rollback scripts for destructive changes"); ` +
            "the quick fix creates a skeleton with what each destructive statement needs.",
          fixes: [fix],
        });
    }
  },
};

function lastCreates(statements: readonly ParsedStatement[]): Map<string, number> {
  const last = new Map<string, number>();
  statements.forEach((s, i) => {
    for (const key of createdObjectKeys(s.node)) last.set(key, i);
  });
  return last;
}

/** The rollback skeleton: each destructive statement, last first, with its inverse or a TODO. */
function skeleton(file: LintFile, found: ReadonlyArray<{ statement: ParsedStatement; change: Destructive }>): string {
  const lines = [
    `-- rollback/${file.name}`,
    `-- Undoes ${file.name}. Skeleton written by supamigrate: replace every TODO, then test it on staging.`,
    "-- TODO: also undo what the migration creates or changes besides the statements below, last change first.",
  ];
  for (const { statement, change } of [...found].reverse()) {
    const line = file.parsed.index.positionAt(statement.start).line;
    const text = statement.text.replace(/\s+/g, " ");
    lines.push("", `-- line ${line}: ${text.length > 100 ? `${text.slice(0, 99)}…` : text}`, ...change.undo);
  }
  return `${lines.join("\n")}\n`;
}
