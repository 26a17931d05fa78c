/**
 * Runs the rules over a migrations folder and returns findings as data. Rules never throw at the
 * user: a rule that crashes becomes an internal-error finding, so one bug never hides the rest.
 */
import { collectMigrations, type ListedFile, migrationChecksum, rollbackPathFor } from "../migrations/index.ts";
import { loadParser, type ParsedSql, TextIndex } from "../sql/index.ts";
import { reparseSql } from "./incremental-parse.ts";
import { configurableRuleIds } from "./config.ts";
import { rules as registeredRules } from "./registry.ts";
import { buildSchemaModel } from "./schema-model.ts";
import { applySuppressions, UNUSED_IGNORE } from "./suppression.ts";
import type { Finding, LintFile, LintProject, Range, Report, Rule, Severity, SeveritySetting } from "./types.ts";

/** A listed file; `decodeError` says why its bytes are not UTF-8 text (see decode.ts), and then it is not parsed. */
export interface LintListedFile extends ListedFile {
  readonly decodeError?: string | null;
}

export interface LintInput {
  /** The migrations folder as reported, e.g. `scripts`. */
  readonly dir: string;
  /** The folder's listing, paths relative to it (`001_x.sql`, `rollback/001_x.sql`). */
  readonly listing: readonly LintListedFile[];
  readonly deployed?: ReadonlyMap<string, string> | null;
  readonly placeholders?: Readonly<Record<string, string>> | null;
  /** Rule id → severity override (`off` silences it); `unused-ignore` too. */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** Rules to run (default: the registry). */
  readonly rules?: readonly Rule[];
}

export interface LintResult {
  /** Migrations linted. */
  readonly files: number;
  readonly findings: Finding[];
  /** The project the rules saw (for callers that want the schema model or the files). */
  readonly project: LintProject;
}

/** Parsed files kept between runs (the editor's session), by path; reused while their text is unchanged. */
export type ProjectCache = Map<string, LintFile>;

/** Lints a whole migrations folder: rules, then suppression comments, sorted findings. */
export async function lintProject(input: LintInput, cache?: ProjectCache): Promise<LintResult> {
  await loadParser();
  const project = await buildProject(input, cache);
  const rules = input.rules ?? registeredRules;
  const severities = input.severities ?? {};
  const raw = [...runRules(project, rules, severities), ...undecodableRollbacks(input, severities)];
  const active = new Set(rules.filter((r) => severities[r.id] !== "off").map((r) => r.id));
  const unusedSetting = severities[UNUSED_IGNORE] ?? "warning";
  const findings = applySuppressions(raw, project.files, { knownRules: configurableRuleIds, activeRules: active, severity: unusedSetting });
  return { files: project.files.length, findings: sortFindings(project, findings), project };
}

/** Parses and checksums every migration of a listing into the project the rules see. */
export async function buildProject(input: LintInput, cache?: ProjectCache): Promise<LintProject> {
  await loadParser();
  const folder = collectMigrations(input.dir, input.listing);
  const decodeErrors = new Map<string, string>();
  for (const item of input.listing) if (item.decodeError) decodeErrors.set(item.relativePath, item.decodeError);
  const files: LintFile[] = [];
  for (const [order, migration] of folder.migrations.entries()) {
    const cached = cache?.get(migration.path);
    const decodeError = decodeErrors.get(migration.name) ?? null;
    let file: LintFile;
    if (cached && cached.text === migration.sql && !decodeError) {
      file = cached.order === order && cached.rollback === migration.rollback ? cached : { ...cached, order, rollback: migration.rollback };
    } else {
      file = {
        path: migration.path,
        name: migration.name,
        text: migration.sql,
        parsed: decodeError ? unparsed(decodeError) : reparseSql(migration.sql, cached?.parsed ?? null),
        rollback: migration.rollback,
        rollbackPath: rollbackPathFor(migration.path),
        order,
        checksum: await migrationChecksum(migration.sql),
      };
    }
    cache?.set(file.path, file);
    files.push(file);
  }
  return {
    dir: input.dir,
    files,
    invalidNames: folder.invalidNames,
    deployed: input.deployed ?? null,
    placeholders: input.placeholders ?? null,
    schema: buildSchemaModel(files),
  };
}

/** A file that is not text gets no statements, only its decode error (reported by syntax-error at 1:1). */
function unparsed(message: string): ParsedSql {
  const index = new TextIndex("");
  return { index, statements: [], errors: [{ message, offset: 0, position: { line: 1, column: 1 }, statementIndex: 0 }] };
}

/** A rollback file that is not UTF-8 cannot run either: syntax-error on the rollback's path. */
function undecodableRollbacks(input: LintInput, severities: Readonly<Record<string, SeveritySetting>>): Finding[] {
  const setting = severities["syntax-error"] ?? "error";
  if (setting === "off") return [];
  const prefix = input.dir.replace(/\/+$/, "");
  return input.listing.filter((item) => item.decodeError && item.relativePath.startsWith("rollback/") && item.relativePath.toLowerCase().endsWith(".sql"))
    .map((item) => ({
      file: prefix ? `${prefix}/${item.relativePath}` : item.relativePath,
      range: { line: 1, column: 1, endLine: 1, endColumn: 1 },
      rule: "syntax-error",
      severity: setting,
      message: item.decodeError!,
    }));
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
    const override = severities[rule.id];
    if (override === "off") continue;
    const emit = (path: string, index: TextIndex | undefined, report: Report) =>
      findings.push(toFinding(rule.id, override ?? report.severity ?? rule.defaultSeverity, path, index, report));
    for (const file of project.files) {
      if (!rule.checkFile) break;
      guard(rule, file.path, emit, () => rule.checkFile!({ file, project, report: (r) => emit(file.path, file.parsed.index, r) }));
    }
    if (rule.checkProject) {
      guard(rule, project.dir, emit, () => rule.checkProject!({ project, report: (path, r) => emit(path, indexOf.get(path), r) }));
    }
  }
  return sortFindings(project, findings);
}

/** Sorts findings by file (contract order, a rollback after its migration, then other paths), line, column, rule. */
export function sortFindings(project: LintProject, findings: Finding[]): Finding[] {
  const fileOrder = new Map<string, number>();
  project.files.forEach((f, i) => fileOrder.set(f.path, i).set(f.rollbackPath, i + 0.5));
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
