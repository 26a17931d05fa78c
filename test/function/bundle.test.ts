// The deployable bundle (supabase/functions/supamigrate/dist/): self-contained, and it runs in real
// Deno from a temp folder with nothing else of the repo beside it — parser wasm included.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { packageVersion } from "./support.ts";
import { denoBinary, functionBundle, FUNCTION_V8_FLAGS } from "../../cli/serve/deno.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { events, post, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let dbUrl: string;

before(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase();
  const started = Date.now();
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
  console.log(`# Deno start of the bundle: ${Date.now() - started} ms`);
});

after(async () => {
  await fn?.stop();
  await pg?.stop();
});

test("the bundle imports only npm: (pinned) and node: modules, nothing relative or bare", () => {
  const text = readFileSync(functionBundle(), "utf8");
  const specifiers = [...text.matchAll(/^\s*import\s[^"';]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => m[1] ?? m[2]);
  assert.ok(specifiers.length > 0);
  const offending = specifiers.filter((s) => !/^node:[a-z_/]+$/.test(s) && !/^npm:[@a-z0-9/_.-]+@\d+\.\d+\.\d+$/.test(s));
  assert.deepEqual(offending, []);
  assert.ok(specifiers.includes("npm:postgres@3.4.9"));
});

test("Deno runs the function with WebAssembly at Liftoff only (FUNCTION_V8_FLAGS)", () => {
  assert.deepEqual(FUNCTION_V8_FLAGS, ["--liftoff-only"]);
  const argv = readFileSync(`/proc/${fn.process.pid}/cmdline`, "utf8").split("\0");
  assert.ok(argv.includes("--v8-flags=--liftoff-only"), argv.join(" "));
});

test("alone in a temp folder: health, then a real apply that needs the parser", async () => {
  const health = await fetch(`${fn.base}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true, version: packageVersion });

  const files = [
    {
      name: "001_function.sql",
      sql: "create table if not exists public.items (id int primary key, name text);\n" +
        "create or replace function public.item_count() returns bigint language plpgsql as $$\n" +
        "begin\n  return (select count(*) from public.items); -- a ';' inside the body\nend;\n$$;\n",
      rollback: null,
    },
    { name: "002_index.sql", sql: "create index concurrently if not exists items_name_idx on public.items (name);\n", rollback: null },
  ];
  const list = await events(await post(fn.base, "apply", { migrations: files }));
  assert.deepEqual(list.at(-1), { event: "done", applied: ["001_function.sql", "002_index.sql"], failed: null, stoppedBy: null });
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select public.item_count() as n, to_regclass('public.items_name_idx') is not null as indexed`;
    assert.equal(Number(row.n), 0);
    assert.equal(row.indexed, true);
  } finally {
    await sql.end();
  }
});

test("without libpg-query.wasm beside it the function fails loudly at start (so the copied wasm is what loads)", async () => {
  const folder = mkdtempSync(join(tmpdir(), "supamigrate-nowasm-"));
  try {
    copyFileSync(functionBundle(), join(folder, "main.js"));
    const child = spawn(denoBinary(), ["run", "--quiet", "--no-config", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", "main.js"], {
      cwd: folder,
      env: { ...process.env, SUPAMIGRATE_PORT: "0", SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: dbUrl, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(timer);
    assert.notEqual(code, 0);
    assert.match(output, /ENOENT[^\n]*libpg-query\.wasm/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
