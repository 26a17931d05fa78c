// The published package, as a user gets it. `npm pack` of a copy of this repository's sources (its
// prepack builds the CLI and the function bundle there, so this repository's dist/ is never rebuilt
// under other tests), the tarball installed with `npm install -D` into a fresh project under the OS's
// temp folder — no access to this repository's node_modules — then, in that project: init, lint,
// serve (the embedded database, real Deno), the Action's script (lint, verify and a dry run on a pull
// request; apply and status on a push to main), apply and status, and the deployable copy that init
// wrote started in Deno. Needs the npm registry (or a warm npm cache) for the package's dependencies.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** What the pack needs from this repository (build.mjs and the sources it bundles, and what `files` ships). */
const SOURCES = ["package.json", "build.mjs", "tsconfig.json", "README.md", "action.yml", "action", "bin", "cli", "shared", "supabase", "docs"];
const FN = "supabase/functions/supamigrate";

const NOTES = "create table if not exists public.notes (id bigint primary key, body text not null);\nalter table public.notes enable row level security;\n";
const TAGS = "create table public.tags (id bigint primary key);\nalter table public.tags enable row level security;\n";
const LINKS = "create table if not exists public.links (id bigint primary key, note_id bigint references public.notes (id));\nalter table public.links enable row level security;\n";

let root: string;
let app: string;
let tarball: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
let installOutput: string;
let serve: { child: ChildProcess; url: string; token: string } | null = null;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program in `cwd` with only PATH and HOME from this process (no NODE_OPTIONS, no tsx). */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The installed bin, as `npx supamigrate` runs it: node_modules/.bin/supamigrate (a symlink to bin/supamigrate.js). */
const supamigrate = (args: string[], env: Record<string, string> = {}) => run(join(app, "node_modules/.bin/supamigrate"), args, app, env);
const served = () => ({ SUPAMIGRATE_URL: serve!.url, SUPAMIGRATE_TOKEN: serve!.token });
/** The Action's step as action.yml runs it, with the workflow's event. */
const action = (env: Record<string, string>) => run(process.execPath, [join(app, "node_modules/supamigrate/action/run.mjs")], app, { ...served(), ...env });
const appliedNames = () => (JSON.parse(supamigrate(["status", "--format", "json"], served()).stdout) as { applied: { name: string }[] }).applied.map((row) => row.name);

before(async () => {
  root = mkdtempSync(join(tmpdir(), "supamigrate-package-"));
  const started = Date.now();
  const src = join(root, "src");
  for (const entry of SOURCES) {
    cpSync(join(REPO, entry), join(src, entry), { recursive: true, filter: (from) => !/[/\\](dist|node_modules|\.supamigrate)$/.test(from) });
  }
  symlinkSync(join(REPO, "node_modules"), join(src, "node_modules"), "dir"); // esbuild and the parser's wasm, for the build only
  const pack = run("npm", ["pack", "--json", "--pack-destination", root], src);
  assert.equal(pack.status, 0, pack.stderr);
  tarball = (JSON.parse(pack.stdout) as (typeof tarball)[])[0];
  const packed = Date.now();

  app = join(root, "app");
  mkdirSync(join(app, "supabase"), { recursive: true });
  mkdirSync(join(app, "scripts"));
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "demo-app", version: "1.0.0", private: true }, null, 2)}\n`);
  writeFileSync(join(app, "supabase/config.toml"), 'project_id = "demo-app"\n');
  writeFileSync(join(app, "scripts/001_create_notes.sql"), NOTES);
  writeFileSync(join(app, "scripts/002_create_tags.sql"), TAGS);
  const install = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "-D", join(root, tarball.filename), `deno@${manifest.devDependencies.deno}`], app);
  installOutput = install.stdout + install.stderr;
  assert.equal(install.status, 0, installOutput);
  console.log(`# tarball ${tarball.filename}: ${(tarball.size / 1024).toFixed(0)} kB packed, ${(tarball.unpackedSize / 1024).toFixed(0)} kB unpacked, ${tarball.files.length} files; pack ${((packed - started) / 1000).toFixed(1)} s, install ${((Date.now() - packed) / 1000).toFixed(1)} s`);
});

