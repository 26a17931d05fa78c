/**
 * `supamigrate apply`: sends every migration in the folder to the function in one request and shows
 * its progress; the function runs the pending ones, each in its own transaction.
 */
import { type Command, Option } from "commander";
import { applyAll, type FunctionClient } from "../../shared/client/index.ts";
import type { ApplyEvent, ApplyMeta, ApplyRequest } from "../../shared/protocol/types.ts";
import { runMeta } from "../meta.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { checkTarget, collectSet } from "../options.ts";
import { UsageError } from "../output/errors.ts";
import { createProgress, OUTPUT_FORMATS, type OutputFormat } from "../output/progress.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";
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
}

/** Applies the folder through `client`; resolves to the exit code (0 ok, 1 a file failed). */
export async function apply(client: FunctionClient, options: ApplyOptions): Promise<0 | 1> {
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
  };
  const progress = await createProgress({ format: options.format, kind: "apply", dir: options.dir, stream: options.stream });
  let firstPending: string[] | null = null;
  const onEvent = (event: ApplyEvent) => {
    if (event.event === "start") firstPending ??= event.pending;
    progress.event(event);
  };
  const started = performance.now();
  const result = await applyAll(client, request, onEvent, { onResume: (round) => progress.resumed(round) });
  const inScope = options.to === null ? names : names.slice(0, names.indexOf(options.to) + 1);
  const pending = new Set<string>(firstPending ?? [...result.applied, ...(result.failed ? [result.failed.name] : [])]);
  const skipped = inScope.filter((n) => !pending.has(n));
  progress.finish({ kind: "apply", result, skipped, dryRun: options.dryRun, totalMs: performance.now() - started });
  return result.failed ? 1 : 0;
}

export function register(program: Command): void {
  withTargetOptions(program.command("apply"))
    .description("apply pending migrations through the function, each in its own transaction")
    .option("--dir <dir>", DIR_HELP)
    .option("--dry-run", "run every pending file and roll it back: shows what would fail, commits nothing", false)
    .option("--to <name>", "stop after this file (inclusive)")
    .option("--set <name=value>", "a placeholder value, e.g. --set admin_email=you@example.com (repeatable)", collectSet, {})
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS).default("text"))
    .option("--skip-backups", "take no backup before destructive statements (when you made one yourself); needs --reason", false)
    .option("--reason <text>", "why backups are skipped (goes into the event log)")
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; dryRun: boolean; to?: string; set: Record<string, string>; format: OutputFormat; skipBackups: boolean; reason?: string }) => {
      if (flags.skipBackups && !flags.reason?.trim()) throw new UsageError("--skip-backups needs --reason \"…\" (why no backup is needed: it goes into the event log).");
      if (!flags.skipBackups && flags.reason !== undefined) throw new UsageError("--reason goes with --skip-backups.");
      process.exitCode = await runWithTarget("apply", flags, flags.format, async (client) =>
        apply(client, {
          dir: (await openProject(flags.dir)).dir,
          dryRun: flags.dryRun,
          to: flags.to ?? null,
          placeholders: flags.set,
          meta: runMeta(),
          format: flags.format,
          stream: process.stdout,
          skipBackups: flags.skipBackups ? flags.reason! : null,
        }), { runsFiles: !flags.dryRun }); // a dry run commits nothing: an interrupted one needs no explaining
    });
}

