import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "breaking-change";

const INVOICES = "create table if not exists public.invoices (id uuid primary key, status text);\n";
const DROP_STATUS = "-- status moves to invoice_events\nalter table public.invoices drop column status;\n";
/** Deployed state: 001 applied (its checksum does not matter to this rule). */
const APPLIED_001 = new Map([["001_invoices.sql", "0".repeat(64)]]);

function summary(f: { file: string; range: { line: number; column: number }; severity: string; message: string; help?: string }) {
  return { at: `${f.file}:${f.range.line}:${f.range.column}`, severity: f.severity, message: f.message, help: f.help };
}

test("breaking-change: a pending migration that drops a column is a warning at the statement, with what to do", async () => {
  const findings = await lintErrors(RULE, { "001_invoices.sql": INVOICES, "002_drop_status.sql": DROP_STATUS }, { applied: APPLIED_001 });
  assert.deepEqual(findings.map(summary), [{
    at: "scripts/002_drop_status.sql:2:1",
    severity: "warning",
    message: "drops column public.invoices.status: clients that select or write it break",
    help: "Stop selecting and writing it in every client (and regenerate the Supabase types) first, then drop it in a later migration.",
  }]);
  assert.deepEqual(findings[0].range, { line: 2, column: 1, endLine: 2, endColumn: 48 });
});

test("breaking-change: an applied migration is not reported again; with the deploy state unknown every file is, at info", async () => {
  const files = { "001_invoices.sql": INVOICES, "002_drop_status.sql": DROP_STATUS };
  await lintOk(RULE, files, { applied: new Map([...APPLIED_001, ["002_drop_status.sql", "1".repeat(64)]]) });
  const unknown = await lintErrors(RULE, files);
  assert.deepEqual(unknown.map(summary).map((f) => `${f.at} ${f.severity}`), ["scripts/002_drop_status.sql:2:1 info"]);
  // The configured severity wins over both.
  const configured = await lintErrors(RULE, files, { severities: { [RULE]: "error" } });
  assert.equal(configured[0].severity, "error");
});

test("breaking-change: the pending files are one batch — a table one creates and the next drops is no break", async () => {
  const files = {
    "001_invoices.sql": INVOICES,
    "002_scratch.sql": "create table if not exists public.scratch (id int);\nalter table public.scratch enable row level security;\n",
    "003_cleanup.sql": "drop table public.scratch;\n",
  };
  await lintOk(RULE, files, { applied: APPLIED_001 });
  // 002 applied: dropping its table breaks whoever uses it now.
  const findings = await lintErrors(RULE, files, { applied: new Map([...APPLIED_001, ["002_scratch.sql", "1".repeat(64)]]) });
  assert.deepEqual(findings.map(summary).map((f) => `${f.at} ${f.severity} ${f.message}`), [
    "scripts/003_cleanup.sql:1:1 warning drops table public.scratch: clients that read or write it break",
  ]);
});

test("breaking-change: a changed policy is info even when pending (it breaks nothing by itself)", async () => {
  const policy = 'create policy "Own" on public.invoices for select to authenticated using (true);\n';
  const files = {
    "001_invoices.sql": `${INVOICES}alter table public.invoices enable row level security;\n${policy}`,
    "002_anon.sql": `drop policy if exists "Own" on public.invoices;\n${policy.replace("to authenticated", "to anon")}`,
  };
  const findings = await lintErrors(RULE, files, { applied: APPLIED_001 });
  assert.deepEqual(findings.map(summary).map((f) => `${f.at} ${f.severity} ${f.message}`), [
    'scripts/002_anon.sql:1:1 info redefines policy "Own" on public.invoices: roles authenticated → anon',
  ]);
});

test("breaking-change: silent on redefinitions (the seed's DROP IF EXISTS + CREATE), new objects, and an ignore comment documenting the break", async () => {
  const fn = "create or replace function public.f(a integer) returns integer language sql as 'select a';\n";
  await lintOk(RULE, {
    "001_invoices.sql": `${INVOICES}${fn}`,
    "002_redefine.sql": `drop function if exists public.f(integer);\n${fn.replace("select a", "select a + 1")}` +
      "create table if not exists public.fresh (id int);\nalter table public.fresh drop column id;\n",
  }, { applied: APPLIED_001 });
  await lintOk(RULE, {
    "001_invoices.sql": INVOICES,
    "002_drop_status.sql": `-- supamigrate-ignore breaking-change -- clients stopped reading status in v2.3\n${DROP_STATUS.split("\n")[1]}\n`,
  }, { applied: APPLIED_001 });
});

