/**
 * `supamigrate import-history`: for projects that used `supabase db push`: read the Supabase CLI's
 * history (supabase_migrations.schema_migrations) and record the matching local files as applied
 * (baselined, source supabase-cli) without running them. Exit 0; 1 when some history rows match no file.
 */
import type { Command } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import type { ImportHistoryResponse } from "../../shared/protocol/adoption.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { runMeta } from "../meta.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";

export function importLines(result: ImportHistoryResponse): string[] {
  const lines = result.recorded.map((name) => `${result.dryRun ? "would record" : "recorded"} ${name}`);
  for (const name of result.alreadyTracked) lines.push(`tracked  ${name} is already in the tracking table: left as is`);
  for (const row of result.unmatched) lines.push(`UNMATCHED ${row.version}${row.name ? `_${row.name}` : ""}: ${row.reason}`);
  lines.push(`${result.dryRun ? "Dry run: would import" : "Imported"} ${result.recorded.length} file(s) from the Supabase CLI history` +
    (result.unmatched.length > 0 ? `; ${result.unmatched.length} history row(s) match no local file.` : "."));
  return lines;
}

export async function importHistory(client: FunctionClient, dir: string, dryRun: boolean): Promise<0 | 1> {
  const folder = await readFolderOrFail(dir);
  const result = await client.importHistory({
    migrations: migrationPayloads(folder.migrations),
    dryRun,
    meta: runMeta(),
  });
  for (const line of importLines(result)) process.stdout.write(`${line}\n`);
  return result.unmatched.length > 0 ? 1 : 0;
}

export function register(program: Command): void {
  withTargetOptions(program.command("import-history"))
    .description("record the files `supabase db push` already applied (supabase_migrations.schema_migrations) as applied")
    .option("--dir <dir>", DIR_HELP)
    .option("--dry-run", "only show what would be recorded", false)
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; dryRun: boolean }) => {
      process.exitCode = await runWithTarget("import-history", flags, false, async (client) =>
        importHistory(client, (await openProject(flags.dir)).dir, flags.dryRun));
    });
}
