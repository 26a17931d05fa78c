/**
 * `supamigrate baseline`: record the files up to --to (default: all) as applied without running them,
 * after comparing what they declare with the live database. Refuses when a file's objects are missing
 * (409 baseline-mismatch) or the tracking table already has rows (409 already-tracked), unless --force.
 * Exit 0 recorded (or dry run clean), 1 mismatch (refused or dry run), 2 usage/other refusal.
 */
import type { Command } from "commander";
import { FunctionCallError, type FunctionClient } from "../../shared/client/index.ts";
import type { BaselineFileReport, BaselineRequest, BaselineResponse } from "../../shared/protocol/adoption.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { runMeta } from "../meta.ts";
import { UsageError } from "../output/errors.ts";
import { checkTarget, collectSet } from "../options.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";

export interface BaselineOptions {
  readonly dir: string;
  readonly to: string | null;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly placeholders?: Record<string, string>;
  readonly out: (line: string) => void;
}

/** One line per file: ok / mismatch problems / unchecked / tracked. */
export function reportLines(files: readonly BaselineFileReport[]): string[] {
  const lines: string[] = [];
  for (const f of files) {
    if (f.status === "ok") lines.push(`ok        ${f.name} (${f.checked} object${f.checked === 1 ? "" : "s"} found)`);
    else if (f.status === "unchecked") lines.push(`unchecked ${f.name} declares nothing checkable (data changes only, or objects a later file replaced): not compared`);
    else if (f.status === "tracked") lines.push(`tracked   ${f.name} is already in the tracking table: left as is`);
    else for (const problem of f.problems) lines.push(`MISMATCH  ${f.name}: ${problem}`);
  }
  return lines;
}

export async function baseline(client: FunctionClient, options: BaselineOptions): Promise<0 | 1> {
  const folder = await readFolderOrFail(options.dir);
  const names = folder.migrations.map((m) => m.name);
  checkTarget(options.to, names, options.dir);
  if (names.length === 0) throw new UsageError(`no migrations in ${options.dir}/ to baseline.`);
  const request: BaselineRequest = {
    migrations: migrationPayloads(folder.migrations),
    dryRun: options.dryRun,
    to: options.to,
    placeholders: options.placeholders ?? {},
    meta: runMeta(),
    force: options.force,
  };
  let response: BaselineResponse;
  try {
    response = await client.baseline(request);
  } catch (error) {
    if (error instanceof FunctionCallError && error.code === "baseline-mismatch") {
      const files = (error.details as { files?: BaselineFileReport[] } | undefined)?.files ?? [];
      for (const line of reportLines(files)) options.out(line);
      options.out(`Baseline refused: ${files.filter((f) => f.status === "mismatch").length} file(s) do not match the database; nothing was recorded. Fix the database, or pass --force to record them anyway.`);
      return 1;
    }
    throw error;
  }
  for (const line of reportLines(response.files)) options.out(line);
  if (response.dryRun) {
    options.out(response.mismatched.length > 0
      ? `Dry run: ${response.mismatched.length} file(s) do not match the database; baseline would refuse without --force.`
      : `Dry run: ${response.files.filter((f) => f.status !== "tracked").length} file(s) would be recorded as applied.`);
    return response.mismatched.length > 0 ? 1 : 0;
  }
  options.out(`Baselined ${response.recorded.length} file(s) as applied without running them${response.forced && response.mismatched.length > 0 ? ` (forced despite ${response.mismatched.length} mismatch(es))` : ""}.`);
  return 0;
}

export function register(program: Command): void {
  withTargetOptions(program.command("baseline"))
    .description("adopt an existing database: record the files already run by hand as applied, without running them")
    .option("--dir <dir>", DIR_HELP)
    .option("--to <name>", "record files up to this one (inclusive); default: all")
    .option("--dry-run", "only compare the files with the database", false)
    .option("--force", "record despite mismatches or an already-used tracking table", false)
    .option("--set <name=value>", "a placeholder value for stored rollbacks (repeatable)", collectSet, {})
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; to?: string; dryRun: boolean; force: boolean; set: Record<string, string> }) => {
      process.exitCode = await runWithTarget("baseline", flags, false, async (client) =>
        baseline(client, {
          dir: (await openProject(flags.dir)).dir,
          to: flags.to ?? null,
          dryRun: flags.dryRun,
          force: flags.force,
          placeholders: flags.set,
          out: (line) => process.stdout.write(`${line}\n`),
        }));
    });
}
