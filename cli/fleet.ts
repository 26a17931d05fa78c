/**
 * `apply --targets a,b,c | all`: the same folder applied to several named targets, at most
 * `--concurrency` at a time (default 4). Each target is on its own: one failing does not stop the
 * others. A line says how each target did as it finishes, then a table sums them up; the exit code is 0
 * only when every target succeeded (else the highest of theirs: 1 a file failed or the staging gate
 * refused, 2 usage or unreachable, 3 not authorized). A target with `"requires"` is gated as with
 * `--target` (cli/staging-gate.ts), after its required target when that one is in the same run.
 */
import { applyAll } from "../shared/client/index.ts";
import type { ApplyEvent, ApplyMeta, ApplyRequest, MigrationFailure } from "../shared/protocol/types.ts";
import { mapBounded } from "./bounded.ts";
import { type ApplyFlags, readApplyRequest, skippedNames } from "./commands/apply.ts";
import { explainInterruption, INTERRUPTED_DIRECT_RUN, INTERRUPTED_FUNCTION_RUN } from "./interrupt.ts";
import { formatDuration } from "./output/duration.ts";
import { describeError, type ErrorExitCode, reportError, UsageError } from "./output/errors.ts";
import { failureMessage } from "./output/failure.ts";
import { annotation } from "./output/github.ts";
import type { OutputFormat } from "./output/progress.ts";
import { STAGING_REQUIRED, stagingRefusalMessage, stagingShortfall, type StagingShortfall } from "./staging-gate.ts";
import { openNamedTarget, type Target } from "./target.ts";
import { runMeta } from "./meta.ts";
import { openProject } from "./project.ts";
import { type NamedTarget, namedTargets } from "./targets.ts";

export const DEFAULT_CONCURRENCY = 4;

export interface FleetOptions {
  readonly request: ApplyRequest;
  /** The folder's migration names, in contract order (for the skipped count). */
  readonly names: readonly string[];
  readonly dir: string;
  /** `--skip-staging --reason`: the reason, sent to each target that requires another; null to gate them. */
  readonly skipStaging: string | null;
  readonly concurrency: number;
  readonly format: OutputFormat;
  readonly stream: NodeJS.WritableStream;
}

/** How one target's apply went. */
export interface TargetOutcome {
  readonly target: string;
  readonly exitCode: 0 | ErrorExitCode;
  readonly applied: readonly string[];
  readonly skipped: number;
  readonly failed: MigrationFailure | null;
  /** The staging gate's refusal. */
  readonly refused: StagingShortfall | null;
  /** An error before or instead of a result (unreachable, not authorized, a refusal by the function). */
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly warnings: readonly string[];
  readonly durationMs: number;
}

/** The command: `apply --targets a,b,c | all [--concurrency N]` with apply's other flags; resolves to the exit code. */
export async function applyFleet(flags: ApplyFlags): Promise<number> {
  try {
    const others = [flags.url && "--url", flags.dbUrl && "--db-url", flags.projectUrl && "--project-url", flags.anonKey && "--anon-key",
      flags.region && "--region", flags.target && "--target"].filter(Boolean);
    if (others.length > 0) throw new UsageError(`--targets takes where to go from supamigrate.json: drop ${others.join(" and ")}.`);
    const concurrency = flags.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(flags.concurrency);
    if (!/^[0-9]+$/.test(flags.concurrency ?? "1") || concurrency < 1 || concurrency > 64) {
      throw new UsageError("--concurrency takes a whole number of targets at a time, from 1 to 64.");
    }
    const targets = await namedTargets(flags.targets!);
    if (flags.skipStaging && !targets.some((target) => target.config.requires !== undefined)) {
      throw new UsageError("--skip-staging: none of these targets requires another (\"requires\" in supamigrate.json); drop --skip-staging and --reason.");
    }
    const dir = (await openProject(flags.dir)).dir;
    const { request, names } = await readApplyRequest({
      dir, dryRun: flags.dryRun, to: flags.to ?? null, placeholders: flags.set, meta: runMeta(), skipBackups: flags.skipBackups ? flags.reason! : null,
    });
    return await applyToTargets(targets, { request, names, dir, skipStaging: flags.skipStaging ? flags.reason! : null, concurrency, format: flags.format, stream: process.stdout });
  } catch (error) {
    return reportError("apply", error, { format: flags.format });
  }
}