after(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill("SIGTERM");
    await new Promise((resolve) => serve!.child.once("exit", resolve));
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

test("the tarball: the built CLI, the function bundle and its wasm, the Action, the docs; no sources, tests or source maps", () => {
  const paths = tarball.files.map((file) => file.path).sort();
  for (const needed of ["bin/supamigrate.js", "bin/package.json", "dist/cli.cjs", "dist/chunks/main.mjs", `${FN}/dist/main.js`, `${FN}/dist/libpg-query.wasm`, `${FN}/deno.json`,
    "supabase/local/supabase-bootstrap.sql", "action.yml", "action/run.mjs", "docs/deploy.md", "docs/ci.md", "README.md", "package.json"]) {
    assert.ok(paths.includes(needed), `${needed} is packed`);
  }
  assert.ok(paths.some((path) => /^dist\/chunks\/init-[A-Z0-9]+\.mjs$/.test(path)), "the CLI's chunks are packed");
  assert.deepEqual(paths.filter((path) => /\.(ts|map)$/.test(path) || /^(test|extension|shared|cli|scripts)\//.test(path)), []);
  assert.ok(tarball.size < 1024 * 1024, `${tarball.size} bytes packed`);
});

test("installed from the tarball: no engine warnings, no install script of its own, and every import of the CLI is a dependency", () => {
  assert.doesNotMatch(installOutput, /EBADENGINE/);
  assert.doesNotMatch(installOutput, /supamigrate@/, "npm would list a prepare/install script of supamigrate's as needing approval");
  const installed = JSON.parse(readFileSync(join(app, "node_modules/supamigrate/package.json"), "utf8")) as { scripts: Record<string, string> };
  assert.deepEqual(Object.keys(installed.scripts).filter((name) => /^(pre|post)?install$|^prepare$/.test(name)), []);

  const dist = join(app, "node_modules/supamigrate/dist");
  const code = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((file) => /\.[cm]?js$/.test(file)).map((file) => readFileSync(join(dist, file), "utf8")).join("\n");
  const specifiers = new Set([
    /^\s*(?:import|export)\s[^"';]*?\bfrom\s*"([^"\n]+)"/gm, // import … from "x" (also across lines)
    /^\s*import\s*"([^"\n]+)"/gm,
    /\bimport\(\s*"([^"\n]+)"\s*\)/g,
    /\brequire(?:\.resolve)?\(\s*"([^"\n]+)"\s*\)/g,
  ].flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1])));
  const packages = [...specifiers].filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtinModules.includes(s))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]));
  assert.ok(packages.includes("libpg-query") && packages.includes("@electric-sql/pglite"), packages.join(", "));
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  assert.deepEqual([...new Set(packages)].filter((name) => !(name in declared)), []);
});

