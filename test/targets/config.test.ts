// supamigrate.json's "targets" (shared/lint/config-targets.ts), and how --target / --targets pick one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../shared/lint/config.ts";
import { validateApplyRequest } from "../../shared/protocol/validate.ts";
import { mapBounded } from "../../cli/bounded.ts";
import { runCli } from "../cli/support/cli.ts";
import { targetsProject } from "./support.ts";

const STAGING = { url: "https://staging-ref.supabase.co/functions/v1/supamigrate", tokenEnv: "SUPAMIGRATE_STAGING_TOKEN", region: "eu-central-1" };
const PRODUCTION = { url: "https://prod-ref.supabase.co/functions/v1/supamigrate", tokenEnv: "SUPAMIGRATE_PRODUCTION_TOKEN", requires: "staging" };

const errorsOf = (config: unknown) => {
  const result = parseConfig(JSON.stringify(config));
  return result.ok ? [] : result.errors;
};

test("targets: function targets (url, tokenEnv, region, requires) and a database target (dbUrlEnv) are read as written, in order", () => {
  const result = parseConfig(JSON.stringify({ migrationsDir: "scripts", targets: { staging: STAGING, production: PRODUCTION, local: { dbUrlEnv: "LOCAL_DB_URL" } } }));
  assert.deepEqual(result, {
    ok: true,
    config: { migrationsDir: "scripts", rules: {}, targets: { staging: STAGING, production: PRODUCTION, local: { dbUrlEnv: "LOCAL_DB_URL" } } },
  });
  assert.deepEqual(result.ok && Object.keys(result.config.targets!), ["staging", "production", "local"]);
  // Without "targets" the config keeps its old shape.
  assert.deepEqual(parseConfig('{"migrationsDir": "scripts"}'), { ok: true, config: { migrationsDir: "scripts", rules: {} } });
});

test("targets: an unknown key in a target, a missing or doubled address, and a bad requires are clear errors", () => {
  assert.deepEqual(errorsOf({ target: {} }), ['supamigrate.json: unknown key "target"; the keys are "migrationsDir", "rules", "onlineSafety" and "targets"']);
  assert.deepEqual(errorsOf({ targets: { staging: { ...STAGING, branch: "main" } } }), [
    'supamigrate.json: target "staging": unknown key "branch"; a target\'s keys are "url", "tokenEnv", "region", "dbUrlEnv" and "requires"',
  ]);
  assert.deepEqual(errorsOf({ targets: { staging: { tokenEnv: "SUPAMIGRATE_STAGING_TOKEN" } } }), [
    'supamigrate.json: target "staging": give "url" (the function\'s URL, with "tokenEnv") or "dbUrlEnv" (a variable holding a database URL: the engine runs here)',
  ]);
  assert.deepEqual(errorsOf({ targets: { staging: { ...STAGING, dbUrlEnv: "STAGING_DB_URL" } } }), [
    'supamigrate.json: target "staging": give either "url" (the function) or "dbUrlEnv" (a database), not both',
  ]);
  assert.deepEqual(errorsOf({ targets: { staging: { url: STAGING.url } } }), [
    'supamigrate.json: target "staging": "url" needs "tokenEnv", the environment variable holding that function\'s token, such as "SUPAMIGRATE_STAGING_TOKEN"',
  ]);
  assert.deepEqual(errorsOf({ targets: { local: { dbUrlEnv: "LOCAL_DB_URL", region: "eu-central-1" } } }), [
    'supamigrate.json: target "local": "region" goes with "url"; with "dbUrlEnv" no function is called',
  ]);
  assert.deepEqual(errorsOf({ targets: { production: PRODUCTION } }), [
    'supamigrate.json: target "production" requires "staging", which is not a target; the targets are "production"',
  ]);
  assert.deepEqual(errorsOf({ targets: { a: { dbUrlEnv: "A_DB_URL", requires: "a" } } }), [
    'supamigrate.json: target "a" requires itself; "requires" names another target, such as "staging"',
  ]);
  assert.deepEqual(errorsOf({ targets: { a: { dbUrlEnv: "A_DB_URL", requires: "b" }, b: { dbUrlEnv: "B_DB_URL", requires: "a" } } }), [
    'supamigrate.json: target "a" requires itself through "b"; remove one "requires"',
    'supamigrate.json: target "b" requires itself through "a"; remove one "requires"',
  ]);
  assert.deepEqual(errorsOf({ targets: { all: { dbUrlEnv: "A_DB_URL" }, "my target": { dbUrlEnv: "B_DB_URL" } } }), [
    'supamigrate.json: target "all": "all" is reserved (--targets all means every target); pick another name',
    'supamigrate.json: target "my target": a target name is letters, digits, "-" and "_" (at most 50), such as "staging"',
  ]);
  assert.deepEqual(errorsOf({ targets: { staging: { ...STAGING, region: "Frankfurt" } } }), [
    'supamigrate.json: target "staging": "region" is a Supabase region such as "eu-central-1" (the database\'s)',
  ]);
  assert.deepEqual(errorsOf({ targets: [] }), ['supamigrate.json: "targets" must be an object of target name → {"url", "tokenEnv"} or {"dbUrlEnv"}']);
});

