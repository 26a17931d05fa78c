// Secrets: the function's token never shows up in the function's logs (Deno's stdout and stderr across
// a 401, a token in the URL, a successful apply, a failing apply, a rollback, a 409), in the event log or
// the tracking rows, in any HTTP answer, or in the CLI's output (`node bin/supamigrate.js` with
// SUPAMIGRATE_TOKEN set: right token, wrong token, unreachable URL). A database password given to the
// CLI with --db-url does not show up in its output either — nor, when the database URL is malformed or
// unreachable, in the function's logs and answers, the CLI's `--db-url` output or `supamigrate serve`'s.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { freePort, type PostgresServer, startPostgres } from "../support/postgres.ts";
import { authHeaders, type BundleCopy, copyBundle, errorBody, expectDone, type Fn, postJson, slowFile, TOKEN } from "./support.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin", "supamigrate.js");
const WRONG = "not-the-token-Zq7xW3vN9pL2mK8sT4yB6cD1fG5hJ0abc";
/** Any 12-character slice of the token counts as a leak (a truncated or partly masked token is still a leak). */
const TOKEN_PIECES = Array.from({ length: TOKEN.length - 11 }, (_, i) => TOKEN.slice(i, i + 12));

let pg: PostgresServer;
let bundle: BundleCopy;
let fn: Fn;
let dbUrl: string;
let sql: postgres.Sql;
let project: string;
const answers: string[] = [];

before(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  bundle = copyBundle();
  fn = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
  project = mkdtempSync(join(tmpdir(), "supamigrate-secrets-"));
  mkdirSync(join(project, "scripts", "rollback"), { recursive: true });
  writeFileSync(join(project, "scripts", "001_cli_table.sql"), "create table if not exists public.cli_table (id int);\nalter table public.cli_table enable row level security;\n");
  writeFileSync(join(project, "scripts", "rollback", "001_cli_table.sql"), "drop table if exists public.cli_table;\n");
});

after(async () => {
  await bundle?.cleanup();
  await sql?.end({ timeout: 5 });
  await pg?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

function assertNoToken(text: string, where: string, extra: readonly string[] = []): void {
  for (const piece of [...TOKEN_PIECES, ...extra]) {
    assert.ok(!text.includes(piece), `${where} contains ${piece === TOKEN.slice(0, 12) ? "the token" : JSON.stringify(piece)}:\n${text.slice(0, 2000)}`);
  }
}

async function keep(response: Response): Promise<string> {
  const text = await response.text();
  answers.push(`${response.status} ${JSON.stringify(Object.fromEntries((response.headers as unknown as { entries(): Iterable<[string, string]> }).entries()))} ${text}`);
  return text;
}

test("a run with a 401, a token in the URL, an apply, a failing apply, a 409, a rollback: no token in logs, events, rows or answers", { timeout: 60_000 }, async () => {
  const ok = slowFile(601, 0.01);
  const slow = slowFile(602, 1);
  const bad = { name: "603_bad.sql", sql: "create table if not exists public.k_603 (id int);\nalter table public.no_such_table add column x int;\n", rollback: null };

  assert.equal((await fetch(`${fn.base}/status`, { headers: { authorization: `Bearer ${WRONG}` } }).then(async (r) => [r.status, await keep(r)]))[0], 401);
  assert.equal((await fetch(`${fn.base}/status`).then(async (r) => [r.status, await keep(r)]))[0], 401);
  assert.equal((await fetch(`${fn.base}/status?apikey=${TOKEN}`).then(async (r) => [r.status, await keep(r)]))[0], 400);
  assert.equal((await fetch(`${fn.base}/status?ref=${TOKEN}`, { headers: authHeaders() }).then(async (r) => [r.status, await keep(r)]))[0], 400);

  const applied = await expectDone(await postJson(fn.base, "apply", { migrations: [ok], meta: { actor: "secrets" } }));
  answers.push(JSON.stringify(applied.events));
  assert.deepEqual(applied.done.applied, ["601_slow_601.sql"]);

  // A 409 while a slow apply holds the lock.
  const holding = postJson(fn.base, "apply", { migrations: [ok, slow], meta: { actor: "secrets-slow" } });
  const held = async () => ((await (await fetch(`${fn.base}/status`, { headers: authHeaders() })).json()) as { lock: unknown }).lock !== null;
  for (let i = 0; i < 100 && !(await held()); i++) await new Promise((r) => setTimeout(r, 20));
  const refused = await errorBody(await postJson(fn.base, "apply", { migrations: [ok, slow] }));
  answers.push(refused.text);
  assert.deepEqual([refused.status, refused.code], [409, "lock-held"]);
  answers.push(JSON.stringify((await expectDone(await holding)).events));

  const failing = await expectDone(await postJson(fn.base, "apply", { migrations: [ok, slow, bad], meta: { actor: "secrets" } }));
  answers.push(JSON.stringify(failing.events));
  assert.equal(failing.done.failed?.code, "42P01");

  const rolledBack = await expectDone(await postJson(fn.base, "rollback", { steps: 1, meta: { actor: "secrets" } }));
  answers.push(JSON.stringify(rolledBack.events));
  assert.deepEqual(rolledBack.done.applied, ["602_slow_602.sql"]);
  answers.push(await keep(await fetch(`${fn.base}/status`, { headers: authHeaders() })));

  await new Promise((r) => setTimeout(r, 100));
  const logs = fn.process.output();
  assert.match(logs, /supamigrate GET status 401/);
  assert.match(logs, /supamigrate POST apply 409/);
  assert.match(logs, /supamigrate POST rollback 200 .*stream: 1 done/);
  assertNoToken(logs, "the function's log");
  assertNoToken(answers.join("\n"), "an HTTP answer");

  const events = (await sql`select t::text as row from supamigrate.events t order by id`).map((r) => r.row as string);
  assert.deepEqual(
    (await sql`select event from supamigrate.events order by id`).map((r) => r.event),
    ["apply-started", "applied", "apply-started", "lock-refused", "applied", "apply-started", "failed", "rollback-started", "rolled-back"],
  );
  assertNoToken(events.join("\n"), "the event log");
  assertNoToken((await sql`select t::text as row from supamigrate.migrations t`).map((r) => r.row).join("\n"), "the tracking rows");
  assertNoToken((await sql`select t::text as row from supamigrate.lock_holder t`).map((r) => r.row).join("\n"), "the lock holder row");
});

test(
  "a token pasted into the path is not echoed: not in the 404 message, not in the function's log",
  async () => {
    const response = await fetch(`${fn.base}/${TOKEN}`, { headers: authHeaders() });
    const error = await errorBody(response);
    assert.deepEqual([error.status, error.code], [404, "not-found"]);
    await new Promise((r) => setTimeout(r, 100));
    assertNoToken(error.message, "the 404 message");
    assertNoToken(fn.process.output(), "the function's log");
  },
);

interface CliRun {
  readonly status: number;
  readonly output: string;
}

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: project, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ status: code ?? -1, output });
    });
  });
}