test("action.yml declares every input the Action's script reads and passes it as INPUT_<NAME>", () => {
  const yml = readFileSync(join(app, "node_modules/supamigrate/action.yml"), "utf8");
  const script = readFileSync(join(app, "node_modules/supamigrate/action/run.mjs"), "utf8");
  const read = [...new Set([...script.matchAll(/\binput\("([A-Z_]+)"\)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(read, ["COMMAND", "DIR", "FUNCTION_URL", "REGION", "SET", "TOKEN", "VERSION"]);
  const declared = [...yml.split("\nruns:")[0].matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
  for (const name of read) {
    const input = name.toLowerCase().replace(/_/g, "-");
    assert.ok(declared.includes(input), `inputs.${input} is declared`);
    assert.ok(yml.includes(`\n        INPUT_${name}: \${{ inputs.${input} }}\n`), `INPUT_${name} is passed`);
  }
  assert.match(yml, /\n      run: node "\$\{\{ github\.action_path \}\}\/action\/run\.mjs"\n/);
});

test("npx supamigrate: the bin runs from node_modules/.bin", () => {
  const version = run("npx", ["--no", "--", "supamigrate", "--version"], app);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout, `${manifest.version}\n`);
});

test("init writes the deployable function, supamigrate.json and the config.toml section", () => {
  const init = supamigrate(["init"]);
  assert.equal(init.status, 0, init.stderr);
  assert.equal(init.stdout.split("\nNext steps")[0], [
    `created ${FN}/index.ts`,
    `created ${FN}/README.md`,
    `created ${FN}/deno.json`,
    `created ${FN}/dist/main.js`,
    `created ${FN}/dist/libpg-query.wasm`,
    "created supamigrate.json (migrationsDir scripts)",
    "added to supabase/config.toml ([functions.supamigrate])",
    "",
  ].join("\n"));
  for (const file of ["dist/main.js", "dist/libpg-query.wasm", "deno.json"]) {
    assert.deepEqual(readFileSync(join(app, FN, file)), readFileSync(join(app, "node_modules/supamigrate", FN, file)), file);
  }
  assert.match(readFileSync(join(app, "supabase/config.toml"), "utf8"), /^project_id = "demo-app"\n\n\[functions\.supamigrate\]\n[^]*\nverify_jwt = false\n[^]*\nstatic_files = \["\.\/functions\/supamigrate\/dist\/libpg-query\.wasm"\]\n$/);
});

test("lint, with the project's supamigrate.json", () => {
  const lint = supamigrate(["lint", "--format", "json"]);
  assert.equal(lint.status, 0, lint.stderr);
  assert.deepEqual(JSON.parse(lint.stdout), {
    files: 2,
    findings: [{
      file: "scripts/002_create_tags.sql", line: 1, column: 1, endLine: 1, endColumn: 25, rule: "require-if-not-exists", severity: "warning",
      message: 'CREATE TABLE public.tags without IF NOT EXISTS fails with "already exists" when the table is already there',
    }],
  });
});

test("serve without Deno (an optional peer dependency) says how to get it, before any database starts", () => {
  const hidden = join(app, "node_modules/.deno-hidden");
  renameSync(join(app, "node_modules/deno"), hidden);
  try {
    const result = run(join(app, "node_modules/.bin/supamigrate"), ["serve"], app, { PATH: dirname(process.execPath) }); // no deno on PATH
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "supamigrate: the function runs in Deno, which was not found: install it in your project with `npm install -D deno` (or put deno on PATH, or set DENO_BIN)\n");
    assert.equal(existsSync(join(app, ".supamigrate")), false);
  } finally {
    renameSync(hidden, join(app, "node_modules/deno"));
  }
});

test("serve: the function in Deno on the embedded database", async () => {
  const child = spawn(join(app, "node_modules/.bin/supamigrate"), ["serve"], { cwd: app, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (/^token: .+\n/m.test(stdout)) resolve(stdout);
    });
    child.once("exit", (code) => reject(new Error(`serve exited (${code}) before printing its token:\n${stdout}${stderr}`)));
  });
  const url = /^url: (http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/supamigrate)$/m.exec(lines)?.[1];
  const token = /^token: (.+)$/m.exec(lines)?.[1];
  assert.ok(url && token, lines);
  serve = { child, url, token };
  const health = await fetch(`${url}/health`);
  assert.deepEqual(await health.json(), { ok: true, version: manifest.version });
});

test("the Action on a pull request: lint with annotations, verify, a dry run that commits nothing", () => {
  const result = action({ GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge", SUPAMIGRATE_DEFAULT_BRANCH: "main" });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const out = result.stdout;
  assert.match(out, new RegExp(`^supamigrate ${manifest.version.replace(/\./g, "\\.")} \\(from the project's node_modules\\)\n`));
  assert.ok(out.includes("\n$ supamigrate lint --format github\n::warning file=scripts/002_create_tags.sql,line=1,col=1,endLine=1,endColumn=25,title=require-if-not-exists::"), out);
  assert.ok(out.includes("\n$ supamigrate verify --format github\n"), out);
  assert.ok(out.includes("\n$ supamigrate apply --dry-run --format github\n"), out);
  assert.match(out, /\nDry run: would apply 2, skipped 0 \(already applied\), failed 0 — [^\n]+; nothing was committed\n/);
  assert.ok(out.includes("\n$ supamigrate plan --dry-run --format markdown\n### supamigrate plan: 2 pending files\n"), out);
  assert.ok(!out.includes("$ supamigrate apply --format github"));
  assert.deepEqual(appliedNames(), []);
});

test("the Action without a function URL (a fork's pull request gets no secrets) lints only; an unknown command exits 2", () => {
  const lintOnly = action({ GITHUB_EVENT_NAME: "pull_request", SUPAMIGRATE_URL: "" });
  assert.equal(lintOnly.status, 0, lintOnly.stdout + lintOnly.stderr);
  assert.match(lintOnly.stdout, /^::warning title=supamigrate::No function URL \(the function-url input, or \$SUPAMIGRATE_URL\), so only lint runs\./);
  assert.deepEqual(lintOnly.stdout.split("\n").filter((line) => line.startsWith("$ ")), ["$ supamigrate lint --format github"]);

  const unknown = action({ INPUT_COMMAND: "deploy" });
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stdout, '::error title=supamigrate::command "deploy" is not one of auto, lint, verify, dry-run, plan, apply, status.\n');
});

test("apply and status", () => {
  const apply = supamigrate(["apply"], served());
  assert.equal(apply.status, 0, apply.stdout + apply.stderr);
  assert.match(apply.stdout, /\nApplied 2, skipped 0 \(already applied\), failed 0 — /);
  assert.deepEqual(appliedNames(), ["001_create_notes.sql", "002_create_tags.sql"]);
  const status = supamigrate(["status"], served());
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /\n2 applied, 0 pending, 0 drifted \(compared with scripts\/\)\n/);
});

test("the Action on a push to main: lint, verify, apply the new file, then status", () => {
  writeFileSync(join(app, "scripts/003_create_links.sql"), LINKS);
  const result = action({ GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main", SUPAMIGRATE_DEFAULT_BRANCH: "main" });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /\n\$ supamigrate apply --format github\n✓ 003_create_links\.sql [^\n]+\nApplied 1, skipped 2 \(already applied\), failed 0 — [^\n]+\n\n\$ supamigrate status\n/);
  assert.match(result.stdout, /\n3 applied, 0 pending, 0 drifted \(compared with scripts\/\)\n/);
  assert.deepEqual(appliedNames(), ["001_create_notes.sql", "002_create_tags.sql", "003_create_links.sql"]);
});

test("the copy init wrote starts in Deno as Supabase deploys it (index.ts → dist/main.js, the wasm beside it)", async () => {
  const deno = join(app, "node_modules/.bin/deno");
  const child = spawn(deno, ["run", "--quiet", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", "--config", "deno.json", "index.ts"], {
    cwd: join(app, FN),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", SUPAMIGRATE_PORT: "0", SUPAMIGRATE_TOKEN: serve!.token, SUPABASE_DB_URL: "postgres://postgres@127.0.0.1:1/postgres" },
  });
  try {
    let output = "";
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        output += chunk;
        const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (listening) resolve(listening[1]);
      });
      child.stderr.on("data", (chunk) => (output += chunk));
      child.once("exit", (code) => reject(new Error(`the function exited (${code}):\n${output}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/functions/v1/supamigrate/health`);
    assert.deepEqual(await health.json(), { ok: true, version: manifest.version });
  } finally {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
  }
});
