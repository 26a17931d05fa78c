import { test } from "node:test";
import assert from "node:assert/strict";
import type { CatalogObject, CatalogSnapshot } from "../../protocol/catalog.ts";
import { compareCatalogs } from "./compare.ts";
import { BEFORE_AND_AFTER, roundTripMessage, schemaMessage } from "./messages.ts";

const snapshot = (...objects: CatalogObject[]): CatalogSnapshot => ({ format: 1, server: "15.8", objects });
const schema: CatalogObject = { kind: "schema", name: "schema public", identifier: "public", properties: {} };
const table = (name: string, properties: Record<string, string> = { "row level security": "enabled" }): CatalogObject =>
  ({ kind: "table", name, identifier: name, parent: "schema public", properties });
const column = (tableName: string, name: string, type: string, notNull = "no"): CatalogObject =>
  ({ kind: "column", name: `${tableName}.${name}`, identifier: name, parent: tableName, properties: { type, "not null": notNull } });
const policy = (tableName: string, name: string, using: string): CatalogObject =>
  ({ kind: "policy", name: `policy "${name}" on ${tableName}`, identifier: `"${name}"`, parent: tableName, properties: { command: "select", using } });

test("equal snapshots have no difference", () => {
  const one = snapshot(schema, table("public.t"), column("public.t", "id", "bigint"));
  assert.deepEqual(compareCatalogs(one, snapshot(...one.objects)), []);
});

test("extra, missing and changed, each named, in kind order", () => {
  const expected = snapshot(schema, table("public.t"), column("public.t", "id", "bigint"), column("public.t", "status", "varchar(20)", "yes"),
    policy("public.t", "owner reads", "(owner = auth.uid())"));
  const actual = snapshot(schema, table("public.t", { "row level security": "disabled" }), column("public.t", "id", "bigint"),
    column("public.t", "status", "text", "yes"), column("public.t", "nickname", "text"));
  const differences = compareCatalogs(expected, actual);
  assert.deepEqual(differences, [
    {
      kind: "changed", object: "public.t", objectKind: "table", detail: "row level security disabled live, enabled expected",
      changes: [{ property: "row level security", expected: "enabled", actual: "disabled" }],
    },
    { kind: "extra", object: "public.t.nickname", objectKind: "column", detail: "" },
    {
      kind: "changed", object: "public.t.status", objectKind: "column", detail: "type text live, varchar(20) expected",
      changes: [{ property: "type", expected: "varchar(20)", actual: "text" }],
    },
    { kind: "missing", object: 'policy "owner reads" on public.t', objectKind: "policy", detail: "" },
  ]);
  assert.deepEqual(differences.map(schemaMessage), [
    "public.t: row level security disabled live, enabled expected",
    "public.t.nickname is in the live database but not in the applied migrations (added by hand or in the dashboard?)",
    "public.t.status: type text live, varchar(20) expected",
    'policy "owner reads" on public.t is missing from the live database, though the applied migrations create it (dropped by hand, or a migration half-applied?)',
  ]);
});

test("a table that is extra or missing stands for its columns and policies", () => {
  const left = snapshot(schema, table("public.kept"));
  const right = snapshot(schema, table("public.kept"), table("public.new"), column("public.new", "id", "bigint"), policy("public.new", "p", "true"));
  assert.deepEqual(compareCatalogs(left, right).map((d) => `${d.kind} ${d.object}`), ["extra public.new"]);
  assert.deepEqual(compareCatalogs(right, left).map((d) => `${d.kind} ${d.object}`), ["missing public.new"]);
});

test("a property only one side has, and a hash, are described plainly", () => {
  const fn = (body: string, config?: string): CatalogObject => ({
    kind: "function", name: "function public.f()", identifier: "public.f()", parent: "schema public",
    properties: { body, ...(config ? { config: config } : {}) },
  });
  const [difference] = compareCatalogs(snapshot(fn("md5:aaa", "search_path=\"\"")), snapshot(fn("md5:bbb")));
  assert.equal(difference.detail, 'body differs; config (none) live, search_path="" expected');
});

test("round-trip messages name the rollback file and the two sides", () => {
  const before = snapshot(schema, table("public.t"), column("public.t", "owner", "uuid", "yes"), column("public.t", "amount", "numeric"));
  const after = snapshot(schema, table("public.t"), column("public.t", "owner", "uuid", "no"), column("public.t", "status", "text"));
  const messages = compareCatalogs(before, after, BEFORE_AND_AFTER).map((d) => roundTripMessage("rollback/002_x.sql", "002_x.sql", d));
  assert.deepEqual(messages, [
    "rollback/002_x.sql drops public.t.amount, which was there before 002_x.sql",
    "rollback/002_x.sql leaves public.t.owner changed: not null no after the rollback, yes before the migration",
    "rollback/002_x.sql leaves public.t.status behind",
  ]);
});
