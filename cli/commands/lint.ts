/**
 * `supamigrate lint [files…] [--dir scripts] [--format text|json|github|sarif] [--url URL] [--verbose]`
 * Lints the migrations folder (or the given files, in the context of their folder) and prints the
 * findings. Exit 0: no errors; 1: findings at error severity; 2: usage or I/O error.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { type Command, Option } from "commander";
import { CONFIG_FILE, DEFAULT_CONFIG, type LintConfig, parseConfig } from "../../shared/lint/config.ts";
import type { Finding } from "../../shared/lint/types.ts";
import { readLintListing } from "../read-folder.ts";
import { version } from "../version.ts";

export type LintFormat = "text" | "json" | "github" | "sarif";

export interface LintFlags {
  readonly dir?: string;
  readonly format: LintFormat;
  readonly url?: string;
  readonly verbose?: boolean;
}

/** A usage or I/O problem: printed as `supamigrate lint: <message>`, exit 2. */
class LintUsageError extends Error {}

export function register(program: Command): void {
  program.command("lint")
    .description("lint migrations: the folder, or the given files in the context of their folder")
    .argument("[files...]", "migration files to lint (default: the whole --dir)")
    .option("--dir <dir>", `the migrations folder (default: "migrationsDir" from ${CONFIG_FILE}, else scripts)`)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "github", "sarif"]).default("text"))
    .option("--url <url>", "the function's URL, to check deployed files for edits (default: $SUPAMIGRATE_URL; token: $SUPAMIGRATE_TOKEN)")
    .option("--verbose", "say what was linted and what was skipped, on stderr")
    .action(async (files: string[], flags: LintFlags) => {
      try {
        process.exitCode = await lint(files, flags);
      } catch (error) {
        if (!(error instanceof LintUsageError)) throw error;
        process.stderr.write(`supamigrate lint: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}

/** Runs the command; returns the exit code. */
export async function lint(files: readonly string[], flags: LintFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  // Compiling the parser's WebAssembly is the largest fixed cost: start it now, behind reading the
  // config and the folder (lintProject awaits the same load).
  const parserReady = import("../../shared/sql/index.ts").then((sql) => sql.loadParser());
  const verbose = (line: string) => flags.verbose && process.stderr.write(`${line}\n`);
  const config = readConfig();
  const folders = files.length ? foldersOfFiles(files) : new Map([[displayPath(flags.dir ?? config.migrationsDir), null]]);
  const deployed = await fetchDeployed(flags.url ?? env.SUPAMIGRATE_URL, env.SUPAMIGRATE_TOKEN || null);
  if (!deployed) verbose("no-edit-after-deploy skipped: no --url or SUPAMIGRATE_URL, so the deployed state is unknown");
  const { lintProject } = await import("../../shared/lint/engine.ts");
  await parserReady;
  const findings: Finding[] = [];
  let linted = 0;
  for (const [dir, only] of folders) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LintUsageError(`the migrations folder ${dir} does not exist (set it with --dir or "migrationsDir" in ${CONFIG_FILE})`);
    const { listing, ignored } = readLintListing(dir);
    const result = await lintProject({ dir, listing, deployed, severities: config.rules });
    linted += only ? only.size : result.files;
    findings.push(...(only ? result.findings.filter((f) => only.has(f.file)) : result.findings));
    if (result.files === 0 && !only) process.stderr.write(`supamigrate lint: no migrations in ${dir} (a migration is <number>_<name>.sql)\n`);
    verbose(`${dir}: ${result.files} migrations${ignored.length ? `; ignored (not .sql files): ${ignored.join(", ")}` : ""}`);
  }
  process.stdout.write(await render(findings, linted, flags.format));
  if (flags.format === "text" || flags.format === "github") {
    const { formatSummary } = await import("../../shared/lint/format/text.ts");
    process.stderr.write(`${formatSummary(findings, linted)}\n`);
  }
  verbose(`linted in ${Math.round(performance.now() - started)} ms`);
  return findings.some((f) => f.severity === "error") ? 1 : 0;
}

async function render(findings: readonly Finding[], files: number, format: LintFormat): Promise<string> {
  const text = await import("../../shared/lint/format/text.ts");
  if (format === "json") return text.formatJson(findings, files);
  if (format === "github") return text.formatGithub(findings);
  if (format === "sarif") return (await import("../../shared/lint/format/sarif.ts")).formatSarif(findings, { version });
  return text.formatText(findings);
}

/** `supamigrate.json` from the current folder (the repository root), or the defaults when there is none. */
function readConfig(): LintConfig {
  if (!existsSync(CONFIG_FILE)) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = readFileSync(CONFIG_FILE, "utf8");
  } catch (error) {
    throw new LintUsageError(`cannot read ${CONFIG_FILE}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = parseConfig(text);
  if (!result.ok) throw new LintUsageError(result.errors.join("\n"));
  return result.config;
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

/** A path as findings show it: relative to the current folder with `/`, or absolute when outside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path)).split(sep).join("/");
  if (rel === "") return ".";
  return rel.startsWith("..") ? resolve(path).split(sep).join("/") : rel;
}

async function fetchDeployed(url: string | undefined, token: string | null): Promise<Map<string, string> | null> {
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new LintUsageError(`--url must be an http(s) URL ending in /functions/v1/supamigrate, got "${url}"`);
  const { createClient } = await import("../../shared/client/index.ts");
  try {
    const status = await createClient({ url, token }).status();
    return new Map(status.applied.map((m) => [m.name, m.checksum]));
  } catch (error) {
    throw new LintUsageError(`could not fetch the deployed state from ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