test("breaking-change on the seed: with everything applied nothing; with the state unknown, 019's recreated tables, at info", async () => {
  const seed = seedScripts();
  const names = Object.keys(seed).filter((name) => !name.startsWith("rollback/"));
  await lintOk(RULE, seed, { applied: new Map(names.map((name) => [name, "0".repeat(64)])) });
  const findings = (await lintFixture(seed)).filter((f) => f.rule === RULE);
  assert.equal(findings.length, 9);
  assert.ok(findings.every((f) => f.file === "scripts/019_recreate_results_tables.sql" && f.severity === "info"));
  assert.deepEqual(findings.map((f) => f.range.line), [6, 6, 6, 7, 8, 8, 8, 8, 8]);
});

test("breaking-change: the README's examples", async () => {
  const base = "create table if not exists public.invoices (id uuid primary key, status text, amount integer, user_id uuid);\n" +
    "alter table public.invoices enable row level security;\n" +
    'create policy "Own invoices" on public.invoices for all to authenticated using (true);\n';
  const applied = new Map([["001_invoices.sql", "0".repeat(64)]]);
  const bad = "alter table public.invoices drop column status;\nalter table public.invoices alter column amount set not null;\n" +
    "revoke insert on public.invoices from anon;\n";
  const findings = await lintErrors(RULE, { "001_invoices.sql": base, "021_drop_status.sql": bad }, { applied });
  assert.deepEqual(findings.map((f) => `${f.range.line} ${f.severity} ${f.message}`), [
    "1 warning drops column public.invoices.status: clients that select or write it break",
    "2 warning makes column public.invoices.amount NOT NULL: writes that leave it NULL fail, and this migration fails if a row holds NULL in it",
    "3 warning revokes insert on public.invoices from anon: clients using that role lose it",
  ]);
  const good = 'drop policy if exists "Own invoices" on public.invoices;\n' +
    'create policy "Own invoices" on public.invoices for all to authenticated using ((select auth.uid()) = user_id);\n' +
    "alter table public.invoices add column currency text not null default 'EUR';\n";
  await lintOk(RULE, { "001_invoices.sql": base, "021_currency.sql": good }, { applied });
});

test("breaking-change: an ignore documenting a break stays in use once its file is applied (no unused-ignore, no edit needed)", async () => {
  const documented = `-- supamigrate-ignore breaking-change -- clients stopped reading status in v2.3\n${DROP_STATUS.split("\n")[1]}\n`;
  const files = { "001_invoices.sql": INVOICES, "002_drop_status.sql": documented };
  const allApplied = new Map([...APPLIED_001, ["002_drop_status.sql", "1".repeat(64)]]);
  for (const applied of [APPLIED_001, allApplied, null]) {
    const findings = await lintFixture(files, { applied });
    assert.deepEqual(findings.filter((f) => f.rule === RULE || f.rule === "unused-ignore"), [], `applied: ${applied ? [...applied.keys()] : "unknown"}`);
  }
  // An ignore on a statement that breaks nothing is still unused, applied or not.
  const idle = { "001_invoices.sql": INVOICES, "002_idle.sql": "-- supamigrate-ignore breaking-change\nalter table public.invoices add column note text;\n" };
  for (const applied of [APPLIED_001, new Map([...APPLIED_001, ["002_idle.sql", "1".repeat(64)]])]) {
    const unused = (await lintFixture(idle, { applied })).filter((f) => f.rule === "unused-ignore");
    assert.deepEqual(unused.map((f) => `${f.file}:${f.range.line} ${f.message}`), [
      "scripts/002_idle.sql:1 this ignore for breaking-change suppresses nothing: breaking-change reports nothing in the statement after it; remove the ignore",
    ]);
  }
});
