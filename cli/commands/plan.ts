/**
 * `supamigrate plan [--dry-run] [--format text|json|markdown]`: the deployment report for the pending
 * files (shared/plan/): the seed's checklist — rollbacks, backups, breaking changes, RLS, placeholders,
 * drift — and with `--dry-run` (write scope: it runs the files and rolls them back) each file's locks,
 * rewrites and rollback round trip. Markdown is for `$GITHUB_STEP_SUMMARY` and pull request comments.
 * Exit 0 when ready to apply, 1 when something stands in the way, 2 usage, 3 not authorized.
 */
import { type Command, Option } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import { runMeta } from "../meta.ts";
import { collectSet } from "../options.ts";
import { DIR_HELP, openProject, readListingOrFail } from "../project.ts";
import { gatherPlan } from "../../shared/plan/report.ts";
import { renderMarkdown, renderText } from "../../shared/plan/render.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";
import { readApplyRequest } from "./apply.ts";

const PLAN_FORMATS = ["text", "json", "markdown"] as const;
type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanOptions {
  readonly dir: string;
  readonly rules: Readonly<Record<string, "off" | "info" | "warning" | "error">>;
  readonly to: string | null;
  readonly placeholders: Record<string, string>;
  readonly dryRun: boolean;
  readonly format: PlanFormat;
  readonly target: string;
  readonly out?: NodeJS.WritableStream;
}

export async function plan(client: FunctionClient, options: PlanOptions): Promise<0 | 1> {
  const { request } = await readApplyRequest({ dir: options.dir, dryRun: false, to: options.to, placeholders: options.placeholders, meta: runMeta() });
  const applied = new Map((await client.status()).applied.map((row) => [row.name, row.checksum]));
  const { listing } = await readListingOrFail(options.dir);
  const { lintProject } = await import("../../shared/lint/engine.ts");
  const linted = await lintProject({ dir: options.dir, listing, applied, placeholders: options.placeholders, severities: options.rules });
  const report = await gatherPlan({ client, target: options.target, request, findings: linted.findings, files: linted.project.files, dryRun: options.dryRun });
  const out = options.out ?? process.stdout;
  if (options.format === "json") out.write(`${JSON.stringify(report)}\n`);
  else if (options.format === "markdown") out.write(renderMarkdown(report));
  else out.write(`${renderText(report).join("\n")}\n`);
  return report.ready ? 0 : 1;
}

export function register(program: Command): void {
  withTargetOptions(program.command("plan"))
    .description("the deployment report for the pending files: the seed's checklist, with --dry-run their locks and rollback round trips")
    .option("--dir <dir>", DIR_HELP)
    .option("--to <name>", "plan up to this file (inclusive)")
    .option("--set <name=value>", "a placeholder value (repeatable)", collectSet, {})
    .option("--dry-run", "also run the pending files and roll them back: each file's locks, rewrites and rollback round trip (write scope)", false)
    .addOption(new Option("--format <format>", "output format").choices(PLAN_FORMATS).default("text"))
    .action(async (flags: { url?: string; dbUrl?: string; target?: string; dir?: string; to?: string; set: Record<string, string>; dryRun: boolean; format: PlanFormat }) => {
      process.exitCode = await runWithTarget("plan", flags, flags.format === "json", async (client) => {
        const project = await openProject(flags.dir);
        const target = flags.target ?? flags.url ?? (flags.dbUrl ? "the database given with --db-url" : process.env.SUPAMIGRATE_URL ?? "the function");
        return plan(client, { dir: project.dir, rules: project.rules, to: flags.to ?? null, placeholders: flags.set, dryRun: flags.dryRun, format: flags.format, target });
      });
    });
}
