/**
 * Runs the rules over a migrations folder and returns findings as data. Rules never throw at the
 * user: a rule that crashes becomes an internal-error finding, so one bug never hides the rest.
 */
import { collectMigrations, type ListedFile, migrationChecksum, rollbackPathFor } from "../migrations/index.ts";
import { loadParser, parseSql, type TextIndex } from "../sql/index.ts";
import { rules as registeredRules } from "./registry.ts";
import { buildSchemaModel } from "./schema-model.ts";
import type { Finding, LintFile, LintProject, Range, Report, Rule, Severity, SeveritySetting } from "./types.ts";

export interface LintInput {
  /** The migrations folder as reported, e.g. `scripts`. */
  readonly dir: string;
  /** The folder's listing, paths relative to it (`001_x.sql`, `rollback/001_x.sql`). */
  readonly listing: readonly ListedFile[];
  readonly deployed?: ReadonlyMap<string, string> | null;
  readonly placeholders?: Readonly<Record<string, string>> | null;
  /** Rule id → severity override (`off` silences it). */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** Rules to run (default: the registry). */
  readonly rules?: readonly Rule[];
}

export interface LintResult {
  /** Migrations linted. */
  readonly files: number;
  readonly findings: Finding[];
}

/** Lints a whole migrations folder. */
export async function lintProject(input: LintInput): Promise<LintResult> {
  await loadParser();
  const project = await buildProject(input);
  const findings = runRules(project, input.rules ?? registeredRules, input.severities ?? {});
  return { files: project.files.length, findings };
}

/** Parses and checksums every migration of a listing into the project the rules see. */
export async function buildProject(input: LintInput): Promise<LintProject> {
  await loadParser();
  const folder = collectMigrations(input.dir, input.listing);
  const files: LintFile[] = [];
  for (const [order, migration] of folder.migrations.entries()) {
    files.push({
      path: migration.path,
      name: migration.name,
      text: migration.sql,
      parsed: parseSql(migration.sql),
      rollback: migration.rollback,
      rollbackPath: rollbackPathFor(migration.path),
      order,
      checksum: await migrationChecksum(migration.sql),
    });
  }
  return {
    dir: input.dir,
    files,
    invalidNames: folder.invalidNames,
    deployed: input.deployed ?? null,
    placeholders: input.placeholders ?? null,
    schema: buildSchemaModel(),
  };
}

/** Runs rules over a built project; findings come sorted by file order, line, column, rule. */
export function runRules(
  project: LintProject,
  rules: readonly Rule[],
  severities: Readonly<Record<string, SeveritySetting>>,
): Finding[] {
  const findings: Finding[] = [];
  const indexOf = new Map(project.files.map((f) => [f.path, f.parsed.index]));
  for (const rule of rules) {
    const setting = severities[rule.id] ?? rule.defaultSeverity;
    if (setting === "off") continue;
    const emit = (path: string, index: TextIndex | undefined, report: Report) =>
      findings.push(toFinding(rule.id, setting, path, index, report));
    for (const file of project.files) {
      if (!rule.checkFile) break;
      guard(rule, file.path, emit, () => rule.checkFile!({ file, project, report: (r) => emit(file.path, file.parsed.index, r) }));
    }
    if (rule.checkProject) {
      guard(rule, project.dir, emit, () => rule.checkProject!({ project, report: (path, r) => emit(path, indexOf.get(path), r) }));
    }
  }
  const fileOrder = new Map(project.files.map((f, i) => [f.path, i]));
  return findings.sort((a, b) =>
    (fileOrder.get(a.file) ?? -1) - (fileOrder.get(b.file) ?? -1) || a.file.localeCompare(b.file) ||
    a.range.line - b.range.line || a.range.column - b.range.column || a.rule.localeCompare(b.rule)
  );
}

function guard(
  rule: Rule,
  path: string,
  emit: (path: string, index: TextIndex | undefined, report: Report) => void,
  run: () => void,
): void {
  try {
    run();
  } catch (error) {
    emit(path, undefined, {
      at: { range: { line: 1, column: 1, endLine: 1, endColumn: 1 } },
      message: `internal error in rule ${rule.id}: ${error instanceof Error ? error.message : String(error)}`,
      help: "This is a supamigrate bug; please report it with the file that triggers it. Other rules still ran.",
    });
  }
}

function toFinding(rule: string, severity: Severity, path: string, index: TextIndex | undefined, report: Report): Finding {
  const range: Range = "range" in report.at
    ? report.at.range
    : index
    ? rangeOf(index, report.at.start, report.at.end)
    : { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return {
    file: path,
    range,
    rule,
    severity,
    message: report.message,
    ...(report.help ? { help: report.help } : {}),
    ...(report.fixes?.length ? { fixes: report.fixes } : {}),
    ...(report.related?.length ? { related: report.related } : {}),
  };
}

/** The range of a UTF-16 offset span in an indexed text. */
export function rangeOf(index: TextIndex, start: number, end: number): Range {
  const from = index.positionAt(start);
  const to = index.positionAt(Math.max(start, end));
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}
