/**
 * `supamigrate repair (--accept-checksum NAME | --forget NAME) --reason "…"`: after review, accept a
 * deployed file's new text (its checksum) or remove its tracking row. Never runs SQL from files; the
 * reason, the actor and the old/new checksum go into the event log. Exit 0, or 2.
 */
import type { Command } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import type { RepairRequest, RepairResponse } from "../../shared/protocol/adoption.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { runMeta } from "../meta.ts";
import { UsageError } from "../output/errors.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

export interface RepairOptions {
  readonly dir: string;
  readonly acceptChecksum: string | null;
  readonly forget: string | null;
  readonly reason: string;
}

export async function repairRequest(options: RepairOptions): Promise<RepairRequest> {
  if ((options.acceptChecksum === null) === (options.forget === null)) {
    throw new UsageError("give exactly one of --accept-checksum <file> or --forget <file>.");
  }
  if (options.reason.trim().length === 0) throw new UsageError("every repair needs --reason \"…\" (it goes into the event log).");
  const meta = runMeta();
  if (options.forget !== null) return { action: "forget", name: options.forget, reason: options.reason, meta };
  const name = options.acceptChecksum!;
  const file = (await readFolderOrFail(options.dir)).migrations.find((m) => m.name === name);
  if (!file) throw new UsageError(`--accept-checksum ${name}: no such migration in ${options.dir}/.`);
  return { action: "accept-checksum", name, sql: file.sql, reason: options.reason, meta };
}

export function repairLine(result: RepairResponse): string {
  return result.action === "forget"
    ? `Forgot ${result.name} (was checksum ${result.oldChecksum.slice(0, 12)}); logged as repaired by ${result.actor ?? "an unnamed caller"}.`
    : `Accepted the new checksum of ${result.name}: ${result.oldChecksum.slice(0, 12)} → ${result.newChecksum!.slice(0, 12)}; logged as repaired by ${result.actor ?? "an unnamed caller"}.`;
}

export async function repair(client: FunctionClient, options: RepairOptions): Promise<0> {
  const result = await client.repair(await repairRequest(options));
  process.stdout.write(`${repairLine(result)}\n`);
  return 0;
}

export function register(program: Command): void {
  withTargetOptions(program.command("repair"))
    .description("after review: accept a deployed file's new checksum or forget a tracking row (logged with --reason)")
    .option("--dir <dir>", DIR_HELP)
    .option("--accept-checksum <name>", "record the file's current text as the deployed one (e.g. a comment-only edit)")
    .option("--forget <name>", "remove the file's tracking row (it will be pending again)")
    .option("--reason <text>", "why (required; goes into the event log)", "")
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; acceptChecksum?: string; forget?: string; reason: string }) => {
      process.exitCode = await runWithTarget("repair", flags, false, async (client) =>
        repair(client, { dir: (await openProject(flags.dir)).dir, acceptChecksum: flags.acceptChecksum ?? null, forget: flags.forget ?? null, reason: flags.reason }));
    });
}
