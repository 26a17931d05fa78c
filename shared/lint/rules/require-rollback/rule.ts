import { type ParsedStatement, splitStatements, TextIndex } from "../../../sql/index.ts";
import { type AstNode, createdObjectKeys, nodeFields, relationName } from "../../../sql/names.ts";
import { positionOf } from "../../../schema/model.ts";
import { findMarkers, generateRollback } from "../../../schema/rollback/generate.ts";
import { dropTargets, removedBefore } from "../../../schema/rollback/objects.ts";
import type { FileContext, Fix, LintFile, LintProject, Rule } from "../../types.ts";
import { constraintKey, type Destructive, destructiveChange } from "./destructive.ts";

export const rule: Rule = {
  id: "require-rollback",
  defaultSeverity: "warning",
  summary: "a destructive change (DROP, TRUNCATE, unfiltered DELETE/UPDATE, column type change, rename) with no rollback file, " +
    "and a rollback line still marked as needing a hand-written inverse",
  // Not file-local: "already removed by an earlier migration" and the generated rollback read the migrations before the file.
  checkFile(context) {
    checkDestructive(context);
  },
  checkProject({ project, report }) {
    for (const file of project.files) {
      if (file.rollback === null) continue;
      for (const marker of findMarkers(file.rollback)) {
        report(file.rollbackPath, {
          at: { range: { line: marker.line, column: marker.column, endLine: marker.line, endColumn: marker.endColumn } },
          severity: "error",
          message: `rollback of ${marker.what ?? "a statement"} is not written yet`,
          help: "Write the statements that undo it here, then delete this marker line (\"Include rollback scripts for destructive changes\").",
        });
      }
    }
  },
};

function checkDestructive({ file, project, report }: FileContext): void {
  // A rollback of only comments (a skeleton never filled in) undoes nothing: it counts as missing.
  const emptyRollback = file.rollback !== null && splitStatements(new TextIndex(file.rollback)).length === 0;
  if (file.rollback !== null && !emptyRollback) return;
  const { statements } = file.parsed;
  const found: Array<{ statement: ParsedStatement; change: Destructive }> = [];
  // Object key → index of the last statement in the file that creates it (built once, on first need).
  let lastCreate: Map<string, number> | null = null;
  statements.forEach((statement, i) => {
    if (!statement.node) return;
    const change = destructiveChange(statement.node, {
      recreatedLater: (key) => {
        lastCreate ??= lastCreates(statements);
        return (lastCreate.get(key) ?? -1) > i;
      },
      removedEarlier: (drop: AstNode) => {
        const position = positionOf(file.order, statement.index);
        const targets = dropTargets(drop);
        return targets.length > 0 && targets.every((target) => removedBefore(project.schema, target, position));
      },
    });
    if (change) found.push({ statement, change });
  });
  if (found.length === 0) return;
  let fix: Fix | null = null;
  for (const { statement, change } of found) {
    const lineEnd = file.text.indexOf("\n", statement.start);
    const at = { start: statement.start, end: lineEnd < 0 ? statement.end : Math.min(statement.end, lineEnd) };
    if (emptyRollback) {
      report({
        at,
        // An error: `supamigrate rollback` refuses this file, so the rollback the guideline asks for does not exist.
        severity: "error",
        message: `${change.what} is destructive, and its rollback file (${file.rollbackPath}) has no statement to run: it would undo nothing`,
        help: `Write the statements that undo it into ${file.rollbackPath}, last change first ("Include rollback scripts for destructive changes"); ` +
          `supamigrate rollback --generate ${file.path} --force writes what can be derived.`,
      });
      continue;
    }
    // The generated rollback (one per file, shared by its findings): what can be derived, and a marker for the rest.
    fix ??= { title: `Create ${file.rollbackPath}`, createFile: generatedFile(file, project) };
    report({
      at,
      message: `${change.what} is destructive, and this migration has no rollback file (${file.rollbackPath})`,
      help: `Write ${file.rollbackPath} to undo it ("Include rollback scripts for destructive changes"); ` +
        "the quick fix (or supamigrate rollback --generate) writes the inverse of every statement it can derive and marks the rest.",
      fixes: [fix],
    });
  }
}

/**
 * The rollback file to create. Its text is generated when first read (the editor reads it when the quick
 * fix is chosen; JSON output reads it at once): the editor re-lints on every keystroke, and a folder of
 * migrations without rollbacks would otherwise derive every one of them each time.
 */
function generatedFile(file: LintFile, project: LintProject): { readonly path: string; readonly text: string } {
  let text: string | null = null;
  return {
    path: file.rollbackPath,
    get text() {
      return text ??= generateRollback(file, project.files, project.schema).text;
    },
  };
}

/** Keys of what each statement creates (as createdObjectKeys names them, plus publications and named constraints) → its last index. */
function lastCreates(statements: readonly ParsedStatement[]): Map<string, number> {
  const last = new Map<string, number>();
  statements.forEach((s, i) => {
    for (const key of createdObjectKeys(s.node)) last.set(key, i);
    const publication = nodeFields(s.node, "CreatePublicationStmt")?.pubname;
    if (typeof publication === "string") last.set(`publication:${publication}`, i);
    const alter = nodeFields(s.node, "AlterTableStmt");
    if (alter && Array.isArray(alter.cmds)) {
      for (const cmd of alter.cmds) {
        const name = nodeFields(nodeFields(cmd, "AlterTableCmd")?.def, "Constraint")?.conname;
        if (nodeFields(cmd, "AlterTableCmd")?.subtype === "AT_AddConstraint" && typeof name === "string") {
          last.set(constraintKey(relationName(alter.relation), name), i);
        }
      }
    }
  });
  return last;
}
