/**
 * Runs the rules over a migrations folder and returns findings as data. Rules never throw at the
 * user: a rule that crashes becomes an internal-error finding, so one bug never hides the rest.
 */
import { collectMigrations, type ListedFile } from "../migrations/index.ts";
import { loadParser, type ParsedSql, spanRange, TextIndex } from "../sql/index.ts";
import { parseMigrations } from "../schema/migrations.ts";
import { reparseSql } from "./incremental-parse.ts";
import { configurableRuleIds } from "./config.ts";
import { rules as registeredRules } from "./registry.ts";
import { buildSchemaModel } from "../schema/model.ts";
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
  readonly applied?: ReadonlyMap<string, string> | null;
  /** Deployed text of drifted files (name → SQL as applied), where known: see LintProject.deployedSql. */
  readonly deployedSql?: ReadonlyMap<string, string> | null;
  readonly placeholders?: Readonly<Record<string, string>> | null;
  /** Rule id → severity override (`off` silences it); `unused-ignore` too. */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** Rules to run (default: the registry). */
  readonly rules?: readonly Rule[];
  /**
   * Debug/benchmark hook: called with each phase's wall time in ms (`parse`, `schema`, `rule:<id>`,
   * `suppressions`, `sort`). Costs nothing when absent.
   */
  readonly onTiming?: (phase: string, ms: number) => void;
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
  const timing = input.onTiming;
  const project = await buildProject(input, cache);
  const rules = input.rules ?? registeredRules;
  const severities = input.severities ?? {};
  const raw = runRules(project, rules, severities, timing);
  // A loop, not push(...array): a spread passes every element as an argument, and a big array overflows the stack.
  for (const finding of undecodableRollbacks(input, severities)) raw.push(finding);
  const active = new Set(rules.filter((r) => ruleSetting(r, severities) !== "off").map((r) => r.id));
  const unusedSetting = severities[UNUSED_IGNORE] ?? "warning";
  let t = timing ? performance.now() : 0;
  const findings = applySuppressions(raw, project.files, { knownRules: configurableRuleIds, activeRules: active, severity: unusedSetting });
  if (timing) {
    timing("suppressions", performance.now() - t);
    t = performance.now();
  }
  const sorted = sortFindings(project, findings);
  timing?.("sort", performance.now() - t);
  return { files: project.files.length, findings: sorted, project };
}