/** Applies to every target; resolves to the exit code. */
export async function applyToTargets(targets: readonly NamedTarget[], options: FleetOptions): Promise<number> {
  const dryRun = options.request.dryRun === true;
  const ordered = requiredFirst(targets);
  const finished = new Map(ordered.map((target) => [target.name, deferred<TargetOutcome>()]));
  const stopExplaining = dryRun ? () => {} : explainInterruption("apply", interruptedFleet(ordered), options.format === "json");
  const started = performance.now();
  try {
    const outcomes = await mapBounded(ordered, options.concurrency, async (target) => {
      const requires = target.config.requires;
      // A gated target waits for its required target when that one runs too: the gate then sees its result.
      if (requires !== undefined && !dryRun && options.skipStaging === null) await finished.get(requires)?.promise;
      const outcome = await applyToTarget(target, options);
      report(outcome, options);
      finished.get(target.name)!.resolve(outcome);
      return outcome;
    });
    summarize(outcomes, options, performance.now() - started);
    return Math.max(0, ...outcomes.map((outcome) => outcome.exitCode));
  } finally {
    stopExplaining();
  }
}

async function applyToTarget(target: NamedTarget, options: FleetOptions): Promise<TargetOutcome> {
  const started = performance.now();
  const base = { target: target.name, applied: [], skipped: 0, failed: null, refused: null, error: null, warnings: [] as string[] };
  let opened: Target | null = null;
  try {
    opened = await openNamedTarget(target);
    const gated = target.config.requires !== undefined && options.request.dryRun !== true;
    if (gated && options.skipStaging === null) {
      const refused = await stagingShortfall(opened.client, target, options.request);
      if (refused) return { ...base, exitCode: 1, refused, durationMs: performance.now() - started };
    }
    const meta: ApplyMeta = gated && options.skipStaging !== null ? { ...options.request.meta, skippedStaging: options.skipStaging } : options.request.meta ?? {};
    let firstPending: string[] | null = null;
    const onEvent = (event: ApplyEvent) => {
      if (event.event === "start") firstPending ??= event.pending;
      if (event.event === "warning" && !base.warnings.includes(event.message)) base.warnings.push(event.message);
    };
    const result = await applyAll(opened.client, { ...options.request, meta }, onEvent);
    const skipped = skippedNames(options.names, options.request.to ?? null, firstPending, result).length;
    return { ...base, exitCode: result.failed ? 1 : 0, applied: result.applied, skipped, failed: result.failed, durationMs: performance.now() - started };
  } catch (error) {
    const { exitCode, code, message } = describeError(opened?.cleanError ? opened.cleanError(error) : error);
    return { ...base, exitCode, error: { code, message }, durationMs: performance.now() - started };
  } finally {
    await opened?.close().catch(() => {});
  }
}

/** The line (text) or JSON object for a target that finished, written as it finishes. */
function report(outcome: TargetOutcome, options: FleetOptions): void {
  const write = (line: string) => options.stream.write(`${line}\n`);
  if (options.format === "json") {
    write(JSON.stringify({
      event: "target-done", target: outcome.target, ok: outcome.exitCode === 0, exitCode: outcome.exitCode, applied: outcome.applied,
      skipped: outcome.skipped, failed: outcome.failed, error: outcome.refused ? { code: STAGING_REQUIRED, message: stagingRefusalMessage(outcome.refused) } : outcome.error,
      warnings: outcome.warnings, durationMs: Math.round(outcome.durationMs),
    }));
    return;
  }
  const dryRun = options.request.dryRun === true;
  const counts = `${dryRun ? "would apply" : "applied"} ${outcome.applied.length}, skipped ${outcome.skipped}`;
  const time = formatDuration(outcome.durationMs);
  const folder = options.dir.replace(/\/+$/, "");
  if (outcome.exitCode === 0) write(`✓ ${outcome.target}  ${counts} — ${time}`);
  else if (outcome.failed) {
    const failure = outcome.failed;
    write(`✗ ${outcome.target}  ${failure.name} failed (${counts}) — ${time}`);
    write(`  ${folder}/${failure.name}:${failure.line}:${failure.column}: error ${failure.code}: ${failure.message}`);
  } else if (outcome.refused) {
    write(`✗ ${outcome.target}  refused — ${time}`);
    for (const line of stagingRefusalMessage(outcome.refused).split("\n")) write(`  ${line}`);
  } else write(`✗ ${outcome.target}  ${outcome.error!.message}`);
  for (const warning of outcome.warnings) write(`  warning: ${warning}`);
  if (options.format === "github") for (const line of annotations(outcome, folder)) write(line);
}

