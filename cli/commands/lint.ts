/**
 * `supamigrate lint [files…] [--dir scripts] [--format text|json|github|sarif] [--url URL | --target NAME] [--verbose] [--no-cache]`
 * Lints the migrations folder (or the given files, in the context of their folder) and prints the
 * findings (text: in colour on a terminal). Exit 0: no errors; 1: findings at error severity; 2: usage or
 * I/O error; 3: the function refused the token given for --url or --target (401/403), or the target's
 * database refused the login. A folder's result is
 * cached in .supamigrate-cache/ (see ../lint-cache.ts): a hit prints the same bytes without loading the
 * SQL parser.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { CONFIG_FILE } from "../../shared/lint/config-file.ts";
import { formatGithub, formatJson, formatSummary } from "../../shared/lint/format/text.ts";
import type { Finding } from "../../shared/lint/types.ts";
import { cacheKey, type CachedLint, hasEntry, readEntry, toCached, writeEntry } from "../lint-cache.ts";
import { DIR_HELP, displayPath, openProject, readListingOrFail } from "../project.ts";
import { colorsFor } from "../output/colors.ts";
import { describeError, EXIT_NOT_AUTHORIZED, isAuthRefusal, UsageError } from "../output/errors.ts";
import { lintSummary, lintText } from "../output/lint-text.ts";
import type { LintListedFile } from "../../shared/lint/engine.ts";
import { version } from "../version.ts";

export type LintFormat = "text" | "json" | "github" | "sarif";

export interface LintFlags {
  readonly dir?: string;
  readonly format: LintFormat;
  readonly url?: string;
  /** A target named in supamigrate.json, whose deployed state is compared instead of --url's. */
  readonly target?: string;
  readonly verbose?: boolean;
  /** false: neither read nor write the lint cache (`--no-cache`). */
  readonly cache?: boolean;
}

/** A usage or I/O problem: printed as `supamigrate lint: <message>`, exit 2 (3 when the function refused the token). */
class LintUsageError extends Error {
  constructor(message: string, readonly exitCode: number = 2) {
    super(message);
  }
}

export function register(program: Command): void {
  program.command("lint")
    .description("lint migrations: the folder, or the given files in the context of their folder")
    .argument("[files...]", "migration files to lint (default: the whole --dir)")
    .option("--dir <dir>", DIR_HELP)
    .addOption(program.createOption("--format <format>", "output format").choices(["text", "json", "github", "sarif"]).default("text"))
    .option("--url <url>", "the function's URL, to check deployed files for edits (default: $SUPAMIGRATE_URL; token: $SUPAMIGRATE_TOKEN)")
    .option("--target <name>", "a target named in supamigrate.json: check the files deployed there for edits (instead of --url)")
    .option("--verbose", "say what was linted and what was skipped, on stderr")
    .option("--no-cache", "lint afresh: neither read nor write the lint cache (.supamigrate-cache/)")
    .action(async (files: string[], flags: LintFlags) => {
      try {
        process.exitCode = await lint(files, flags);
      } catch (error) {
        if (!(error instanceof LintUsageError)) throw error;
        process.stderr.write(`supamigrate lint: ${error.message}\n`);
        process.exitCode = error.exitCode;
      }
    });
}

/** A folder to lint: its listing, the given files among it (null: all), and its cached result if any. */
interface Folder {
  readonly dir: string;
  readonly only: Set<string> | null;
  readonly listing: LintListedFile[];
  readonly ignored: string[];
  readonly key: string | null;
  readonly cached: CachedLint | null;
}

/** Runs the command; returns the exit code. */
export async function lint(files: readonly string[], flags: LintFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  const verbose = (line: string) => flags.verbose && process.stderr.write(`${line}\n`);
  const useCache = flags.cache !== false;
  const project = await openLintProject(flags.dir);
  // The cache key holds the file's text: a changed rule setting is a different lint.
  const configText = project.configPath === null ? null : readFileSync(project.configPath, "utf8");
  const wanted = files.length ? foldersOfFiles(files) : new Map([[project.dir, null]]);
  // Compiling the parser's WebAssembly is the largest fixed cost: when a folder has no cache entry, start
  // it now, behind reading the folders (lintProject awaits the same load).
  if (!useCache || [...wanted.keys()].some((dir) => !hasEntry(dir))) import("../../shared/sql/index.ts").then((sql) => sql.loadParser()).catch(() => {});
  const applied = flags.target !== undefined
    ? await appliedOnTarget(flags.target, flags.url, env)
    : await fetchApplied(flags.url ?? env.SUPAMIGRATE_URL, env.SUPAMIGRATE_TOKEN || null);
  if (!applied) verbose("no-edit-after-deploy skipped: no --url, --target or SUPAMIGRATE_URL, so the deployed state is unknown");
  const folders = await Promise.all([...wanted].map(([dir, only]) => readFolder(dir, only, useCache ? { configText, applied } : null)));

  const results = new Map<string, CachedLint>();
  const misses = folders.filter((folder) => !folder.cached);
  if (misses.length) {
    const { lintProject } = await import("../../shared/lint/engine.ts");
    for (const { dir, listing } of misses) {
      results.set(dir, toCached(await lintProject({ dir, listing, applied, severities: project.rules })));
    }
  }

  const findings: Finding[] = [];
  let linted = 0;
  for (const { dir, only, ignored, cached } of folders) {
    const result = cached ?? results.get(dir)!;
    if (useCache) verbose(`${dir}: cache ${cached ? "hit" : "miss"}`);
    linted += only ? only.size : result.files;
    // One by one: push(...result.findings) passes each finding as an argument, and some 100,000 overflow the stack.
    for (const f of result.findings) if (!only || only.has(f.file)) findings.push(f);
    if (result.files === 0 && !only) process.stderr.write(`supamigrate lint: no migrations in ${dir} (a migration is <number>_<name>.sql)\n`);
    verbose(`${dir}: ${result.files} migrations${ignored.length ? `; ignored (not .sql files): ${ignored.join(", ")}` : ""}`);
  }
  process.stdout.write(await render(findings, linted, flags.format, env));
  if (flags.format === "text") process.stderr.write(`${lintSummary(findings, linted, colorsFor(process.stderr, env))}\n`);
  if (flags.format === "github") process.stderr.write(`${formatSummary(findings, linted)}\n`);
  for (const { dir, key } of useCache ? misses : []) {
    const failure = writeEntry(dir, key!, results.get(dir)!);
    if (failure) verbose(`${dir}: cache not written: ${failure}`);
  }
  verbose(`linted in ${Math.round(performance.now() - started)} ms`);
  return findings.some((f) => f.severity === "error") ? 1 : 0;
}

