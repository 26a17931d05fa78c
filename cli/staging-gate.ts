/**
 * The staging gate (docs/configuration.md, "Targets"): an apply to a target with `"requires": "staging"`
 * runs only files that staging already has, with the same checksum. Before anything runs it asks the
 * target's plan (which files would run) and staging's status (read scope), and refuses with each file
 * that staging lacks or has with another checksum. A dry run is never gated; `--skip-staging --reason`
 * goes ahead and the reason lands in the target's event log (`meta.skippedStaging`).
 */
import type { FunctionClient } from "../shared/client/index.ts";
import { migrationChecksum } from "../shared/migrations/index.ts";
import type { ApplyRequest } from "../shared/protocol/types.ts";
import { describeError, NOT_AUTHORIZED, UsageError } from "./output/errors.ts";
import { annotation } from "./output/github.ts";
import type { OutputFormat } from "./output/progress.ts";
import { openNamedTarget } from "./target.ts";
import { configuredTargets, type NamedTarget } from "./targets.ts";

/** A pending file the required target lacks (`stagingChecksum` null) or has with another checksum. */
export interface NotOnStaging {
  readonly name: string;
  readonly stagingChecksum: string | null;
  readonly localChecksum: string;
}

export interface StagingShortfall {
  /** The target applied to, and the one it requires. */
  readonly target: string;
  readonly requires: string;
  readonly pending: number;
  readonly files: readonly NotOnStaging[];
}

/** The target's pending files that its required target does not have as they are here; null when it has them all. */
export async function stagingShortfall(client: FunctionClient, target: NamedTarget, request: ApplyRequest): Promise<StagingShortfall | null> {
  const requires = target.config.requires;
  if (requires === undefined) return null;
  const { pending } = await client.plan(request);
  if (pending.length === 0) return null;
  const applied = new Map((await requiredStatus(requires, target.name)).applied.map((row) => [row.name, row.checksum]));
  const local = new Map(request.migrations.map((m) => [m.name, m.sql]));
  const files: NotOnStaging[] = [];
  for (const name of pending) {
    const localChecksum = await migrationChecksum(local.get(name) ?? "");
    const stagingChecksum = applied.get(name) ?? null;
    if (stagingChecksum !== localChecksum) files.push({ name, stagingChecksum, localChecksum });
  }
  return files.length === 0 ? null : { target: target.name, requires, pending: pending.length, files };
}

/** The required target's status; its failure says which target it was and why it was asked. */
async function requiredStatus(requires: string, by: string) {
  const required = (await configuredTargets()).find((t) => t.name === requires)!;
  let opened: Awaited<ReturnType<typeof openNamedTarget>> | null = null;
  try {
    opened = await openNamedTarget(required);
    return await opened.client.status();
  } catch (error) {
    const report = describeError(opened?.cleanError ? opened.cleanError(error) : error);
    throw Object.assign(new Error(`${by} requires ${requires} first, and ${requires}'s status could not be read: ${report.message}`), {
      code: report.exitCode === 3 ? NOT_AUTHORIZED : report.code,
    });
  } finally {
    await opened?.close().catch(() => {});
  }
}

/** The refusal, on stderr: the files and what to do. */
export function stagingRefusalMessage(shortfall: StagingShortfall): string {
  const { target, requires, files, pending } = shortfall;
  const are = files.length === 1 ? "is" : "are";
  return [
    `${target} requires ${requires} first: ${files.length} of the ${pending} file${pending === 1 ? "" : "s"} pending on ${target} ${are} not applied on ${requires} with the same checksum:`,
    ...files.map((file) => `  ${fileLine(file, requires)}`),
    `Apply them to ${requires} first (supamigrate apply --target ${requires}), or pass --skip-staging --reason "…" ` +
    `(the reason goes into ${target}'s event log). Nothing was applied.`,
  ].join("\n");
}

function fileLine(file: NotOnStaging, requires: string): string {
  return file.stagingChecksum === null
    ? `${file.name}: not applied on ${requires}`
    : `${file.name}: applied on ${requires} with checksum ${file.stagingChecksum.slice(0, 12)}, the local file's is ${file.localChecksum.slice(0, 12)}`;
}

/** Prints the refusal as `format` wants it (stderr; a JSON line or `::error` annotations on stdout) and returns exit code 1. */
export function refuseWithoutStaging(shortfall: StagingShortfall, format: OutputFormat, dir: string): 1 {
  const message = stagingRefusalMessage(shortfall);
  process.stderr.write(`supamigrate apply: ${message}\n`);
  if (format === "json") {
    const files = shortfall.files.map((file) => ({ name: file.name, requiredChecksum: file.stagingChecksum, localChecksum: file.localChecksum }));
    process.stdout.write(`${JSON.stringify({ event: "error", code: STAGING_REQUIRED, message, requires: shortfall.requires, files })}\n`);
  }
  if (format === "github") {
    for (const file of shortfall.files) {
      process.stdout.write(`${annotation("error", { file: `${dir.replace(/\/+$/, "")}/${file.name}`, title: STAGING_REQUIRED },
        `${fileLine(file, shortfall.requires)}: ${shortfall.target} requires ${shortfall.requires} first. Nothing was applied.`)}\n`);
    }
  }
  return 1;
}

export const STAGING_REQUIRED = "staging-required";

/**
 * `apply --target NAME`: what the gate adds to the apply. A target that requires another gets the
 * check before anything runs (not for a dry run), or with `--skip-staging` the reason in its `meta`.
 */
export async function stagingGate(
  client: FunctionClient,
  name: string,
  options: { readonly dryRun: boolean; readonly skipStaging: string | null; readonly format: OutputFormat; readonly dir: string },
): Promise<{ readonly meta: { readonly skippedStaging?: string }; readonly beforeRun?: (request: ApplyRequest) => Promise<1 | null> }> {
  const target = (await configuredTargets()).find((t) => t.name === name)!;
  const requires = target.config.requires;
  if (options.skipStaging !== null) {
    if (requires === undefined) throw new UsageError(`--skip-staging: target ${name} requires no other target ("requires" in supamigrate.json); drop --skip-staging and --reason.`);
    return { meta: { skippedStaging: options.skipStaging } };
  }
  if (requires === undefined || options.dryRun) return { meta: {} };
  return {
    meta: {},
    beforeRun: async (request) => {
      const shortfall = await stagingShortfall(client, target, request);
      return shortfall ? refuseWithoutStaging(shortfall, options.format, options.dir) : null;
    },
  };
}