test("the CLI (node bin/supamigrate.js) never prints the token: right token, wrong token, unreachable URL", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(join(ROOT, "dist", "cli.cjs")), "bin/supamigrate.js needs the CLI bundle: run `npm run build`");
  // A database of its own, so verify compares the project folder with exactly what the CLI applied.
  const cliDb = await pg.createDatabase();
  const cliFn = await bundle.start({ SUPABASE_DB_URL: cliDb, SUPAMIGRATE_TOKEN: TOKEN });
  const url = cliFn.base;
  const unreachable = `http://127.0.0.1:${await freePort()}/functions/v1/supamigrate`;
  const runs: Array<[string, string[], Record<string, string>, number]> = [
    ["status", ["status", "--url", url], { SUPAMIGRATE_TOKEN: TOKEN }, 0],
    ["status --format json", ["status", "--url", url, "--format", "json"], { SUPAMIGRATE_TOKEN: TOKEN }, 0],
    ["apply", ["apply", "--url", url], { SUPAMIGRATE_TOKEN: TOKEN }, 0],
    ["verify", ["verify", "--url", url], { SUPAMIGRATE_TOKEN: TOKEN }, 0],
    ["rollback", ["rollback", "--url", url, "--steps", "1"], { SUPAMIGRATE_TOKEN: TOKEN }, 0],
    ["status, wrong token", ["status", "--url", url], { SUPAMIGRATE_TOKEN: WRONG }, 3],
    ["apply, wrong token", ["apply", "--url", url], { SUPAMIGRATE_TOKEN: WRONG }, 3],
    ["apply --format json, wrong token", ["apply", "--url", url, "--format", "json"], { SUPAMIGRATE_TOKEN: WRONG }, 3],
    ["status, unreachable URL", ["status", "--url", unreachable], { SUPAMIGRATE_TOKEN: TOKEN }, 2],
    ["apply, unreachable URL", ["apply", "--url", unreachable], { SUPAMIGRATE_TOKEN: TOKEN }, 2],
  ];
  const outcomes: string[] = [];
  for (const [label, args, env, expected] of runs) {
    const run = await cli(args, env);
    outcomes.push(`${label}: exit ${run.status}`);
    assert.equal(run.status, expected, `${label}: exit ${run.status}\n${run.output}`);
    assert.ok(run.output.trim().length > 0, `${label} says something`);
    // The token-in-URL run is the user's own command line; its output must still not repeat the token.
    assertNoToken(run.output, `the CLI output of \`${label}\``, env.SUPAMIGRATE_TOKEN === WRONG ? [WRONG.slice(0, 16)] : []);
  }
  const cliSql = postgres(cliDb, { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = await cliSql`select count(*)::int as n from supamigrate.migrations`;
    assert.equal(n, 0, "the CLI's apply was undone by its rollback");
    assert.deepEqual((await cliSql`select event from supamigrate.events order by id`).map((r) => r.event), ["apply-started", "applied", "rollback-started", "rolled-back"]);
    assertNoToken((await cliSql`select t::text as row from supamigrate.events t`).map((r) => r.row).join("\n"), "the event log (CLI run)");
  } finally {
    await cliSql.end({ timeout: 5 });
  }
  await cliFn.stop();
  assertNoToken(cliFn.process.output(), "the function's log (CLI run)");
});

