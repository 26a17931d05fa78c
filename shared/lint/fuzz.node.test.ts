// Property test: whatever a migration holds, the linter returns well-formed findings, never throws,
// and never takes more than a second on an input. Node-only (fast-check from node_modules; long run).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadParser, parseSpan, parseSql, splitStatements, TextIndex } from "../sql/index.ts";
import { decodeSqlBytes } from "./decode.ts";
import { lintProject, type LintListedFile } from "./engine.ts";
import { reparseSql } from "./incremental-parse.ts";
import type { Finding } from "./types.ts";

before(async () => {
  await loadParser();
});

const FRAGMENTS = [
  "create table if not exists public.t (id uuid primary key references auth.users (id));", "create table t (a int",
  "alter table t add column b text;", "alter table if exists ghost enable row level security;", "drop table t cascade;",
  'create policy "p" on t for select using (true);', "drop policy if exists p on t;", "create index i on t (a);",
  "create or replace function f() returns int language sql as $$ select 1 $$;", "do $$ begin perform 1; end $$;",
  "$$", "$tag$", "$tag$ x $tag$", "'", "''", '"', "E'\\''", "--", "-- supamigrate-ignore unknown-reference\n",
  "-- supamigrate-ignore nope,\n", "/*", "*/", "/* nested /* */", ";", ";;", "\n", "\r\n", "\t", " ", "${admin_email}",
  "${", "}", "begin;", "commit;", "create function g() returns int begin atomic select 1; end;", "é", "📚", "\u0000",
  "\ufeff", "\ud800", "create type mood as enum ('a');", "vacuum;", "create index concurrently j on t (a);",
  "alter table t rename to u;", "create trigger tr before update on t for each row execute function f();",
  "select 1 where a in (1, 2);", "\f", "\v", "select 1", "/* c */",
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
);
const sqlText = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(" "));
const input = fc.oneof(
  { weight: 9, arbitrary: sqlText.map((text): LintListedFile => ({ relativePath: "001_fuzz.sql", text })) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): LintListedFile => {
      const { text, error } = decodeSqlBytes(bytes);
      return { relativePath: "001_fuzz.sql", text, decodeError: error };
    }),
  },
);

function checkFinding(finding: Finding, text: string): void {
  const lines = text.split("\n");
  const { line, column, endLine, endColumn } = finding.range;
  for (const n of [line, column, endLine, endColumn]) assert.ok(Number.isInteger(n) && n >= 1, `range ${JSON.stringify(finding.range)}`);
  if (finding.file.endsWith("001_fuzz.sql")) {
    assert.ok(endLine <= lines.length, `end line ${endLine} past ${lines.length} lines`);
    assert.ok(column <= lines[line - 1].length + 1 && endColumn <= lines[endLine - 1].length + 1, `columns of ${JSON.stringify(finding.range)}`);
  }
  assert.ok(line < endLine || (line === endLine && column <= endColumn), `reversed range ${JSON.stringify(finding.range)}`);
  assert.ok(finding.message.length > 0 && !finding.message.startsWith("internal error"), finding.message);
  assert.ok(["error", "warning", "info"].includes(finding.severity));
}

test("fuzz: 10,000 generated migrations lint without throwing, with in-range findings, each within 1 s", { timeout: 300_000 }, async () => {
  let maxMs = 0;
  let runs = 0;
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(input, async (file) => {
      const t = performance.now();
      const result = await lintProject({ dir: "scripts", listing: [file] });
      const ms = performance.now() - t;
      maxMs = Math.max(maxMs, ms);
      runs++;
      assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
      for (const finding of result.findings) checkFinding(finding, file.decodeError ? "" : file.text);
    }),
    { numRuns: 10_000, seed: 20240601 },
  );
  console.log(`fuzz: ${runs} inputs, max ${maxMs.toFixed(1)} ms per input, total ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

test("fuzz: re-parsing after a random edit equals a fresh parse (2,000 edits)", () => {
  fc.assert(
    fc.property(sqlText, fc.nat(), fc.nat(), piece, (text, a, b, insert) => {
      const from = Math.min(a, b) % (text.length + 1);
      const to = Math.min(text.length, from + (Math.max(a, b) % 8));
      const edited = text.slice(0, from) + insert + text.slice(to);
      const strip = (p: ReturnType<typeof parseSql>) => JSON.stringify({ statements: p.statements, errors: p.errors });
      assert.equal(strip(reparseSql(edited, parseSql(text))), strip(parseSql(edited)));
    }),
    { numRuns: 2_000, seed: 7 },
  );
});

test("fuzz: parsing a file in one parser call equals parsing it statement by statement (5,000 texts)", () => {
  fc.assert(
    fc.property(sqlText, (text) => {
      if (text.includes("\u0000")) return;
      const index = new TextIndex(text);
      const perStatement = splitStatements(index).map((span) => parseSpan(index, span));
      assert.equal(JSON.stringify(parseSql(text).statements), JSON.stringify(perStatement));
    }),
    { numRuns: 5_000, seed: 11 },
  );
});

const FIVE_MB = 5 * 1024 * 1024;
const repeat = (statement: (i: number) => string) => {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < FIVE_MB; i++) {
    parts.push(statement(i));
    size += parts[parts.length - 1].length;
  }
  return parts.join("");
};

test("a 5 MB data migration (one table, 5 MB of inserts) lints with every rule", { timeout: 300_000 }, async () => {
  const text = "create table if not exists public.words (id int primary key, word text);\n" +
    "alter table public.words enable row level security;\n" +
    repeat((i) => `insert into public.words (id, word) values (${i}, 'w${i} é📚'), (${i + 1e7}, 'x');\n`);
  const t = performance.now();
  const result = await lintProject({ dir: "scripts", listing: [{ relativePath: "001_big.sql", text }] });
  console.log(`5 MB of inserts: ${(text.length / 1e6).toFixed(1)} M chars linted in ${(performance.now() - t).toFixed(0)} ms, ${result.findings.length} findings`);
  assert.deepEqual(result.findings.map((f) => f.rule), []);
});

test("a 5 MB DDL migration (60,000 tables) lints", { timeout: 300_000 }, async () => {
  const text = repeat((i) => `create table if not exists public.t_${i} (id uuid primary key, note text default 'x');\n`);
  const t = performance.now();
  const result = await lintProject({ dir: "scripts", listing: [{ relativePath: "001_big.sql", text }] });
  const statements = result.project.files[0].parsed.statements.length;
  console.log(`5 MB of DDL: ${statements} statements linted in ${(performance.now() - t).toFixed(0)} ms`);
  // Every rule runs; rls-not-enabled (linear: tables are looked up in a per-project index) flags each table.
  assert.ok(statements > 50_000);
  assert.ok(result.findings.every((f) => f.rule === "rls-not-enabled"));
  assert.equal(result.findings.length, statements);
});
