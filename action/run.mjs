// The supamigrate GitHub Action's step (action.yml; docs/ci.md). Plain Node, no dependencies: it runs
// before supamigrate is found. It finds the CLI — the project's node_modules/supamigrate, else this
// folder when it is an installed package (`uses: ./node_modules/supamigrate`), else `npm ci` when the
// project's package.json lists supamigrate, else this version installed into $RUNNER_TEMP — then runs
// the steps asked for, stopping at the first that fails (status still runs after a failed apply).
// Inputs arrive as INPUT_* variables (action.yml passes them); the token only ever as an environment variable.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const actionDir = dirname(dirname(fileURLToPath(import.meta.url)));
const input = (name) => (process.env[`INPUT_${name}`] ?? "").trim();
const COMMANDS = ["auto", "lint", "verify", "dry-run", "plan", "apply", "status"];

process.exitCode = main();

function main() {
  const command = input("COMMAND") || "auto";
  if (!COMMANDS.includes(command)) {
    fail(`command "${command}" is not one of ${COMMANDS.join(", ")}.`);
    return 2;
  }
  const env = { ...process.env };
  if (input("FUNCTION_URL")) env.SUPAMIGRATE_URL = input("FUNCTION_URL");
  if (input("TOKEN")) env.SUPAMIGRATE_TOKEN = input("TOKEN");
  if (input("REGION")) env.SUPAMIGRATE_REGION = input("REGION");
  for (const name of Object.keys(env)) if (name.startsWith("INPUT_")) delete env[name];

  const steps = command === "auto" ? autoSteps(env) : [command];
  const cli = findCli();
  if (cli === null) return 2;
  const dir = input("DIR") ? ["--dir", input("DIR")] : [];
  const set = input("SET").split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#")).flatMap((pair) => ["--set", pair]);
  const args = {
    lint: ["lint", "--format", "github", ...dir],
    verify: ["verify", "--format", "github", ...dir],
    "dry-run": ["apply", "--dry-run", "--format", "github", ...dir, ...set],
    // The deployment report (Markdown): into the job's summary page when there is one, else the log.
    plan: ["plan", "--dry-run", "--format", "markdown", ...dir, ...set],
    apply: ["apply", "--format", "github", ...dir, ...set],
    status: ["status", ...dir],
  };
  let exitCode = 0;
  for (const step of steps) {
    if (exitCode !== 0 && step !== "status") break; // status still runs after a failed apply
    console.log(`\n$ supamigrate ${args[step].join(" ")}`);
    const summary = step === "plan" ? process.env.GITHUB_STEP_SUMMARY : undefined;
    const ran = spawnSync(cli[0], [...cli.slice(1), ...args[step]], { stdio: summary ? ["inherit", "pipe", "inherit"] : "inherit", env, encoding: "utf8" });
    if (summary) {
      process.stdout.write(ran.stdout ?? "");
      appendFileSync(summary, ran.stdout ?? "");
    }
    const code = ran.status ?? 1;
    if (exitCode === 0) exitCode = code;
  }
  return exitCode;
}

/** lint, verify, then dry-run and the plan's report, or apply, by the event, then status; lint only without a function URL. */
function autoSteps(env) {
  if (!env.SUPAMIGRATE_URL && !env.SUPABASE_URL) {
    console.log("::warning title=supamigrate::No function URL (the function-url input, or $SUPAMIGRATE_URL), so only lint runs. On a pull request from a fork, repository secrets are not available.");
    return ["lint"];
  }
  const event = process.env.GITHUB_EVENT_NAME ?? "";
  const branch = process.env.SUPAMIGRATE_DEFAULT_BRANCH || "main";
  const onDefaultBranch = process.env.GITHUB_REF === `refs/heads/${branch}`;
  const apply = (event === "push" || event === "workflow_dispatch" || event === "schedule") && onDefaultBranch;
  return apply ? ["lint", "verify", "apply", "status"] : ["lint", "verify", "dry-run", "plan"];
}

/** [program, …args] that run supamigrate, or null after saying why not. */
function findCli() {
  const project = join(process.cwd(), "node_modules", "supamigrate", "bin", "supamigrate.js");
  if (existsSync(project)) return say([process.execPath, project], "the project's node_modules");
  if (existsSync(join(actionDir, "dist", "cli.cjs"))) return say([process.execPath, join(actionDir, "bin", "supamigrate.js")], actionDir);
  if (listsSupamigrate() && existsSync("package-lock.json")) {
    console.log("$ npm ci (the project lists supamigrate)");
    if (spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit", shell: process.platform === "win32" }).status === 0 && existsSync(project)) {
      return say([process.execPath, project], "the project's node_modules");
    }
    return fail("npm ci did not install supamigrate: see its output above.");
  }
  const version = input("VERSION") || JSON.parse(readFileSync(join(actionDir, "package.json"), "utf8")).version;
  const prefix = join(process.env.RUNNER_TEMP || tmpdir(), "supamigrate-cli");
  console.log(`$ npm install supamigrate@${version} (into ${prefix}; the project does not list it)`);
  const installed = spawnSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", `supamigrate@${version}`], { stdio: "inherit", shell: process.platform === "win32" });
  const bin = join(prefix, "node_modules", "supamigrate", "bin", "supamigrate.js");
  if (installed.status !== 0 || !existsSync(bin)) return fail(`could not install supamigrate@${version}: see npm's output above.`);
  return say([process.execPath, bin], prefix);
}

function listsSupamigrate() {
  try {
    const manifest = JSON.parse(readFileSync("package.json", "utf8"));
    return Boolean(manifest.dependencies?.supamigrate ?? manifest.devDependencies?.supamigrate);
  } catch {
    return false;
  }
}

function say(cli, where) {
  const version = spawnSync(cli[0], [...cli.slice(1), "--version"], { encoding: "utf8" }).stdout.trim();
  console.log(`supamigrate ${version} (from ${where})`);
  return cli;
}

function fail(message) {
  console.log(`::error title=supamigrate::${message}`);
  return null;
}
