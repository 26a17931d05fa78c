/**
 * `supamigrate init [--dir <folder>] [--force] [--dry-run]`: sets supamigrate up in the user's project
 * (the current folder), then prints the next steps (docs/deploy.md):
 * - supabase/functions/supamigrate/: the function's deployable bundle copied from this package
 *   (dist/main.js, the parser's dist/libpg-query.wasm), its deno.json, an index.ts entry that loads the
 *   bundle, and a README saying they are generated. A file that differs from what this version writes
 *   is overwritten only with --force (rerun after upgrading); identical files are left alone.
 * - supamigrate.json with the migrations folder (--dir, else detected), unless one is found walking up:
 *   it is the user's, never overwritten.
 * - the migrations folder, when missing.
 * - a [functions.supamigrate] section appended to supabase/config.toml when the file has none; one that
 *   lacks what the function needs, or no config.toml at all, gets advice instead of an edit.
 * Exit 0, or 2 when files would be overwritten without --force or the package has no bundle.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { CONFIG_FILE } from "../../shared/lint/config-file.ts";
import { resolveProject } from "../../shared/project/index.ts";
import { nodeFileSystem } from "../node-file-system.ts";
import { reportError, UsageError } from "../output/errors.ts";
import { packageRoot } from "../serve/package-root.ts";
import { version } from "../version.ts";

const FUNCTION_DIR = "supabase/functions/supamigrate";
const SUPABASE_CONFIG = "supabase/config.toml";
const WASM = "dist/libpg-query.wasm";

/** What config.toml needs for the function (docs/deploy.md, "verify_jwt = false, and why"). */
export const CONFIG_SECTION = `[functions.supamigrate]
# Written by \`npx supamigrate init\`. The function checks its own bearer tokens (SUPAMIGRATE_TOKEN is
# not a JWT), so Supabase's JWT check must be off for it.
enabled = true
verify_jwt = false
# The SQL parser's WebAssembly, read at run time from beside the bundle.
static_files = ["./functions/supamigrate/${WASM}"]
`;

export interface InitOptions {
  /** The user's project folder (where the files go). */
  readonly cwd: string;
  /** The migrations folder to record, relative to `cwd` (default: detected). */
  readonly dir?: string;
  readonly force: boolean;
  /** The installed supamigrate package's folder, holding the built function (default: this package). */
  readonly packageDir?: string;
}

/** One thing init does (or would do), relative to `cwd`. */
export interface InitStep {
  readonly path: string;
  readonly action: "create" | "overwrite" | "unchanged" | "conflict" | "keep" | "append" | "create-folder";
  readonly note?: string;
  /** Performs the step; absent for steps that change nothing. */
  readonly run?: () => void;
}

export interface InitPlan {
  readonly steps: InitStep[];
  /** config.toml advice, when it is not edited. */
  readonly advice: string[];
  readonly migrationsDir: string;
}

