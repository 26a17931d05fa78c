/**
 * Suppression comments: `-- supamigrate-ignore <rule-id>[, <rule-id>…]` on the line(s) right before a
 * statement silences those rules' findings that start inside the statement; in the comment block at
 * the top of a file, separated from the first statement by a blank line (or in a file with no
 * statements), it silences them for the whole file. A reason may follow after ` -- `.
 * An ignore that silences nothing, or names an unknown rule, is itself reported as `unused-ignore`.
 */
import type { ParsedStatement, Position } from "../sql/index.ts";
import { spanRange } from "../sql/index.ts";
import type { Finding, LintFile, Severity } from "./types.ts";

export const UNUSED_IGNORE = "unused-ignore";

/** One rule id named by an ignore comment. */
export interface IgnoreDirective {
  readonly rule: string;
  /** Where the id is written (UTF-16 offsets in the file). */
  readonly start: number;
  readonly end: number;
  /** `file`, a statement's span, or `none` when no statement follows the comment. */
  readonly scope: { readonly kind: "file" } | { readonly kind: "statement"; readonly from: Position; readonly to: Position } | {
    readonly kind: "none";
  };
}

const IGNORE = /--[ \t]*supamigrate-ignore\b([^\n]*)/g;

/** Every ignore directive in a file, with its scope. */
export function findIgnores(file: LintFile): IgnoreDirective[] {
  const { text, parsed } = file;
  const directives: IgnoreDirective[] = [];
  if (!text.includes("supamigrate-ignore")) return directives;
  const statements = parsed.statements;
  const gaps: Array<{ from: number; to: number; statement: ParsedStatement | null }> = statements
    .map((s) => ({ from: s.gapStart, to: s.start, statement: s }));
  const tail = statements.length ? statements[statements.length - 1].end : 0;
  gaps.push({ from: tail, to: text.length, statement: null });
  for (const gap of gaps) {
    const gapText = text.slice(gap.from, gap.to);
    if (!gapText.includes("supamigrate-ignore")) continue;
    for (const match of gapText.matchAll(IGNORE)) {
      const at = gap.from + match.index!;
      const lineEnd = at + match[0].length;
      let scope: IgnoreDirective["scope"];
      if (!gap.statement) scope = statements.length === 0 ? { kind: "file" } : { kind: "none" };
      else if (gap.statement.index === 0 && /\n[ \t\r]*\n/.test(text.slice(lineEnd, gap.statement.start))) scope = { kind: "file" };
      else {
        scope = {
          kind: "statement",
          from: parsed.index.positionAt(gap.statement.start),
          to: parsed.index.positionAt(gap.statement.end),
        };
      }
      const argsStart = at + match[0].length - match[1].length;
      for (const id of ruleIdsIn(match[1])) {
        directives.push({ rule: id.text, start: argsStart + id.offset, end: argsStart + id.offset + id.text.length, scope });
      }
    }
  }
  return directives;
}

function ruleIdsIn(args: string): Array<{ text: string; offset: number }> {
  const ids: Array<{ text: string; offset: number }> = [];
  for (const token of args.matchAll(/[^\s,]+/g)) {
    if (token[0] === "--" || token[0].startsWith("--")) break;
    ids.push({ text: token[0], offset: token.index! });
  }
  return ids;
}

export interface SuppressionOptions {
  /** Every rule id there is (an ignore naming anything else is reported). */
  readonly knownRules: ReadonlySet<string>;
  /** Rules that ran and are not off (an ignore for a rule that did not run is not "unused"). */
  readonly activeRules: ReadonlySet<string>;
  /** The unused-ignore finding's severity, or off. */
  readonly severity: Severity | "off";
}

/** Drops suppressed findings and adds one `unused-ignore` finding per ignore that silenced nothing. */
export function applySuppressions(findings: readonly Finding[], files: readonly LintFile[], options: SuppressionOptions): Finding[] {
  const byPath = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byPath.get(f.file);
    if (list) list.push(f);
    else byPath.set(f.file, [f]);
  }
  const suppressed = new Set<Finding>();
  const extra: Finding[] = [];
  for (const file of files) {
    const directives = findIgnores(file);
    if (directives.length === 0) continue;
    const own = byRule(byPath.get(file.path) ?? []);
    // Rules a file-wide ignore has silenced: a second one covers the same findings, marked once.
    const fileWide = new Set<string>();
    for (const d of directives) {
      const list = own.get(d.rule) ?? [];
      const covered = d.scope.kind === "file" ? list : d.scope.kind === "statement" ? between(list, d.scope.from, d.scope.to) : [];
      if (d.scope.kind !== "file" || !fileWide.has(d.rule)) for (const f of covered) suppressed.add(f);
      if (d.scope.kind === "file") fileWide.add(d.rule);
      if (covered.length > 0 || options.severity === "off") continue;
      const problem = unusedReason(d, options);
      if (problem) extra.push(unusedFinding(file, d, problem, options.severity));
    }
  }
  return [...findings.filter((f) => !suppressed.has(f)), ...extra];
}

/**
 * A file's findings by rule, each list sorted by start: an ignore then finds its statement's findings by
 * binary search (scanning all of the file's findings for each ignore was quadratic: 40,000 ignored
 * statements took 100 s).
 */
function byRule(findings: readonly Finding[]): Map<string, Finding[]> {
  const lists = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = lists.get(f.rule);
    if (list) list.push(f);
    else lists.set(f.rule, [f]);
  }
  for (const list of lists.values()) list.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return lists;
}

/** The findings of a list sorted by start that start in [from, to] (a statement's span, both ends included). */
function between(list: readonly Finding[], from: Position, to: Position): readonly Finding[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startsBefore(list[mid].range, from)) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < list.length && !startsBefore(to, list[end].range)) end++;
  return list.slice(lo, end);
}

/** True when position `a` comes strictly before position `b` (lines, then columns). */
function startsBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function unusedReason(d: IgnoreDirective, options: SuppressionOptions): string | null {
  if (!options.knownRules.has(d.rule)) {
    const near = [...options.knownRules].find((id) => id.startsWith(d.rule.slice(0, 4)));
    return `"${d.rule}" is not a supamigrate rule id${near ? ` (did you mean "${near}"?)` : ""}; fix the id or remove the ignore`;
  }
  if (!options.activeRules.has(d.rule)) return null;
  if (d.scope.kind === "none") return `this ignore for ${d.rule} is not followed by a statement; put it on the line before the statement, or remove it`;
  const where = d.scope.kind === "file" ? "in this file" : "in the statement after it";
  return `this ignore for ${d.rule} suppresses nothing: ${d.rule} reports nothing ${where}; remove the ignore`;
}

function unusedFinding(file: LintFile, d: IgnoreDirective, message: string, severity: Severity): Finding {
  return {
    file: file.path,
    range: spanRange(file.parsed.index, d.start, d.end),
    rule: UNUSED_IGNORE,
    severity,
    message,
    help: "An ignore comment that silences nothing hides nothing but may hide the next real problem; delete it.",
  };
}
