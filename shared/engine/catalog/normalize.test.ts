import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeType, normalizeViewDefinition } from "./normalize.ts";

test("a view's text from PostgreSQL 15 and from 16+ normalizes to the same", () => {
  const schemas = new Set(["public", "app"]);
  const pg15 = " SELECT members.team_id,\n    count(*) AS members\n   FROM public.members\n  WHERE (members.joined > auth.uid_time())\n  GROUP BY members.team_id;";
  const pg18 = " SELECT team_id,\n    count(*) AS members\n   FROM public.members\n  WHERE (joined > auth.uid_time())\n  GROUP BY team_id;";
  assert.equal(normalizeViewDefinition(pg15, schemas), normalizeViewDefinition(pg18, schemas));
  assert.equal(normalizeViewDefinition(pg18, schemas), "SELECT team_id, count(*) AS members FROM public.members WHERE (joined > auth.uid_time()) GROUP BY team_id;");
  // Schema names stay (a user schema, Supabase's, pg_catalog); numbers are not names.
  assert.equal(normalizeViewDefinition("SELECT t.a * 2.5 FROM app.t t JOIN extensions.x x ON (pg_catalog.abs(t.a) = x.b)", schemas),
    "SELECT a * 2.5 FROM app.t t JOIN extensions.x x ON (pg_catalog.abs(a) = b)");
  // What differs is kept.
  assert.notEqual(normalizeViewDefinition("SELECT a FROM public.t", schemas), normalizeViewDefinition("SELECT b FROM public.t", schemas));
});

test("types read as the schema model writes them", () => {
  assert.equal(normalizeType("character varying(20)"), "varchar(20)");
  assert.equal(normalizeType("timestamp with time zone"), "timestamptz");
  assert.equal(normalizeType("character varying[]"), "varchar[]");
  assert.equal(normalizeType("public.mood"), "public.mood");
});
