/**
 * `supamigrate verify`: every deployed file must still be in the folder with the text it was deployed
 * with. Exit 1 on drift, naming each file.
 */
import type { Command } from "commander";
import { compareWithDeployed, type Comparison, type FunctionClient } from "../../shared/client/index.ts";
import { localChecksums, readFolderOrFail } from "../local-files.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

export async function verify(client: FunctionClient, dir: string): Promise<{ readonly applied: number; readonly comparison: Comparison }> {
  const folder = readFolderOrFail(dir);
  const response = await client.status();
  return { applied: response.applied.length, comparison: compareWithDeployed(response.applied, await localChecksums(folder)) };
}

export function verifyLines(applied: number, comparison: Comparison, dir: string): string[] {
  const folder = dir.replace(/\/+$/, "");
  const lines = comparison.drifted.map((file) =>
    `drift: ${folder}/${file.name} was edited after it was deployed (deployed checksum ${file.deployedChecksum.slice(0, 12)}, local ${file.localChecksum.slice(0, 12)}): restore the deployed text and put the change in a new migration.`
  );
  for (const name of comparison.missing) {
    lines.push(`drift: ${folder}/${name} was deployed but is missing locally: restore it (e.g. \`git checkout <deployed commit> -- ${folder}/${name}\`); a deployed migration is never deleted or renamed.`);
  }
  const drifted = comparison.drifted.length + comparison.missing.length;
  lines.push(
    drifted > 0
      ? `Verify failed: ${drifted} of ${applied} deployed files drifted.`
      : `Verified: ${applied} deployed files match ${folder}/ (${comparison.pending.length} pending).`,
  );
  return lines;
}

export function register(program: Command): void {
  withTargetOptions(program.command("verify"))
    .description("check that every deployed migration is unchanged in the folder (exit 1 on drift)")
    .option("--dir <dir>", "the migrations folder", "scripts")
    .action(async (flags: { url?: string; dbUrl?: string; dir: string }) => {
      process.exitCode = await runWithTarget("verify", flags, false, async (client) => {
        const { applied, comparison } = await verify(client, flags.dir);
        for (const line of verifyLines(applied, comparison, flags.dir)) process.stdout.write(`${line}\n`);
        return comparison.drifted.length + comparison.missing.length > 0 ? 1 : 0;
      });
    });
}
