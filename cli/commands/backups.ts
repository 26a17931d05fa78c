/**
 * `supamigrate backups [list]` and `supamigrate backups prune (--migration NAME | --older-than-days N |
 * --all) [--dry-run]`: the copies of data the engine took before destructive statements
 * (docs/engine.md, "Backups"), and dropping the ones no longer wanted (logged). Exit 0, or 2.
 */
import type { Command } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import type { BackupSummary, BackupsPruneRequest } from "../../shared/protocol/types.ts";
import { runMeta } from "../meta.ts";
import { formatBytes } from "../output/bytes.ts";
import { UsageError } from "../output/errors.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

/** One line a backup: where it is, what it holds, and whether a rollback restored it. */
export function backupLine(b: BackupSummary): string {
  const what = b.column ? `${b.source}.${b.column}` : b.source;
  const rows = `${b.rows} row${b.rows === 1 ? "" : "s"}`;
  const restored = b.restoredAt ? `, restored ${b.restoredAt.slice(0, 10)}` : "";
  return `${b.backupTable}  ${b.kind} of ${what} before ${b.migration}: ${rows}, ${formatBytes(b.bytes)}, ${b.createdAt.slice(0, 10)}${restored}`;
}

export async function listBackups(client: FunctionClient, out: NodeJS.WritableStream = process.stdout): Promise<0> {
  const backups = (await client.status()).backups ?? [];
  if (backups.length === 0) {
    out.write("No backups: none was taken, or all were pruned.\n");
    return 0;
  }
  for (const backup of backups) out.write(`${backupLine(backup)}\n`);
  out.write(`${backups.length} backup${backups.length === 1 ? "" : "s"}, ${formatBytes(backups.reduce((sum, b) => sum + b.bytes, 0))}. ` +
    "Drop the ones you no longer need with `supamigrate backups prune`.\n");
  return 0;
}

export interface PruneFlags {
  readonly migration?: string;
  readonly olderThanDays?: string;
  readonly all: boolean;
  readonly dryRun: boolean;
}

export function pruneRequest(flags: PruneFlags): BackupsPruneRequest {
  const chosen = [flags.migration !== undefined, flags.olderThanDays !== undefined, flags.all].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError("say which backups to prune with exactly one of --migration <file>, --older-than-days <n> or --all.");
  let olderThanDays: number | undefined;
  if (flags.olderThanDays !== undefined) {
    if (!/^\d+$/.test(flags.olderThanDays)) throw new UsageError(`--older-than-days takes a whole number of days, not ${JSON.stringify(flags.olderThanDays)}.`);
    olderThanDays = Number(flags.olderThanDays);
  }
  return {
    ...(flags.migration !== undefined ? { migration: flags.migration } : {}),
    ...(olderThanDays !== undefined ? { olderThanDays } : {}),
    ...(flags.all ? { all: true } : {}),
    dryRun: flags.dryRun,
    meta: runMeta(),
  };
}

export async function prune(client: FunctionClient, flags: PruneFlags, out: NodeJS.WritableStream = process.stdout): Promise<0> {
  const result = await client.pruneBackups(pruneRequest(flags));
  const verb = result.dryRun ? "Would drop" : "Dropped";
  for (const backup of result.pruned) out.write(`${verb} ${backupLine(backup)}\n`);
  const total = formatBytes(result.pruned.reduce((sum, b) => sum + b.bytes, 0));
  out.write(result.pruned.length === 0 ? "No backup matched: nothing was dropped.\n" : `${verb} ${result.pruned.length} backup${result.pruned.length === 1 ? "" : "s"} (${total}).\n`);
  return 0;
}

export function register(program: Command): void {
  const backups = program.command("backups").description("the data copied before destructive migrations: list them, or prune the ones no longer needed");
  withTargetOptions(backups.command("list", { isDefault: true }))
    .description("list the backups kept in supamigrate_backup, with their sizes")
    .action(async (flags: { url?: string; dbUrl?: string }) => {
      process.exitCode = await runWithTarget("backups", flags, false, (client) => listBackups(client));
    });
  withTargetOptions(backups.command("prune"))
    .description("drop backup tables: those of one migration, those older than N days, or all (logged)")
    .option("--migration <name>", "the backups taken when this file was applied")
    .option("--older-than-days <n>", "the backups taken more than n days ago")
    .option("--all", "every backup", false)
    .option("--dry-run", "say what would be dropped, drop nothing", false)
    .action(async (flags: { url?: string; dbUrl?: string } & PruneFlags) => {
      process.exitCode = await runWithTarget("backups prune", flags, false, (client) => prune(client, flags));
    });
}