export async function planInit(options: InitOptions): Promise<InitPlan> {
  const packageDir = options.packageDir ?? packageRoot();
  const source = join(packageDir, FUNCTION_DIR);
  for (const file of ["dist/main.js", WASM, "deno.json"]) {
    if (!existsSync(join(source, file))) {
      throw new UsageError(`the function bundle is missing from the supamigrate package (${join(source, file)}): reinstall supamigrate, or run \`npm run build\` in its repository.`);
    }
  }
  const steps: InitStep[] = [];
  const write = (path: string, content: string | Uint8Array) => {
    const target = join(options.cwd, path);
    const run = () => {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    };
    if (!existsSync(target)) steps.push({ path, action: "create", run });
    else if (Buffer.from(readFileSync(target)).equals(Buffer.from(content))) steps.push({ path, action: "unchanged" });
    else steps.push({ path, action: options.force ? "overwrite" : "conflict", run: options.force ? run : undefined });
  };
  write(`${FUNCTION_DIR}/index.ts`, functionEntry());
  write(`${FUNCTION_DIR}/README.md`, functionReadme());
  write(`${FUNCTION_DIR}/deno.json`, readFileSync(join(source, "deno.json")));
  write(`${FUNCTION_DIR}/dist/main.js`, readFileSync(join(source, "dist/main.js")));
  write(`${FUNCTION_DIR}/${WASM}`, readFileSync(join(source, WASM)));

  const project = await projectIn(options.cwd, options.dir);
  if (project.configPath !== null) {
    steps.push({ path: project.configPath, action: "keep", note: `migrationsDir ${project.dir}` });
  } else {
    const text = `${JSON.stringify({ migrationsDir: project.dir, rules: {} }, null, 2)}\n`;
    steps.push({ path: CONFIG_FILE, action: "create", note: `migrationsDir ${project.dir}`, run: () => writeFileSync(join(options.cwd, CONFIG_FILE), text, { flag: "wx" }) });
  }
  const migrations = join(options.cwd, project.dir);
  if (!existsSync(migrations)) {
    steps.push({ path: `${project.dir}/`, action: "create-folder", run: () => mkdirSync(migrations, { recursive: true }) });
  } else if (!statSync(migrations).isDirectory()) {
    throw new UsageError(`${project.dir} is not a folder: pass --dir <the migrations folder>.`);
  }

  const advice: string[] = [];
  const tomlPath = join(options.cwd, SUPABASE_CONFIG);
  if (!existsSync(tomlPath)) {
    advice.push(`No ${SUPABASE_CONFIG} here: run \`supabase init\`, then \`npx supamigrate init\` again (or add this section to it yourself):`, "", ...indent(CONFIG_SECTION));
  } else {
    const toml = readFileSync(tomlPath, "utf8");
    const section = functionSection(toml);
    if (section === null) {
      steps.push({ path: SUPABASE_CONFIG, action: "append", note: "[functions.supamigrate]", run: () => appendFileSync(tomlPath, `${toml === "" || toml.endsWith("\n") ? "" : "\n"}\n${CONFIG_SECTION}`) });
    } else {
      const missing = [
        /^\s*verify_jwt\s*=\s*false\b/m.test(section) ? null : "verify_jwt = false",
        /libpg-query\.wasm/.test(section) ? null : `static_files = ["./functions/supamigrate/${WASM}"]`,
      ].filter((line): line is string => line !== null);
      if (missing.length > 0) advice.push(`${SUPABASE_CONFIG} has a [functions.supamigrate] section without what the function needs; add to it:`, "", ...indent(missing.join("\n")));
    }
  }
  return { steps, advice, migrationsDir: project.dir };
}

const indent = (text: string) => text.trimEnd().split("\n").map((line) => `  ${line}`);