test(
  "the CLI refuses a --url that carries the token (query string, user info) without printing it back",
  { timeout: 60_000 },
  async () => {
    const base = `http://127.0.0.1:${fn.process.port}/functions/v1/supamigrate`;
    for (const url of [`${base}?token=${TOKEN}`, base.replace("http://", `http://user:${TOKEN}@`)]) {
      const run = await cli(["status", "--url", url], { SUPAMIGRATE_TOKEN: TOKEN });
      assert.equal(run.status, 2, run.output);
      assertNoToken(run.output, `the CLI output for --url ${url.replace(TOKEN, "<token>")}`);
    }
  },
);

test("the CLI never prints a database password given with --db-url", { timeout: 60_000 }, async () => {
  const password = "pg-secret-Hq2Lr8Xv5Tn1";
  const run = await cli(["status", "--db-url", `postgres://postgres:${password}@127.0.0.1:${await freePort()}/nope`], {});
  assert.equal(run.status, 2, run.output);
  assert.ok(!run.output.includes(password), run.output);
  assert.match(run.output, /could not connect|ECONNREFUSED|unreachable/i);
});

// --- a malformed or unreachable database URL: described, never shown ---

/** Two halves of a database password: a piece of a password is still a leak. */
const PW_HEAD = "Pw7Rk2Qs";
const PW_TAIL = "Lm4Nx8Vc";
const PW_PIECES = [PW_HEAD, PW_TAIL, `${PW_HEAD}${PW_TAIL}`];

/** [what is wrong, the URL, what the error must say] — each one a URL someone could paste. */
async function badDbUrls(): Promise<Array<[string, string, RegExp]>> {
  const port = pg.port;
  return [
    ["'#' in the password", `postgresql://postgres:${PW_HEAD}#${PW_TAIL}@127.0.0.1:${port}/postgres`, /'#' → %23.*percent-encode/],
    ["a port that is not a number", `postgresql://postgres:${PW_HEAD}${PW_TAIL}@127.0.0.1:54x2/postgres`, /port that is not a number from 1 to 65535/],
    ["'@' in the password", `postgresql://postgres:${PW_HEAD}@${PW_TAIL}@127.0.0.1:${port}/postgres`, /'@' → %40.*percent-encode/],
    ["an unknown host", `postgresql://postgres:${PW_HEAD}${PW_TAIL}@no-such-host.invalid:5432/postgres`, /host name was not found \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\): check the host/],
  ];
}

function assertNoPassword(text: string, where: string): void {
  for (const piece of PW_PIECES) assert.ok(!text.includes(piece), `${where} contains the database password (${piece}):\n${text.slice(0, 3000)}`);
}

