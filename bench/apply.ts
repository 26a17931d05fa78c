/**
 * `npm run bench:apply`: the same generated migrations applied to fresh PostgreSQL 15 databases by
 * (a) `supamigrate apply` through the served function, (b) psql in one session with a transaction per
 * file, (c) `supabase db push`. Two settings: local (loopback) and "CI far from the database", where a
 * proxy adds BENCH_DELAY_MS (10) each way between the client and what it talks to — Postgres for psql
 * and the Supabase CLI, the function for supamigrate (the function talks to Postgres directly, as an
 * Edge Function next to its database does).
 * (a′) repeats (a) with the function's Deno on V8's default flags (see FUNCTION_V8_FLAGS in cli/serve/deno.ts).
 * Each setting runs BENCH_RUNS (3) rounds of all four, interleaved; the table shows medians, with every
 * round's ratio next to them, since the machine's speed drifts between and even within runs.
 * All of it runs twice, with the server's data directory on disk and in memory (support/data-placements.ts).
 * Last, the bytes an apply sends for 500 applied files + 1 pending (support/send-pending.ts).
 * Env: BENCH_FILES_LOCAL (500), BENCH_FILES_FAR (100), BENCH_DELAY_MS (10), BENCH_RUNS (3),
 * BENCH_DATA (disk,memory: either or both).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { startServe } from "../cli/serve/index.ts";
import { type PostgresServer, startPostgres } from "../test/support/postgres.ts";
import { startDelayProxy } from "../test/support/delay-proxy.ts";
import { type DataPlacement, dataPlacements } from "./support/data-placements.ts";
import { writeMigrations, writeSupabaseMigrations } from "./support/generate.ts";
import { measureSendPending, reportSendPending } from "./support/send-pending.ts";

const ROOT = resolve(import.meta.dirname, "..");
const PSQL = join(process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin", "psql");
const filesLocal = Number(process.env.BENCH_FILES_LOCAL ?? 500);
const filesFar = Number(process.env.BENCH_FILES_FAR ?? 100);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 10);

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

type Tool = "supamigrate" | "supamigrateDefaultV8" | "psql" | "supabase";
/**
 * Each tool's times, one per round (rounds interleave the tools, so a slow spell of the machine hits all of them),
 * and for each (a) round the database's own time for the files: the durations the function recorded
 * (supamigrate.migrations.duration_ms, the server's clock from each file's BEGIN to its tracking row).
 * On disk that part swings 3× between identical rounds, so (a) minus it tells a change in supamigrate
 * from a slow spell of the database.
 */
type Timings = Record<Tool, number[]> & { supamigrateDatabase: number[] };

function exec(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolvePromise(ms);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

/** Checks that every file ran, then drops the database (rounds would otherwise pile up thousands of tables). */
async function assertApplied(pg: PostgresServer, dbUrl: string, count: number, who: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename like 'items_%'`;
  await sql.end();
  if (n !== count) throw new Error(`${who} created ${n} of ${count} tables`);
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database "${new URL(dbUrl).pathname.slice(1)}" with (force)`);
  await admin.end();
}

/**
 * Waits until the server has no background work left from the previous run (autovacuum analyzing the
 * hundreds of tables it created, a checkpoint), so every tool is timed on an idle server: without this
 * the run that follows a big one (supamigrate's far run follows db push's local one) can pay for it.
 */