test("targets: a literal secret is refused, and never repeated in the message", () => {
  const token = "sbp_0123456789abcdef0123456789abcdef";
  const dbUrl = "postgres://postgres:hunter2-secret@db.example.supabase.co:5432/postgres";
  const cases: Array<[unknown, string]> = [
    [{ ...STAGING, token }, 'supamigrate.json: target "staging": "token" would put a secret in the committed supamigrate.json (the value is not repeated here): keep it in an environment variable and name the variable with "tokenEnv"'],
    [{ dbUrl }, 'supamigrate.json: target "staging": "dbUrl" would put a secret in the committed supamigrate.json (the value is not repeated here): keep it in an environment variable and name the variable with "dbUrlEnv"'],
    [{ ...STAGING, serviceRoleKey: token }, 'supamigrate.json: target "staging": "serviceRoleKey" would put a secret in the committed supamigrate.json (the value is not repeated here): keep it in an environment variable and name the variable with "tokenEnv"'],
    [{ ...STAGING, tokenEnv: token }, 'supamigrate.json: target "staging": "tokenEnv" names the environment variable that holds the token, in capitals, such as "SUPAMIGRATE_STAGING_TOKEN" (the value is not repeated here, in case it is the secret itself)'],
    [{ dbUrlEnv: dbUrl }, 'supamigrate.json: target "staging": "dbUrlEnv" names the environment variable that holds the database URL, in capitals, such as "STAGING_DB_URL" (the value is not repeated here, in case it is the secret itself)'],
    [{ url: dbUrl, tokenEnv: "T" }, 'supamigrate.json: target "staging": "url" is a database URL, which carries its password (not repeated here): put it in an environment variable and name the variable with "dbUrlEnv"'],
    [{ url: `${STAGING.url}?apikey=${token}`, tokenEnv: "T" }, 'supamigrate.json: target "staging": "url" must not carry user info, a query string or a fragment (not repeated here, in case it holds a secret): give the bare URL and the token\'s variable in "tokenEnv"'],
  ];
  for (const [target, message] of cases) {
    const errors = errorsOf({ targets: { staging: target } });
    assert.deepEqual(errors, [message]);
    assert.ok(!errors.join("\n").includes("hunter2") && !errors.join("\n").includes("0123456789abcdef"), errors.join("\n"));
  }
});

test("--target: an unknown name lists the targets; --target with --url or --db-url, or without a targets key, is a usage error", async () => {
  const cwd = targetsProject({ staging: { dbUrlEnv: "STAGING_DB_URL" }, production: { dbUrlEnv: "PRODUCTION_DB_URL", requires: "staging" } });
  const unknown = await runCli(["status", "--target", "prod"], { cwd });
  assert.deepEqual([unknown.status, unknown.stderr], [2, "supamigrate status: --target prod: no such target in supamigrate.json; the targets are staging, production.\n"]);
  const both = await runCli(["apply", "--target", "staging", "--db-url", "postgres://postgres@127.0.0.1:1/x", "--url", "https://x.supabase.co/functions/v1/supamigrate"], { cwd });
  assert.deepEqual([both.status, both.stderr], [2, "supamigrate apply: --target staging takes where to go from supamigrate.json: drop --url and --db-url.\n"]);
  const unset = await runCli(["status", "--target", "staging"], { cwd });
  assert.deepEqual([unset.status, unset.stderr], [2, "supamigrate status: target staging reads its database URL from $STAGING_DB_URL, which is not set: set it (a CI secret) and run again.\n"]);
  const fleet = await runCli(["apply", "--targets", "staging,prod"], { cwd });
  assert.deepEqual([fleet.status, fleet.stderr], [2, "supamigrate apply: --targets prod: no such target in supamigrate.json; the targets are staging, production.\n"]);
  const none = await runCli(["status", "--all-targets"], { cwd: targetsProject({}) });
  assert.deepEqual([none.status, none.stderr], [2, 'supamigrate status: --all-targets: supamigrate.json names no targets; add "targets" (docs/configuration.md, "Targets").\n']);
});

test("--target: a function target without its token variable set stops with exit 3 before calling anyone", async () => {
  const cwd = targetsProject({ staging: { url: "http://127.0.0.1:1/functions/v1/supamigrate", tokenEnv: "SUPAMIGRATE_STAGING_TOKEN" } });
  const result = await runCli(["status", "--target", "staging"], { cwd });
  assert.deepEqual([result.status, result.stderr], [3,
    "supamigrate status: target staging reads its function's token from $SUPAMIGRATE_STAGING_TOKEN, which is not set: set it to the value given to " +
    "`supabase secrets set SUPAMIGRATE_TOKEN=…` on that project (a CI secret) and run again.\n"]);
});

test("fleet: mapBounded never runs more than the limit at once and keeps the items' order", async () => {
  let running = 0;
  let most = 0;
  const results = await mapBounded(Array.from({ length: 20 }, (_, i) => i), 4, async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5 + (n % 3) * 5));
    running--;
    return n * 2;
  });
  assert.equal(most, 4);
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2));
});

test("protocol: meta.skippedStaging (the --skip-staging reason) is accepted as text, and refused when it is not text or too long", () => {
  const migrations = [{ name: "001_a.sql", sql: "select 1;", rollback: null }];
  const ok = validateApplyRequest({ migrations, meta: { actor: "ci", skippedStaging: "hotfix INC-42" } });
  assert.deepEqual(ok.ok && ok.value.meta, { actor: "ci", skippedStaging: "hotfix INC-42" });
  const notText = validateApplyRequest({ migrations, meta: { skippedStaging: true } });
  assert.deepEqual(!notText.ok && [notText.code, notText.message], ["invalid-request", '"meta".skippedStaging must be text or null']);
  const long = validateApplyRequest({ migrations, meta: { skippedStaging: "x".repeat(501) } });
  assert.deepEqual(!long.ok && long.message, '"meta".skippedStaging is longer than 500 characters; shorten it');
});