/** Parses every migration of a listing into the project the rules see (checksummed when there is deployed state to compare with). */
export async function buildProject(input: LintInput, cache?: ProjectCache): Promise<LintProject> {
  const folder = collectMigrations(input.dir, input.listing);
  const decodeErrors = new Map<string, string>();
  for (const item of input.listing) if (item.decodeError) decodeErrors.set(item.relativePath, item.decodeError);
  const timing = input.onTiming;
  const started = timing ? performance.now() : 0;
  const files = await parseMigrations(folder, {
    checksums: input.applied != null,
    reuse: (migration) => {
      const cached = cache?.get(migration.path);
      return cached && cached.text === migration.sql && !decodeErrors.has(migration.name) ? cached : null;
    },
    parse: (migration) => {
      const decodeError = decodeErrors.get(migration.name);
      return decodeError ? unparsed(decodeError) : reparseSql(migration.sql, cache?.get(migration.path)?.parsed ?? null);
    },
  });
  for (const file of files) cache?.set(file.path, file);
  const parsed = timing ? performance.now() : 0;
  timing?.("parse", parsed - started);
  const schema = buildSchemaModel(files);
  timing?.("schema", performance.now() - parsed);
  return {
    dir: input.dir,
    files,
    invalidNames: folder.invalidNames,
    applied: input.applied ?? null,
    deployedSql: input.deployedSql ?? null,
    placeholders: input.placeholders ?? null,
    schema,
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

/**
 * Statements the schema model could not read (a supamigrate bug, see SchemaModel.unreadable): reported by
 * unknown-reference, the rule whose answers the missing objects can make wrong.
 */
function unreadableStatements(project: LintProject, severities: Readonly<Record<string, SeveritySetting>>): Finding[] {
  const setting = severities["unknown-reference"] ?? "error";
  if (setting === "off") return [];
  const indexOf = new Map(project.files.map((f) => [f.path, f.parsed.index]));
  return project.schema.unreadable.map((u) => ({
    file: u.path,
    range: spanRange(indexOf.get(u.path)!, u.start, u.end),
    rule: "unknown-reference",
    severity: setting,
    message: `internal error while reading this statement into the schema model (${u.error}): what it creates is unknown to ` +
      "unknown-reference and conflicting-definition, which may report references to it wrongly",
    help: "This is a supamigrate bug; please report it with the file that triggers it. Other rules still ran.",
  }));
}

/** Runs rules over a built project; findings in the order the rules reported them (lintProject sorts them once, after suppressions). */
export function runRules(
  project: LintProject,
  rules: readonly Rule[],
  severities: Readonly<Record<string, SeveritySetting>>,
  onTiming?: (phase: string, ms: number) => void,
): Finding[] {
  const findings: Finding[] = [];
  let indexOf: Map<string, TextIndex> | null = null;
  for (const rule of rules) {
    const override = ruleSetting(rule, severities);
    if (override === "off") continue;
    const started = onTiming ? performance.now() : 0;
    const emit = (path: string, index: TextIndex | undefined, report: Report) =>
      findings.push(toFinding(rule.id, override ?? report.severity ?? rule.defaultSeverity, path, index, report));
    if (rule.checkFile) {
      for (const file of project.files) {
        if (rule.fileLocal) {
          for (const report of fileReports(rule, file, project, emit)) emit(file.path, file.parsed.index, report);
        } else {
          guard(rule, file.path, emit, () => rule.checkFile!({ file, project, report: (r) => emit(file.path, file.parsed.index, r) }));
        }
      }
    }
    if (rule.checkProject) {
      indexOf ??= new Map(project.files.map((f) => [f.path, f.parsed.index]));
      const indexes = indexOf;
      guard(rule, project.dir, emit, () => rule.checkProject!({ project, report: (path, r) => emit(path, indexes.get(path), r) }));
    }
    onTiming?.(`rule:${rule.id}`, performance.now() - started);
  }
  for (const finding of unreadableStatements(project, severities)) findings.push(finding);
  return findings;
}

/** A rule's configured setting: its own entry, else `off` for an opt-in rule (types.ts `optIn`), else none (its default). */
export function ruleSetting(rule: Rule, severities: Readonly<Record<string, SeveritySetting>>): SeveritySetting | undefined {
  return severities[rule.id] ?? (rule.optIn ? "off" : undefined);
}

/** A file-local rule's reports on one file, and what they depended on. */
interface CachedReports {
  readonly text: string;
  readonly name: string;
  readonly rollback: string | null;
  readonly rollbackPath: string;
  readonly reports: readonly Report[];
}

/** Reports of file-local rules by parse (reused while the file's text is unchanged) and rule. */
const localReports = new WeakMap<ParsedSql, Map<Rule, CachedReports>>();

/**
 * A file-local rule's reports on a file: from the cache when the file is unchanged, else by running it
 * (a crash becomes an internal-error finding, emitted directly and not cached).
 */
function fileReports(
  rule: Rule,
  file: LintFile,
  project: LintProject,
  emit: (path: string, index: TextIndex | undefined, report: Report) => void,
): readonly Report[] {
  let byRule = localReports.get(file.parsed);
  const cached = byRule?.get(rule);
  if (cached && cached.text === file.text && cached.name === file.name && cached.rollback === file.rollback && cached.rollbackPath === file.rollbackPath) {
    return cached.reports;
  }
  const reports: Report[] = [];
  let crashed = false;
  guard(rule, file.path, (path, index, report) => {
    crashed = true;
    emit(path, index, report);
  }, () => rule.checkFile!({ file, project, report: (r) => reports.push(r) }));
  if (crashed) return reports;
  if (!byRule) localReports.set(file.parsed, byRule = new Map());
  byRule.set(rule, { text: file.text, name: file.name, rollback: file.rollback, rollbackPath: file.rollbackPath, reports });
  return reports;
}

/** Sorts findings by file (contract order, a rollback after its migration, then other paths), line, column, rule. */
export function sortFindings(project: LintProject, findings: Finding[]): Finding[] {
  const fileOrder = new Map<string, number>();
  project.files.forEach((f, i) => fileOrder.set(f.path, i).set(f.rollbackPath, i + 0.5));
  return findings.sort((a, b) =>
    (fileOrder.get(a.file) ?? -1) - (fileOrder.get(b.file) ?? -1) || (a.file === b.file ? 0 : a.file.localeCompare(b.file)) ||
    a.range.line - b.range.line || a.range.column - b.range.column || (a.rule === b.rule ? 0 : a.rule.localeCompare(b.rule))
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
    ? spanRange(index, report.at.start, report.at.end)
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