async function quiesce(pg: PostgresServer): Promise<void> {
  const sql = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`checkpoint`;
    for (let idle = 0, i = 0; idle < 3 && i < 300; i++) {
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`;
      idle = n === 0 ? idle + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await sql.end();
  }
}

async function runSupamigrate(
  pg: PostgresServer, dir: string, count: number, delay: number, v8Flags?: readonly string[], databaseMs?: number[],
): Promise<number> {
  const dbUrl = await pg.createDatabase();
  const serve = await startServe({ dbUrl, v8Flags });
  // A deployed function is already booted: wake it (no database work) before the clock starts.
  await fetch(`${serve.url}/health`);
  const origin = new URL(serve.url);
  const proxy = delay > 0 ? await startDelayProxy({ host: origin.hostname, port: Number(origin.port) }, delay) : null;
  try {
    const url = proxy ? proxy.via(serve.url) : serve.url;
    await quiesce(pg);
    const ms = await exec(process.execPath, [join(ROOT, "bin/supamigrate.js"), "apply", "--url", url, "--dir", dir], {
      env: { SUPAMIGRATE_TOKEN: serve.token, NO_COLOR: "1" },
    });
    if (databaseMs) databaseMs.push(await recordedDurations(dbUrl));
    await assertApplied(pg, dbUrl, count, "supamigrate");
    return ms;
  } finally {
    await proxy?.close();
    await serve.stop();
  }
}

/** The sum of the durations an apply recorded: the database's own time for its files. */
async function recordedDurations(dbUrl: string): Promise<number> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ ms }] = await sql<{ ms: number }[]>`select coalesce(sum(duration_ms), 0)::int as ms from supamigrate.migrations`;
    return ms;
  } finally {
    await sql.end();
  }
}

async function runPsql(pg: PostgresServer, dir: string, names: string[], delay: number): Promise<number> {
  const dbUrl = await pg.createDatabase();
  const proxy = delay > 0 ? await startDelayProxy({ host: "127.0.0.1", port: pg.port }, delay) : null;
  try {
    const script = join(dir, "..", "all.psql");
    writeFileSync(script, names.map((name) => `begin;\n\\i ${join(dir, name)}\ncommit;\n`).join(""));
    await quiesce(pg);
    const ms = await exec(PSQL, [proxy ? proxy.via(dbUrl) : dbUrl, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", script]);
    await assertApplied(pg, dbUrl, names.length, "psql");
    return ms;
  } finally {
    await proxy?.close();
  }
}

async function runSupabase(pg: PostgresServer, work: string, count: number, delay: number): Promise<number> {
  const dbUrl = await pg.createDatabase();
  const proxy = delay > 0 ? await startDelayProxy({ host: "127.0.0.1", port: pg.port }, delay) : null;
  try {
    const project = join(work, "supabase-project");
    writeSupabaseMigrations(join(project, "supabase", "migrations"), count);
    writeFileSync(join(project, "supabase", "config.toml"), 'project_id = "bench"\n');
    const target = `${proxy ? proxy.via(dbUrl) : dbUrl}?sslmode=disable`;
    await quiesce(pg);
    const ms = await exec(join(ROOT, "node_modules", ".bin", "supabase"), ["db", "push", "--db-url", target, "--yes"], { cwd: project });
    await assertApplied(pg, dbUrl, count, "supabase db push");
    return ms;
  } finally {
    await proxy?.close();
  }
}

async function setting(pg: PostgresServer, count: number, delay: number): Promise<Timings> {
  const work = mkdtempSync(join(tmpdir(), "supamigrate-bench-"));
  const times: Timings = { supamigrate: [], supamigrateDefaultV8: [], psql: [], supabase: [], supamigrateDatabase: [] };
  try {
    const dir = join(work, "scripts");
    const names = writeMigrations(dir, count);
    for (let round = 0; round < runs; round++) {
      times.supamigrate.push(await runSupamigrate(pg, dir, count, delay, undefined, times.supamigrateDatabase));
      times.psql.push(await runPsql(pg, dir, names, delay));
      times.supabase.push(await runSupabase(pg, work, count, delay));
      times.supamigrateDefaultV8.push(await runSupamigrate(pg, dir, count, delay, []));
    }
    return times;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;
/** A tool's median time, with every round's time when there are several. */
const time = (values: readonly number[]) => values.length > 1 ? `${s(median(values))} (${values.map((v) => (v / 1000).toFixed(2)).join(", ")})` : s(values[0]);
/** The ratio of medians, with every round's own ratio when there are several. */
const ratio = (top: readonly number[], bottom: readonly number[]) => {
  const rounds = top.map((t, i) => t / bottom[i]);
  return rounds.length > 1 ? `${x(median(top) / median(bottom))} (rounds ${rounds.map((r) => r.toFixed(2)).join(", ")})` : x(rounds[0]);
};

const met = (ok: boolean) => ok ? "met" : "missed";
/** Says so when the target is beyond even the far floor here: no tool could meet it on this database. */
const floorNote = (floorRatio: number, target: number) => floorRatio < target ? `; beyond reach here: the floor itself gives ${x(floorRatio)}` : "";

/** Prints one placement's results: the table, the far floor and (a′). */
function report(placement: DataPlacement, local: Timings, far: Timings): void {
  console.log("");
  console.log(`### Database ${placement.label}: ${placement.description}`);
  console.log("");
  console.log("| setting | files | (a) supamigrate | (b) psql, tx per file | (c) supabase db push | ratios (of medians) |");
  console.log("|---|---|---|---|---|---|");
  console.log(`| local | ${filesLocal} | ${time(local.supamigrate)} | ${time(local.psql)} | ${time(local.supabase)} | ` +
    `(a)/(b) = ${ratio(local.supamigrate, local.psql)} (target ≤ 1.1×); (c)/(a) = ${ratio(local.supabase, local.supamigrate)} |`);
  console.log(`| far (+${delayMs} ms each way) | ${filesFar} | ${time(far.supamigrate)} | ${time(far.psql)} | ${time(far.supabase)} | ` +
    `(c)/(a) = ${ratio(far.supabase, far.supamigrate)} (target ≥ 8×); (b)/(a) = ${ratio(far.psql, far.supamigrate)} (target ≥ 15×) |`);
  // What no tool can beat far from the database: running the files at all. psql's local pace is that
  // work plus little else, and it drifts with the machine's speed, so it is taken from this same run.
  const perFile = median(local.psql) / filesLocal;
  const floor = perFile * filesFar;
  console.log("");
  console.log(`Far floor: ${filesFar} files at psql's local pace in this run (${perFile.toFixed(1)} ms a file) take ${s(floor)}; ` +
    `a tool that only ran them would be (c)/floor = ${x(median(far.supabase) / floor)}, (b)/floor = ${x(median(far.psql) / floor)}. ` +
    `supamigrate's far run is the floor + ${s(median(far.supamigrate) - floor)}.`);
  console.log("");
  const own = far.supamigrate.map((ms, i) => ms - far.supamigrateDatabase[i]);
  console.log(`supamigrate's far run (a) = the database's own time for the files (the durations it recorded) ${time(far.supamigrateDatabase)} ` +
    `+ the rest ${time(own)}: start, request, parsing, lock, round trips. The rest is what a change to supamigrate moves; the database's part follows the machine.`);
  console.log("");
  const localRatio = median(local.supamigrate) / median(local.psql);
  const pushRatio = median(far.supabase) / median(far.supamigrate);
  const psqlRatio = median(far.psql) / median(far.supamigrate);
  console.log(`Targets, on medians: local (a)/(b) ≤ 1.1× ${met(localRatio <= 1.1)} (${x(localRatio)}); ` +
    `far (c)/(a) ≥ 8× ${met(pushRatio >= 8)} (${x(pushRatio)}${floorNote(median(far.supabase) / floor, 8)}); ` +
    `far (b)/(a) ≥ 15× ${met(psqlRatio >= 15)} (${x(psqlRatio)}${floorNote(median(far.psql) / floor, 15)}).`);
  console.log("");
  console.log("(a′) supamigrate with the function's Deno on V8's default flags. serve runs it with WebAssembly at Liftoff only; a");
  console.log("function deployed to Supabase runs with the Edge Runtime's flags, and a fresh worker there compiles the parser with TurboFan:");
  console.log(`local ${time(local.supamigrateDefaultV8)}, (a′)/(b) = ${ratio(local.supamigrateDefaultV8, local.psql)}`);
  console.log(`far ${time(far.supamigrateDefaultV8)}, (c)/(a′) = ${ratio(far.supabase, far.supamigrateDefaultV8)}, ` +
    `(b)/(a′) = ${ratio(far.psql, far.supamigrateDefaultV8)}`);
}

await exec(process.execPath, [join(ROOT, "build.mjs")], { cwd: ROOT });
const { placements, skipped } = dataPlacements((process.env.BENCH_DATA ?? "disk,memory").split(","), ROOT);
for (const reason of skipped) console.log(`skipped ${reason}`);
const results: { placement: DataPlacement; local: Timings; far: Timings }[] = [];
for (const placement of placements) {
  const pg = await startPostgres({ parentDir: placement.parentDir });
  try {
    console.log(`Database ${placement.label} (${placement.description}):`);
    console.log(`  local (loopback), ${filesLocal} files, ${runs} round(s) …`);
    const local = await setting(pg, filesLocal, 0);
    console.log(`  CI far from the database (+${delayMs} ms each way), ${filesFar} files, ${runs} round(s) …`);
    const far = await setting(pg, filesFar, delayMs);
    results.push({ placement, local, far });
  } finally {
    await pg.stop();
  }
}
for (const { placement, local, far } of results) report(placement, local, far);

// Issue 18.4: what an apply sends once most of the folder has run.
{
  const pg = await startPostgres();
  try {
    console.log("");
    console.log(reportSendPending(await measureSendPending(pg, 500, delayMs, runs), delayMs));
  } finally {
    await pg.stop();
  }
}
