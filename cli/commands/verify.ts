/**
 * `supamigrate verify`: every deployed file must still be in the folder with the text it was deployed
 * with, and the event log's hash chain must be intact. Exit 1 on drift, naming each file or event.
 */
import type { Command } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import { compareWithApplied, type Comparison } from "../../shared/migrations/index.ts";
import type { EventLogCheck } from "../../shared/protocol/types.ts";
import { DIR_HELP, localChecksums, openProject, readFolderOrFail } from "../project.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

export async function verify(client: FunctionClient, dir: string): Promise<{ readonly applied: number; readonly comparison: Comparison; readonly eventLog: EventLogCheck | null }> {
  const folder = await readFolderOrFail(dir);
  const response = await client.status();
  return {
    applied: response.applied.length,
    comparison: compareWithApplied(response.applied, await localChecksums(folder)),
    eventLog: response.eventLog ?? null,
  };
}

/** What verify says of the event log: nothing when its chain is intact (or a function too old to have one). */
export function eventLogLines(eventLog: EventLogCheck | null): string[] {
  if (!eventLog?.broken) return [];
  return [
    `drift: supamigrate.events #${eventLog.broken.id} ${eventLog.broken.reason}. The event log is the audit trail of every ` +
    "apply and rollback: find who changed it (a migration runs as the table's owner), and keep the log as it is.",
  ];
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
    .option("--dir <dir>", DIR_HELP)
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string }) => {
      process.exitCode = await runWithTarget("verify", flags, false, async (client) => {
        const { dir } = await openProject(flags.dir);
        const { applied, comparison, eventLog } = await verify(client, dir);
        const tampered = eventLogLines(eventLog);
        const files = verifyLines(applied, comparison, dir);
        // The head goes into the CI log, out of a migration's reach: a rewrite of the whole chain changes it.
        const head = eventLog?.head ? [`Event log: ${eventLog.chained} chained events, head ${eventLog.head}.`] : [];
        for (const line of [...tampered, ...files.slice(0, -1), ...head, ...files.slice(-1)]) process.stdout.write(`${line}\n`);
        return comparison.drifted.length + comparison.missing.length + tampered.length > 0 ? 1 : 0;
      });
    });
}
