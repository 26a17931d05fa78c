/**
 * `supamigrate import-history`: for projects that used `supabase db push`: read the Supabase CLI's
 * history (supabase_migrations.schema_migrations) and record the matching local files as applied
 * (baselined, source supabase-cli) without running them. A history row that matches no file (renamed,
 * or dropped on purpose) can be acknowledged after review: `--accept-unmatched <row> --reason "…"` logs
 * it with the reason and the actor, and no later run reports it again. Exit 0; 1 while some history
 * rows match no file and are not acknowledged; 2 on a usage error.
 */
import type { Command } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import type { HistoryRowAcceptance, ImportHistoryResponse } from "../../shared/protocol/adoption.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { runMeta } from "../meta.ts";
import { UsageError } from "../output/errors.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";

export function importLines(result: ImportHistoryResponse): string[] {
  const label = (row: { version: string; name: string | null }) => `${row.version}${row.name ? `_${row.name}` : ""}`;
  const lines = result.recorded.map((name) => `${result.dryRun ? "would record" : "recorded"} ${name}`);
  for (const name of result.alreadyTracked) lines.push(`tracked  ${name} is already in the tracking table: left as is`);
  for (const row of result.acknowledged ?? []) {
    const who = row.at === null ? (result.dryRun ? "would be acknowledged" : "acknowledged") : `acknowledged by ${row.actor ?? "an unnamed caller"} at ${row.at}`;
    lines.push(`accepted ${label(row)} matches no local file, ${who}: ${row.reason}`);
  }
  for (const row of result.unmatched) lines.push(`UNMATCHED ${label(row)}: ${row.reason}`);
  const accepted = result.acknowledged?.length ?? 0;
  lines.push(`${result.dryRun ? "Dry run: would import" : "Imported"} ${result.recorded.length} file(s) from the Supabase CLI history` +
    (accepted > 0 ? `; ${accepted} unmatched history row(s) acknowledged` : "") +
    (result.unmatched.length > 0
      ? `; ${result.unmatched.length} history row(s) match no local file: restore the file under its history name, or, after ` +
        "review, acknowledge the row with --accept-unmatched <row> --reason \"…\"."
      : "."));
  return lines;
}

export interface ImportHistoryOptions {
  readonly dryRun: boolean;
  /** History rows to acknowledge (version or `<version>_<name>`), with one reason for all. */
  readonly acceptUnmatched: readonly string[];
  readonly reason: string | null;
}

export function acceptances(options: ImportHistoryOptions): HistoryRowAcceptance[] {
  const reason = options.reason?.trim() ?? "";
  if (options.acceptUnmatched.length === 0) {
    if (options.reason !== null) throw new UsageError("--reason goes with --accept-unmatched <row>: it says why that history row has no local file.");
    return [];
  }
  if (reason.length === 0) throw new UsageError("--accept-unmatched needs --reason \"…\" (it goes into the event log with your name).");
  return options.acceptUnmatched.map((row) => ({ row, reason }));
}

export async function importHistory(client: FunctionClient, dir: string, options: ImportHistoryOptions): Promise<0 | 1> {
  const acceptUnmatched = acceptances(options);
  const folder = await readFolderOrFail(dir);
  const result = await client.importHistory({
    migrations: migrationPayloads(folder.migrations),
    dryRun: options.dryRun,
    meta: runMeta(),
    // Left out when empty: a function older than acknowledgements still takes the request.
    ...(acceptUnmatched.length > 0 ? { acceptUnmatched } : {}),
  });
  for (const line of importLines(result)) process.stdout.write(`${line}\n`);
  return result.unmatched.length > 0 ? 1 : 0;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  withTargetOptions(program.command("import-history"))
    .description("record the files `supabase db push` already applied (supabase_migrations.schema_migrations) as applied")
    .option("--dir <dir>", DIR_HELP)
    .option("--dry-run", "only show what would be recorded", false)
    .option("--accept-unmatched <row>", "acknowledge a history row that matches no local file, as listed (version or <version>_<name>); repeatable; needs --reason", collect, [])
    .option("--reason <text>", "why the acknowledged row has no local file (goes into the event log with your name)")
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; dryRun: boolean; acceptUnmatched: string[]; reason?: string }) => {
      process.exitCode = await runWithTarget("import-history", flags, false, async (client) =>
        importHistory(client, (await openProject(flags.dir)).dir, { dryRun: flags.dryRun, acceptUnmatched: flags.acceptUnmatched, reason: flags.reason ?? null }));
    });
}
