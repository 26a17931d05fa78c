import { breakingChanges } from "../../../schema/breaking/analyze.ts";
import type { BreakingChange } from "../../../schema/breaking/types.ts";
import { findIgnores, type IgnoreDirective } from "../../suppression.ts";
import type { ProjectContext, Rule } from "../../types.ts";

const ID = "breaking-change";

export const rule: Rule = {
  id: ID,
  defaultSeverity: "warning",
  summary: "a change that breaks clients of the schema: a table, column, view or function dropped or renamed, a column type or " +
    "function result changed, NOT NULL added, a policy dropped, row level security disabled, a privilege revoked",
  // One analysis of the whole folder (the pending files are one batch), reported on each file.
  checkProject(context) {
    const { project } = context;
    const applied = project.applied;
    if (!applied) {
      // Deploy state unknown: every file against the files before it; most are probably applied, so this only informs.
      for (const change of breakingChanges({ files: project.files, schema: project.schema, pending: null })) report(context, change, "info");
      return;
    }
    const pending = new Set(project.files.filter((f) => !applied.has(f.name)).map((f) => f.name));
    for (const change of breakingChanges({ files: project.files, schema: project.schema, pending })) {
      report(context, change, change.level === "break" ? "warning" : "info");
    }
    documentedInApplied(context, pending);
  },
};

function report({ report }: ProjectContext, change: BreakingChange, severity: "warning" | "info"): void {
  report(change.file, { at: { range: change.range }, message: change.message, help: change.hint, severity });
}

/**
 * An applied file's breaks are not reported (they have happened), but an ignore comment that documented
 * one must stay in use: unused, it would be reported, and deleting it would edit a deployed file
 * (no-edit-after-deploy). So the breaks an ignore covers in an applied file are reported — for the
 * suppression to remove.
 */
function documentedInApplied(context: ProjectContext, pending: ReadonlySet<string>): void {
  const { project } = context;
  const scopes = new Map<string, IgnoreDirective[]>();
  for (const file of project.files) {
    if (pending.has(file.name)) continue;
    const ignores = findIgnores(file).filter((d) => d.rule === ID);
    if (ignores.length) scopes.set(file.path, ignores);
  }
  if (scopes.size === 0) return;
  for (const change of breakingChanges({ files: project.files, schema: project.schema, pending: null })) {
    const ignores = scopes.get(change.file);
    if (ignores?.some((d) => covers(d.scope, change))) report(context, change, "info");
  }
}

function covers(scope: IgnoreDirective["scope"], change: BreakingChange): boolean {
  if (scope.kind === "file") return true;
  if (scope.kind === "none") return false;
  const { line, column } = change.range;
  const afterStart = line > scope.from.line || (line === scope.from.line && column >= scope.from.column);
  const beforeEnd = line < scope.to.line || (line === scope.to.line && column <= scope.to.column);
  return afterStart && beforeEnd;
}