test("a malformed or unreachable SUPABASE_DB_URL: the function's logs (start-up and requests) and answers never show the password, and say what is wrong", { timeout: 120_000 }, async () => {
  for (const [label, url, expected] of await badDbUrls()) {
    const bad = await bundle.start({ SUPABASE_DB_URL: url, SUPAMIGRATE_TOKEN: TOKEN });
    try {
      const texts: string[] = [];
      assert.equal((await fetch(`${bad.base}/health`)).status, 200, label);
      // Without the token nothing is said about the database at all.
      const anonymous = await errorBody(await fetch(`${bad.base}/status`));
      assert.deepEqual([anonymous.status, anonymous.code], [401, "unauthorized"], label);
      assert.doesNotMatch(anonymous.message, /SUPABASE_DB_URL/, label);
      const errors = [];
      for (const response of [
        await fetch(`${bad.base}/status`, { headers: authHeaders() }),
        await postJson(bad.base, "apply", { migrations: [slowFile(701, 0)] }),
        await postJson(bad.base, "rollback", { steps: 1 }),
      ]) {
        const error = await errorBody(response);
        texts.push(error.text);
        errors.push(error);
      }
      await new Promise((r) => setTimeout(r, 100));
      const logs = bad.process.output();
      // First what must never happen, then what must be said.
      assertNoPassword(logs, `the function's log (${label})`);
      assertNoPassword(texts.join("\n"), `an HTTP answer (${label})`);
      const unreachable = label === "an unknown host";
      for (const error of errors) {
        assert.deepEqual([error.status, error.code], unreachable ? [503, "database-unavailable"] : [500, "not-configured"], `${label}: ${error.message}`);
        assert.match(error.message, unreachable ? /could not connect to its database \(SUPABASE_DB_URL/ : /^SUPABASE_DB_URL /, label);
        assert.match(error.message, expected, `${label}: ${error.message}`);
      }
      // The operator sees it in the log too: at start-up for a malformed URL, per request for an unreachable one.
      assert.match(logs, unreachable ? /database connection: .*(ENOTFOUND|EAI_AGAIN|EAI_NONAME)/ : /^supamigrate: SUPABASE_DB_URL .+/m, `${label}:\n${logs}`);
    } finally {
      await bad.stop();
    }
  }
});

test("a malformed or unreachable --db-url: the CLI (status, apply, --format json) never prints the password, and says what is wrong", { timeout: 120_000 }, async () => {
  for (const [label, url, expected] of await badDbUrls()) {
    for (const args of [["status", "--db-url", url], ["apply", "--db-url", url], ["status", "--db-url", url, "--format", "json"]]) {
      const run = await cli(args, {});
      const where = `supamigrate ${args[0]} --db-url <${label}>${args.includes("json") ? " --format json" : ""}`;
      assert.equal(run.status, 2, `${where}: exit ${run.status}\n${run.output}`);
      assertNoPassword(run.output, where);
      assert.match(run.output, expected, `${where}:\n${run.output}`);
    }
  }
});

test("`supamigrate serve --db-url`: refuses a malformed URL at once and serves an unreachable one with 503s, never printing the password", { timeout: 120_000 }, async () => {
  for (const [label, url, expected] of await badDbUrls()) {
    const serve = startCli(["serve", "--db-url", url]);
    try {
      if (label !== "an unknown host") {
        // Bounded: a serve that starts anyway must fail this test, not hang it.
        const code = await Promise.race([serve.exited, new Promise<string>((r) => setTimeout(() => r("still running after 30 s"), 30_000))]);
        assert.equal(code, 2, `${label}: serve exits 2\n${serve.output()}`);
        assert.match(serve.output(), new RegExp(`^supamigrate: --db-url .*${expected.source}`, "m"), `${label}:\n${serve.output()}`);
      } else {
        const [base, token] = await serve.urlAndToken();
        const error = await errorBody(await fetch(`${base}/status`, { headers: { authorization: `Bearer ${token}` } }));
        assert.deepEqual([error.status, error.code], [503, "database-unavailable"], error.message);
        assert.match(error.message, expected);
        assertNoPassword(error.message, "serve's answer");
      }
    } finally {
      await serve.stop();
    }
    assertNoPassword(serve.output(), `serve's output (${label})`);
  }
});

/** A CLI process left running (serve): its output so far, its url/token lines, and a SIGTERM to stop it. */
function startCli(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: project,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: "1",
      ...(process.env.DENO_DIR ? { DENO_DIR: process.env.DENO_DIR } : {}),
      ...(process.env.DENO_BIN ? { DENO_BIN: process.env.DENO_BIN } : {}),
    },
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolvePromise) => child.on("close", (code) => resolvePromise(code)));
  return {
    output: () => output,
    exited,
    async urlAndToken(): Promise<[string, string]> {
      for (let waited = 0; waited < 60_000; waited += 50) {
        const url = /^url: (\S+)$/m.exec(output)?.[1];
        const token = /^token: (\S+)$/m.exec(output)?.[1];
        if (url && token) return [url, token];
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`serve did not print its url and token lines:\n${output}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