/** The text of config.toml's [functions.supamigrate] section, or null when it has none. */
export function functionSection(toml: string): string | null {
  const lines = toml.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*\[\s*functions\s*\.\s*("supamigrate"|supamigrate)\s*\]\s*(#.*)?$/.test(line));
  if (start === -1) return null;
  const end = lines.findIndex((line, index) => index > start && /^\s*\[/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

/** The migrations folder and the config file found walking up (shared/project), relative to `cwd`. */
async function projectIn(cwd: string, dir: string | undefined): Promise<{ dir: string; configPath: string | null }> {
  const resolved = await resolveProject(nodeFileSystem, slashes(resolve(cwd)), { migrationsDir: dir ?? null });
  if (!resolved.ok) throw new UsageError(resolved.errors.join("\n"));
  const { migrationsDir, configPath } = resolved.project;
  return { dir: slashes(relative(cwd, migrationsDir)) || ".", configPath: configPath === null ? null : slashes(relative(cwd, configPath)) };
}

const slashes = (path: string) => path.split(sep).join("/");

function functionEntry(): string {
  return [
    `// Generated by \`npx supamigrate init\` (supamigrate ${version}); do not edit. After upgrading supamigrate,`,
    "// run `npx supamigrate init --force` to update this folder, then `supabase functions deploy supamigrate`.",
    'import "./dist/main.js";',
    "",
  ].join("\n");
}

function functionReadme(): string {
  return `# The supamigrate Edge Function (generated)

Generated by \`npx supamigrate init\` from supamigrate ${version}: do not edit these files. After upgrading
supamigrate, run \`npx supamigrate init --force\` to update them, then \`supabase functions deploy supamigrate\`.

- \`index.ts\`: the entry Supabase deploys; it loads the bundle.
- \`dist/main.js\`: the function and the library code it uses, in one file; \`npm:postgres\` and \`npm:jose\`
  stay imports, pinned in \`deno.json\`.
- \`${WASM}\`: the SQL parser, read from beside the bundle (\`static_files\` in \`supabase/config.toml\`).

Secrets: \`SUPAMIGRATE_TOKEN\` (\`supabase secrets set SUPAMIGRATE_TOKEN=…\`); Supabase provides \`SUPABASE_DB_URL\`.
See node_modules/supamigrate/docs/deploy.md.
`;
}

const VERBS: Record<InitStep["action"], [string, string]> = {
  create: ["created", "would create"],
  overwrite: ["overwrote", "would overwrite"],
  unchanged: ["unchanged", "unchanged"],
  conflict: ["differs", "differs"],
  keep: ["kept", "would keep"],
  append: ["added to", "would add to"],
  "create-folder": ["created", "would create"],
};

function stepLine(step: InitStep, dryRun: boolean): string {
  return `${VERBS[step.action][dryRun ? 1 : 0]} ${step.path}${step.note ? ` (${step.note})` : ""}`;
}

function nextSteps(plan: InitPlan): string[] {
  return [
    "",
    "Next steps (docs: node_modules/supamigrate/docs/deploy.md and ci.md):",
    "  1. Deploy the function with the Supabase CLI, linked to your project (`supabase link`):",
    "       supabase secrets set SUPAMIGRATE_TOKEN=$(openssl rand -base64 32)   # keep it: CI needs it too",
    "       supabase functions deploy supamigrate",
    "  2. Check it (the token from an environment variable, never a flag):",
    "       export SUPAMIGRATE_URL=https://<project-ref>.supabase.co/functions/v1/supamigrate SUPAMIGRATE_TOKEN=<the token>",
    "       npx supamigrate status",
    `  3. CI: add the workflow from docs/ci.md (it uses the supamigrate GitHub Action) with the repository`,
    "     secrets SUPAMIGRATE_URL and SUPAMIGRATE_TOKEN.",
    `Write migrations in ${plan.migrationsDir}/ (\`npx supamigrate new <name>\`), check them with \`npx supamigrate lint\`;`,
    "try them on a local function first: `npm install -D deno && npx supamigrate serve`.",
  ];
}

export function register(program: Command): void {
  program.command("init")
    .description("set up supamigrate in this project: the Edge Function's deployable bundle in supabase/functions/supamigrate/, supamigrate.json and supabase/config.toml")
    .option("--dir <dir>", "the migrations folder to record in supamigrate.json (default: scripts/ or supabase/migrations/ when present, else scripts)")
    .option("--force", "overwrite the function's files that differ from this version's (after an upgrade); supamigrate.json is never overwritten", false)
    .option("--dry-run", "list what would be written, and write nothing", false)
    .action(async (flags: { dir?: string; force: boolean; dryRun: boolean }) => {
      try {
        const plan = await planInit({ cwd: resolve("."), dir: flags.dir, force: flags.force });
        const conflicts = plan.steps.filter((step) => step.action === "conflict");
        for (const step of plan.steps) process.stdout.write(`${stepLine(step, flags.dryRun || conflicts.length > 0)}\n`);
        if (conflicts.length > 0) {
          throw new UsageError(`${conflicts.length === 1 ? "this file exists and differs" : "these files exist and differ"} from what supamigrate ${version} writes: ${conflicts.map((step) => step.path).join(", ")}. Nothing was written; run \`npx supamigrate init --force\` to overwrite ${conflicts.length === 1 ? "it" : "them"} (supamigrate.json is never overwritten).`);
        }
        if (!flags.dryRun) for (const step of plan.steps) step.run?.();
        for (const line of plan.advice) process.stdout.write(`${line}\n`);
        if (!flags.dryRun) for (const line of nextSteps(plan)) process.stdout.write(`${line}\n`);
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = reportError("init", error, false);
      }
    });
}
