/**
 * `supamigrate apply`: sends every migration in the folder to the function in one request and shows
 * its progress; the function runs the pending ones, each in its own transaction.
 */
import { type Command, Option } from "commander";
import { applyAll, type ApplyAllResult, type FunctionClient } from "../../shared/client/index.ts";
import type { ApplyEvent, ApplyMeta, ApplyRequest } from "../../shared/protocol/types.ts";
import { runMeta } from "../meta.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { checkTarget, collectSet } from "../options.ts";
import { UsageError } from "../output/errors.ts";
import { createProgress, OUTPUT_FORMATS, type OutputFormat } from "../output/progress.ts";
import { stagingGate } from "../staging-gate.ts";
import { runWithTarget, type TargetFlags, withTargetOptions } from "../target.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";

export interface ApplyOptions {
  readonly dir: string;
  readonly dryRun: boolean;
  readonly to: string | null;
  readonly placeholders: Record<string, string>;
  readonly meta: ApplyMeta;
  readonly format: OutputFormat;
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Take no backups before destructive statements, for this reason (logged). */
  readonly skipBackups?: string | null;
  /** With dryRun: trace each statement's locks and rewrites, and give each file a verdict (docs/engine.md). */
  readonly trace?: boolean;
  /** Runs before anything is sent (the staging gate): an exit code to stop with, or null to go ahead. */
  readonly beforeRun?: (request: ApplyRequest) => Promise<0 | 1 | null>;
}

/** Applies the folder through `client`; resolves to the exit code (0 ok, 1 a file failed). */
export async function apply(client: FunctionClient, options: ApplyOptions): Promise<0 | 1> {
  const { request, names } = await readApplyRequest(options);
  const stop = options.beforeRun ? await options.beforeRun(request) : null;
  if (stop !== null) return stop;
  const progress = await createProgress({ format: options.format, kind: "apply", dir: options.dir, stream: options.stream });
  let firstPending: string[] | null = null;
  const onEvent = (event: ApplyEvent) => {
    if (event.event === "start") firstPending ??= event.pending;
    progress.event(event);
  };
  const started = performance.now();
  const result = await applyAll(client, request, onEvent, { onResume: (round) => progress.resumed(round) });
  const skipped = skippedNames(names, options.to, firstPending, result);
  progress.finish({ kind: "apply", result, skipped, dryRun: options.dryRun, totalMs: performance.now() - started });
  return result.failed ? 1 : 0;
}

/** The request for the folder's migrations (a skipped file name is said on stderr); a usage error when there is nothing to send. */
export async function readApplyRequest(
  options: Pick<ApplyOptions, "dir" | "dryRun" | "to" | "placeholders" | "meta" | "skipBackups" | "trace">,
): Promise<{ request: ApplyRequest; names: string[] }> {
  const folder = await readFolderOrFail(options.dir);
  for (const path of folder.invalidNames) {
    process.stderr.write(`supamigrate apply: skipping ${path}: not a migration name (NNN_name.sql); see \`supamigrate lint\`.\n`);
  }
  if (folder.undecodable.length > 0) {
    const where = options.dir.replace(/\/+$/, "");
    throw new UsageError(`${folder.undecodable.map((problem) => `${where}/${problem}`).join("\n")}\nNothing was sent.`);
  }
  if (folder.migrations.length === 0) {
    throw new UsageError(`no migrations in ${options.dir}: it holds no NNN_name.sql files. Run from the project root or pass --dir <folder>.`);
  }
  const names = folder.migrations.map((m) => m.name);
  checkTarget(options.to, names, options.dir);
  const request: ApplyRequest = {
    migrations: migrationPayloads(folder.migrations),
    dryRun: options.dryRun,
    to: options.to,
    placeholders: options.placeholders,
    meta: options.meta,
    ...(options.skipBackups ? { skipBackups: { reason: options.skipBackups } } : {}),
    ...(options.trace ? { trace: true } : {}),
  };
  return { request, names };
}

