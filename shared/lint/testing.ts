/**
 * Test helpers for rules, in pairs (as squawk's lint_ok / lint_errors): each fails on the opposite
 * result, so no rule test passes by accident. Library code (no node: imports): it throws Error.
 */
import { lintProject, type LintInput } from "./engine.ts";
import type { Finding, SeveritySetting } from "./types.ts";

export interface LintFixtureOptions {
  readonly applied?: ReadonlyMap<string, string> | null;
  readonly deployedSql?: ReadonlyMap<string, string> | null;
  readonly placeholders?: Readonly<Record<string, string>> | null;
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
}

/**
 * Lints a folder given as `{ "001_x.sql": "…", "rollback/001_x.sql": "…" }` (reported as `scripts/…`)
 * and returns every finding.
 */
export async function lintFixture(files: Readonly<Record<string, string>>, options: LintFixtureOptions = {}): Promise<Finding[]> {
  const input: LintInput = {
    dir: "scripts",
    listing: Object.entries(files).map(([relativePath, text]) => ({ relativePath, text })),
    ...options,
  };
  return (await lintProject(input)).findings;
}

/** The findings of one rule; throws when there are none. */
export async function lintErrors(rule: string, files: Readonly<Record<string, string>>, options?: LintFixtureOptions): Promise<Finding[]> {
  const found = (await lintFixture(files, options)).filter((f) => f.rule === rule);
  if (found.length === 0) throw new Error(`expected ${rule} to report, but it found nothing in ${Object.keys(files).join(", ")}`);
  return found;
}

/** Throws when the rule reports anything. */
export async function lintOk(rule: string, files: Readonly<Record<string, string>>, options?: LintFixtureOptions): Promise<void> {
  const found = (await lintFixture(files, options)).filter((f) => f.rule === rule);
  if (found.length > 0) {
    const lines = found.map((f) => `  ${f.file}:${f.range.line}:${f.range.column} ${f.message}`).join("\n");
    throw new Error(`expected ${rule} to stay silent, but it reported:\n${lines}`);
  }
}
