/**
 * `supamigrate verify`: every deployed file must still be in the folder with the text it was deployed
 * with, and the event log's hash chain must be intact. Exit 1 on drift, naming each file or event.
 * `--format json`: one object (`ok`, `applied`, `pending`, `drifted`, `missing`, `eventLog`);
 * `--format github`: the text lines plus an `::error` annotation on each drifted file.
 * `--rollbacks`: also a dry run whose rollback round trips must be clean; `--schema`: also the live schema
 * against what the applied migrations declare (cli/schema/; docs/schema-verify.md).
 */
import { type Command, Option } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import { compareWithApplied, type Comparison } from "../../shared/migrations/index.ts";
import type { EventLogCheck } from "../../shared/protocol/types.ts";
import { annotation } from "../output/github.ts";
import { OUTPUT_FORMATS, type OutputFormat } from "../output/progress.ts";
import { DIR_HELP, localChecksums, openProject, readFolderOrFail } from "../project.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";
import { collectSet } from "../options.ts";
import { runVerifyChecks } from "../schema/verify-checks.ts";

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

/** `--format github`: an `::error` annotation on each drifted file (and one for a tampered event log). */
export function verifyAnnotations(comparison: Comparison, eventLog: EventLogCheck | null, dir: string): string[] {
  const folder = dir.replace(/\/+$/, "");
  const lines = comparison.drifted.map((file) =>
    annotation("error", { file: `${folder}/${file.name}`, title: "drift" },
      `${file.name} was edited after it was deployed (deployed checksum ${file.deployedChecksum.slice(0, 12)}, local ${file.localChecksum.slice(0, 12)}): restore the deployed text and put the change in a new migration.`)
  );
  for (const name of comparison.missing) {
    lines.push(annotation("error", { file: `${folder}/${name}`, title: "drift" },
      `${name} was deployed but is missing locally: restore it (e.g. \`git checkout <deployed commit> -- ${folder}/${name}\`); a deployed migration is never deleted or renamed.`));
  }
  if (eventLog?.broken) lines.push(annotation("error", { title: "event-log" }, eventLogLines(eventLog)[0].replace(/^drift: /, "")));
  return lines;
}

/** `--format json`: one object; `ok` is false exactly when verify exits 1. `checks`: `rollbacks`, `schema` when asked for. */
export function verifyJson(
  applied: number, comparison: Comparison, eventLog: EventLogCheck | null, checks: Readonly<Record<string, { readonly ok: boolean }>> = {},
): string {
  const ok = comparison.drifted.length + comparison.missing.length === 0 && !eventLog?.broken && Object.values(checks).every((c) => c.ok);
  return JSON.stringify({
    ok,
    applied,
    pending: comparison.pending,
    drifted: comparison.drifted,
    missing: comparison.missing,
    eventLog,
    ...checks,
  });
}

export function register(program: Command): void {
  withTargetOptions(program.command("verify"))
    .description("check that every deployed migration is unchanged in the folder (exit 1 on drift)")
    .option("--dir <dir>", DIR_HELP)
    .addOption(new Option("--format <format>", "output format (github: plus an ::error annotation on each drifted file)").choices(OUTPUT_FORMATS).default("text"))
    .option("--rollbacks", "also dry-run the pending migrations and check that each rollback undoes its file (exit 1 on a finding)", false)
    .option("--schema", "also compare the live schema with what the applied migrations declare (exit 1 on a difference)", false)
    .option("--set <name=value>", "a placeholder value for --rollbacks and --schema, e.g. --set admin_email=you@example.com (repeatable)", collectSet, {})
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; format: OutputFormat; rollbacks: boolean; schema: boolean; set: Record<string, string> }) => {
      process.exitCode = await runWithTarget("verify", flags, flags.format, async (client) => {
        const { dir } = await openProject(flags.dir);
        const { applied, comparison, eventLog } = await verify(client, dir);
        const tampered = eventLogLines(eventLog);
        const checks = await runVerifyChecks(client, dir, { ...flags, drifted: comparison.drifted.length + comparison.missing.length > 0 });
        const failed = comparison.drifted.length + comparison.missing.length + tampered.length > 0 || !checks.ok;
        if (flags.format === "json") {
          process.stdout.write(`${verifyJson(applied, comparison, eventLog, checks.json)}\n`);
          return failed ? 1 : 0;
        }
        const files = verifyLines(applied, comparison, dir);
        // The head goes into the CI log, out of a migration's reach: a rewrite of the whole chain changes it.
        const head = eventLog?.head ? [`Event log: ${eventLog.chained} chained events, head ${eventLog.head}.`] : [];
        const annotations = flags.format === "github" ? verifyAnnotations(comparison, eventLog, dir) : [];
        for (const line of [...tampered, ...files.slice(0, -1), ...head, ...files.slice(-1), ...annotations, ...checks.lines]) process.stdout.write(`${line}\n`);
        return failed ? 1 : 0;
      });
    });
}