/** The files in scope (up to `to`) that the run did not have to apply: applied before. */
export function skippedNames(names: readonly string[], to: string | null, firstPending: readonly string[] | null, result: ApplyAllResult): string[] {
  const inScope = to === null ? names : names.slice(0, names.indexOf(to) + 1);
  const pending = new Set<string>(firstPending ?? [...result.applied, ...(result.failed ? [result.failed.name] : [])]);
  return inScope.filter((n) => !pending.has(n));
}

/** apply's flags, as commander gives them. */
export interface ApplyFlags extends TargetFlags {
  readonly dir?: string;
  readonly dryRun: boolean;
  readonly to?: string;
  readonly set: Record<string, string>;
  readonly format: OutputFormat;
  readonly skipBackups: boolean;
  readonly trace: boolean;
  readonly skipStaging: boolean;
  readonly reason?: string;
  readonly targets?: string;
  readonly concurrency?: string;
}

export function register(program: Command): void {
  withTargetOptions(program.command("apply"))
    .description("apply pending migrations through the function, each in its own transaction")
    .option("--dir <dir>", DIR_HELP)
    .option("--dry-run", "run every pending file and roll it back: shows what would fail, commits nothing", false)
    .option("--to <name>", "stop after this file (inclusive)")
    .option("--set <name=value>", "a placeholder value, e.g. --set admin_email=you@example.com (repeatable)", collectSet, {})
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS).default("text"))
    .option("--trace", "with --dry-run: each statement's locks on existing tables, rewrites and rows, and per file whether it is safe online", false)
    .option("--skip-backups", "take no backup before destructive statements (when you made one yourself); needs --reason", false)
    .option("--skip-staging", "with --target (or --targets): apply although the required target (\"requires\" in supamigrate.json) lacks files; needs --reason", false)
    .option("--reason <text>", "why backups or the staging check are skipped (goes into the event log)")
    .option("--targets <names>", "apply to these targets of supamigrate.json, names separated by commas, or all")
    .option("--concurrency <n>", "with --targets: how many targets at a time (default 4)")
    .action(async (flags: ApplyFlags) => {
      if (flags.trace && !flags.dryRun) throw new UsageError("--trace goes with --dry-run (a trace runs the files and rolls them back).");
      if (flags.skipBackups && !flags.reason?.trim()) throw new UsageError("--skip-backups needs --reason \"…\" (why no backup is needed: it goes into the event log).");
      if (flags.skipStaging && !flags.reason?.trim()) {
        throw new UsageError("--skip-staging needs --reason \"…\" (why the files go ahead without the required target: it goes into the target's event log).");
      }
      if (!flags.skipBackups && !flags.skipStaging && flags.reason !== undefined) throw new UsageError("--reason goes with --skip-backups or --skip-staging.");
      if (flags.targets !== undefined) {
        const { applyFleet } = await import("../fleet.ts");
        process.exitCode = await applyFleet(flags);
        return;
      }
      if (flags.concurrency !== undefined) throw new UsageError("--concurrency goes with --targets.");
      if (flags.skipStaging && flags.target === undefined) throw new UsageError("--skip-staging goes with --target <name>, a target with \"requires\" in supamigrate.json.");
      process.exitCode = await runWithTarget("apply", flags, flags.format, async (client) => {
        const dir = (await openProject(flags.dir)).dir;
        const gate = flags.target === undefined
          ? { meta: {} }
          : await stagingGate(client, flags.target, { dryRun: flags.dryRun, skipStaging: flags.skipStaging ? flags.reason! : null, format: flags.format, dir });
        return apply(client, {
          dir,
          dryRun: flags.dryRun,
          to: flags.to ?? null,
          placeholders: flags.set,
          meta: { ...runMeta(), ...gate.meta },
          format: flags.format,
          stream: process.stdout,
          skipBackups: flags.skipBackups ? flags.reason! : null,
          trace: flags.trace,
          beforeRun: gate.beforeRun,
        });
      }, { runsFiles: !flags.dryRun }); // a dry run commits nothing: an interrupted one needs no explaining
    });
}