/** Reads a folder's listing and, with the cache on, looks its result up. */
async function readFolder(dir: string, only: Set<string> | null, cache: { configText: string | null; applied: Map<string, string> | null } | null): Promise<Folder> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LintUsageError(`the migrations folder ${dir} does not exist (set it with --dir or "migrationsDir" in ${CONFIG_FILE})`);
  const { listing, ignored } = await readListingOrFail(dir);
  const key = cache ? cacheKey({ ...cache, dir, listing, ignored }) : null;
  return { dir, only, listing, ignored, key, cached: key ? readEntry(dir, key) : null };
}

async function render(findings: readonly Finding[], files: number, format: LintFormat, env: NodeJS.ProcessEnv): Promise<string> {
  if (format === "json") return formatJson(findings, files);
  if (format === "github") return formatGithub(findings);
  if (format === "sarif") return (await import("../../shared/lint/format/sarif.ts")).formatSarif(findings, { version });
  // text: in colour on a terminal (NO_COLOR / FORCE_COLOR honoured); the same bytes as the contract's format otherwise.
  return lintText(findings, colorsFor(process.stdout, env));
}

/** The project (supamigrate.json found walking up), with its problems said as lint's usage errors. */
async function openLintProject(dir: string | undefined) {
  try {
    return await openProject(dir);
  } catch (error) {
    if (error instanceof UsageError) throw new LintUsageError(error.message);
    throw error;
  }
}

/** Given files grouped by their migrations folder (a rollback's folder is its parent's). */
function foldersOfFiles(files: readonly string[]): Map<string, Set<string> | null> {
  const folders = new Map<string, Set<string> | null>();
  for (const file of files) {
    if (!existsSync(file)) throw new LintUsageError(`${file} does not exist`);
    if (!statSync(file).isFile()) throw new LintUsageError(`${file} is not a file; to lint a folder use --dir ${file}`);
    if (!file.toLowerCase().endsWith(".sql")) throw new LintUsageError(`${file} is not a .sql file; migrations are <number>_<name>.sql`);
    let dir = dirname(resolve(file));
    if (basename(dir) === "rollback") dir = dirname(dir);
    const display = displayPath(dir);
    const set = folders.get(display) ?? new Set<string>();
    const relativePath = relative(dir, resolve(file)).split(sep).join("/");
    set.add(`${display}/${relativePath}`);
    folders.set(display, set);
  }
  return folders;
}

/** The deployed state of a target named in supamigrate.json (its function, or its database directly). */
async function appliedOnTarget(name: string, url: string | undefined, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  if (url !== undefined) throw new LintUsageError(`--target ${name} takes where to go from supamigrate.json: drop --url.`);
  const { openTarget } = await import("../target.ts");
  let target: Awaited<ReturnType<typeof openTarget>> | null = null;
  try {
    target = await openTarget({ target: name }, env);
    const status = await target.client.status();
    return new Map(status.applied.map((m) => [m.name, m.checksum]));
  } catch (error) {
    const report = describeError(target?.cleanError ? target.cleanError(error) : error);
    if (error instanceof UsageError) throw new LintUsageError(report.message);
    throw new LintUsageError(`could not fetch the deployed state of ${name}: ${report.message}`, report.exitCode === EXIT_NOT_AUTHORIZED ? EXIT_NOT_AUTHORIZED : 2);
  } finally {
    await target?.close().catch(() => {});
  }
}

async function fetchApplied(url: string | undefined, token: string | null): Promise<Map<string, string> | null> {
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new LintUsageError(`--url must be an http(s) URL ending in /functions/v1/supamigrate, got "${url}"`);
  const [{ createClient }, { nodeFetch }] = await Promise.all([import("../../shared/client/index.ts"), import("../node-fetch.ts")]);
  try {
    const status = await createClient({ url, token, fetch: nodeFetch }).status();
    return new Map(status.applied.map((m) => [m.name, m.checksum]));
  } catch (error) {
    const exitCode = isAuthRefusal(error) ? EXIT_NOT_AUTHORIZED : 2;
    throw new LintUsageError(`could not fetch the deployed state from ${url}: ${error instanceof Error ? error.message : String(error)}`, exitCode);
  }
}