function annotations(outcome: TargetOutcome, folder: string): string[] {
  const title = `apply ${outcome.target}`;
  if (outcome.failed) {
    const { name, line, column, code } = outcome.failed;
    return [annotation("error", { file: `${folder}/${name}`, line, col: column, title: `${title}: ${code}` }, failureMessage(outcome.failed))];
  }
  if (outcome.refused) {
    return outcome.refused.files.map((file) => annotation("error", { file: `${folder}/${file.name}`, title: `${title}: ${STAGING_REQUIRED}` },
      `${file.name} is not applied on ${outcome.refused!.requires} with the same checksum, and ${outcome.target} requires ${outcome.refused!.requires} first. Nothing was applied on ${outcome.target}.`));
  }
  return outcome.error ? [annotation("error", { title: `${title}: ${outcome.error.code}` }, outcome.error.message)] : [];
}

/** The table of every target, then one line: how many succeeded. */
function summarize(outcomes: readonly TargetOutcome[], options: FleetOptions, totalMs: number): void {
  const failed = outcomes.filter((outcome) => outcome.exitCode !== 0).map((outcome) => outcome.target);
  if (options.format === "json") {
    options.stream.write(`${JSON.stringify({ event: "done", targets: outcomes.length, succeeded: outcomes.length - failed.length, failed, durationMs: Math.round(totalMs) })}\n`);
    return;
  }
  const header = ["target", "result", "applied", "skipped", "detail"];
  const rows = outcomes.map((outcome) => [
    outcome.target,
    outcome.exitCode === 0 ? "ok" : outcome.failed ? "failed" : outcome.refused ? "refused" : "error",
    String(outcome.applied.length),
    String(outcome.skipped),
    outcome.failed ? `${outcome.failed.name}: ${outcome.failed.code}` : outcome.refused ? `${outcome.refused.requires} first` : outcome.error?.code ?? "",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd();
  const lines = [line(header), ...rows.map(line)];
  const done = `${outcomes.length - failed.length} of ${outcomes.length} targets succeeded`;
  lines.push(`${failed.length === 0 ? done : `${done}; not: ${failed.join(", ")}`} — ${formatDuration(totalMs)}${options.request.dryRun ? "; dry run, nothing was committed" : ""}`);
  options.stream.write(`${lines.join("\n")}\n`);
}

/** The targets in the order given, except that a target comes after the one it requires when both run. */
function requiredFirst(targets: readonly NamedTarget[]): NamedTarget[] {
  const names = new Set(targets.map((target) => target.name));
  const ordered: NamedTarget[] = [];
  const visit = (target: NamedTarget) => {
    if (ordered.includes(target)) return;
    const requires = target.config.requires;
    if (requires !== undefined && names.has(requires)) visit(targets.find((t) => t.name === requires)!);
    ordered.push(target);
  };
  for (const target of targets) visit(target);
  return ordered;
}

/** What Ctrl-C leaves, for targets of either kind. */
function interruptedFleet(targets: readonly NamedTarget[]): string {
  const direct = targets.some((target) => target.config.dbUrlEnv !== undefined);
  const functions = targets.some((target) => target.config.url !== undefined);
  if (direct && functions) return `Targets reached through their function: ${INTERRUPTED_FUNCTION_RUN} Targets reached with dbUrlEnv: ${INTERRUPTED_DIRECT_RUN}`;
  return direct ? INTERRUPTED_DIRECT_RUN : INTERRUPTED_FUNCTION_RUN;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
