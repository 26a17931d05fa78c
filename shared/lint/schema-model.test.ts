import { test } from "node:test";
import assert from "node:assert/strict";
import { buildProject, runRules } from "./engine.ts";
import { buildSchemaModel, positionOf } from "../schema/model.ts";

async function model(files: Record<string, string>) {
  const project = await buildProject({ dir: "scripts", listing: Object.entries(files).map(([relativePath, text]) => ({ relativePath, text })) });
  return project.schema;
}

test("schema model: Supabase's objects are there before the first migration", async () => {
  const schema = await model({});
  const users = schema.relationAt("auth.users", positionOf(0, 0));
  assert.deepEqual(["id", "email", "raw_app_meta_data"].map((c) => users?.columns.get(c)?.type), ["uuid", "varchar(255)", "jsonb"]);
  assert.deepEqual(users?.primaryKey, ["id"]);
  assert.equal(schema.relationAt("storage.objects", 0)?.columns.get("bucket_id")?.type, "text");
  assert.notEqual(schema.current("function", "auth.uid()"), null);
  assert.notEqual(schema.current("schema", "extensions"), null);
});

test("schema model: column types normalize, keys are recorded, ALTER and RENAME update the table in time", async () => {
  const schema = await model({
    "001_a.sql": "create table if not exists t (a int, b integer, c int4, d serial, e bigint, f varchar(10)[], g numeric(5,2), " +
      "h timestamp with time zone, primary key (a, b), unique (c));\n",
    "002_b.sql": "alter table t add column x uuid, drop column g, alter column e type text;\nalter table t rename column x to y;\nalter table t rename to u;\n",
  });
  const t = schema.relationAt("public.t", positionOf(1, 0));
  assert.deepEqual([...t!.columns.values()].map((c) => c.type), ["integer", "integer", "integer", "integer", "bigint", "varchar(10)[]", "numeric(5,2)", "timestamptz"]);
  assert.deepEqual([t!.primaryKey, t!.unique], [["a", "b"], [["c"]]]);
  assert.deepEqual([...schema.relationAt("public.t", positionOf(1, 1))!.columns.keys()].slice(-2), ["h", "x"]);
  assert.equal(schema.relationAt("public.t", positionOf(1, 1))!.columns.get("e")!.type, "text");
  assert.deepEqual([...schema.relationAt("public.t", positionOf(1, 2))!.columns.keys()].slice(-1), ["y"]);
  assert.equal(schema.relationAt("public.t", positionOf(1, 3)), null);
  assert.notEqual(schema.relationAt("public.u", positionOf(1, 3)), null);
});

test("schema model: a type named just pg_catalog keeps its name (it used to crash the linter)", async () => {
  const schema = await model({ "001_a.sql": "create table if not exists t (a pg_catalog, b pg_catalog.int4);\n" });
  const t = schema.relationAt("public.t", positionOf(1, 0));
  assert.deepEqual([...t!.columns.values()].map((c) => c.type), ["pg_catalog", "integer"]);
});

test("schema model: a statement it cannot read is left out and recorded, and the statements after it still count", async () => {
  const project = await buildProject({ dir: "scripts", listing: [{ relativePath: "001_a.sql", text: "create table a (x int);\ncreate table b (y int);\n" }] });
  // A tree no parser version should give (the kind of input a bug trips over).
  const broken = { ...project.files[0].parsed.statements[0], node: { CreateStmt: { relation: { relname: "a" }, tableElts: [null] } } };
  const files = [{ ...project.files[0], parsed: { ...project.files[0].parsed, statements: [broken, project.files[0].parsed.statements[1]] } }];
  const schema = buildSchemaModel(files);
  assert.deepEqual(schema.unreadable.map((u) => [u.path, u.start, u.end]), [["scripts/001_a.sql", 0, 23]]);
  assert.notEqual(schema.relationAt("public.b", positionOf(1, 0)), null);
  // The engine reports it (as unknown-reference, whose answers it can make wrong) instead of throwing.
  const findings = runRules({ ...project, files, schema }, [], {});
  assert.deepEqual(findings.map((f) => [f.file, f.rule, f.severity, f.range, f.message.split(" (")[0]]), [
    ["scripts/001_a.sql", "unknown-reference", "error", { line: 1, column: 1, endLine: 1, endColumn: 24 }, "internal error while reading this statement into the schema model"],
  ]);
  assert.deepEqual(runRules({ ...project, files, schema }, [], { "unknown-reference": "off" }), []);
});

test("schema model: DROP ends objects (a table takes its policies and triggers); definitions keep what they met", async () => {
  const schema = await model({
    "001_a.sql": 'create table if not exists t (id int);\ncreate policy "p" on t using (true);\ncreate or replace function f(a int) returns int language sql as $$ select 1 $$;\n',
    "002_b.sql": "drop table if exists t;\ndrop function if exists f;\ncreate table if not exists t (id bigint);\n",
  });
  assert.equal(schema.current("policy", "public.t/p"), null);
  assert.equal(schema.current("function", "public.f(integer)"), null);
  assert.equal(schema.relationAt("public.t", positionOf(2, 0))?.columns.get("id")?.type, "bigint");
  assert.deepEqual(schema.definitions.map((d) => [d.display, d.place?.path, d.previous?.place?.path ?? null]), [
    ["table public.t", "scripts/001_a.sql", null],
    ['policy "p" on public.t', "scripts/001_a.sql", null],
    ["function public.f(integer)", "scripts/001_a.sql", null],
    ["table public.t", "scripts/002_b.sql", null],
  ]);
});

test("schema model: dropping a table ends every object it owns, however many (a spread of them overflowed the stack)", async () => {
  // More indexes than a call can take as arguments (about 125,000 with Node's default stack).
  const count = 150_000;
  let sql = "create table if not exists t (id int);\n";
  for (let i = 0; i < count; i++) sql += `create index if not exists i_${i} on t (id);\n`;
  sql += "drop table t;\n";
  const schema = await model({ "001_a.sql": sql });
  assert.deepEqual(schema.unreadable, []);
  assert.equal(schema.definitions.length, count + 1);
  assert.equal(schema.current("index", "public.i_0"), null);
  assert.equal(schema.current("index", `public.i_${count - 1}`), null);
  assert.notEqual(schema.definitionAt("index", `public.i_${count - 1}`, positionOf(0, count + 1)), null);
});
