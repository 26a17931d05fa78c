/** `supamigrate rollback`: runs the stored rollbacks of the newest applied files, newest first (`--generate FILE` writes one instead: generate-rollback.ts). */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import type { ApplyMeta, RollbackRequest } from "../../shared/protocol/types.ts";
import { runMeta } from "../meta.ts";
import { UsageError } from "../output/errors.ts";
import { createProgress, OUTPUT_FORMATS, type OutputFormat } from "../output/progress.ts";
import { DIR_HELP, openProject } from "../project.ts";
import { type GenerateFlags, runGenerate } from "./generate-rollback.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

export interface RollbackOptions {
  readonly steps: number | null;
  readonly to: string | null;
  readonly dryRun: boolean;
  readonly meta: ApplyMeta;
  readonly format: OutputFormat;
  /** The migrations folder, for failure paths (`scripts/rollback/<name>`). */
  readonly dir: string;
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Resolves to the exit code (0 ok, 1 a rollback failed). */
export async function rollback(client: FunctionClient, options: RollbackOptions): Promise<0 | 1> {
  if (options.steps !== null && options.to !== null) throw new UsageError("give either --steps N or --to NAME, not both.");
  const request: RollbackRequest = options.to !== null
    ? { to: options.to, dryRun: options.dryRun, meta: options.meta }
    : { steps: options.steps ?? 1, dryRun: options.dryRun, meta: options.meta };
  const progress = await createProgress({ format: options.format, kind: "rollback", dir: options.dir, stream: options.stream });
  const started = performance.now();
  const result = await client.rollback(request, (event) => progress.event(event));
  progress.finish({ kind: "rollback", result, skipped: [], dryRun: options.dryRun, totalMs: performance.now() - started });
  return result.failed ? 1 : 0;
}

function parseSteps(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("give a whole number of files, 1 or more.");
  return Number(value);
}

export function register(program: Command): void {
  withTargetOptions(program.command("rollback"))
    .description("roll back the newest applied migrations with their stored rollback files (default: the last one); " +
      "with --generate FILE, write FILE's rollback instead")
    .option("--steps <n>", "roll back this many files, newest first (default 1)", parseSteps)
    .option("--to <name>", "roll back every file applied after this one (it stays applied)")
    .option("--dry-run", "run the rollbacks and roll them back: shows what would fail, commits nothing", false)
    .option("--dir <dir>", `${DIR_HELP}; for paths in messages`)
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS).default("text"))
    .option("--generate <file>", "instead, write <dir>/rollback/<file> from the migration: every inverse that can be derived, a marker for the rest (local: no --url)")
    .option("--force", "with --generate: replace an existing rollback file", false)
    .action(async (flags: { url?: string; dbUrl?: string; steps?: number; to?: string; dryRun: boolean; dir?: string; format: OutputFormat } & GenerateFlags) => {
      if (flags.generate !== undefined || flags.force) {
        process.exitCode = await runGenerate(flags);
        return;
      }
      process.exitCode = await runWithTarget("rollback", flags, flags.format, async (client) =>
        rollback(client, {
          steps: flags.steps ?? null,
          to: flags.to ?? null,
          dryRun: flags.dryRun,
          meta: runMeta(),
          format: flags.format,
          dir: (await openProject(flags.dir)).dir,
          stream: process.stdout,
        }), { runsFiles: !flags.dryRun }); // a dry run commits nothing: an interrupted one needs no explaining
    });
}
