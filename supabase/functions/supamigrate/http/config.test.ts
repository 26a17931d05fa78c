import { test } from "node:test";
import assert from "node:assert/strict";
import { readConfig } from "./config.ts";

const TOKEN = "t".repeat(40);
const envOf = (values: Record<string, string>) => (name: string) => values[name];

test("SUPAMIGRATE_DB_URL overrides SUPABASE_DB_URL (a direct URL for the lock when Supabase's is the pooler)", () => {
  const both = readConfig(envOf({ SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: "postgres://pooler:6543/db", SUPAMIGRATE_DB_URL: "postgres://direct:5432/db" }));
  assert.equal(both.ok && both.config.dbUrl, "postgres://direct:5432/db");
  const only = readConfig(envOf({ SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: "postgres://db:5432/db" }));
  assert.equal(only.ok && only.config.dbUrl, "postgres://db:5432/db");
  const none = readConfig(envOf({ SUPAMIGRATE_TOKEN: TOKEN }));
  assert.equal(none.ok, false);
  assert.match(!none.ok ? none.message : "", /SUPAMIGRATE_DB_URL/);
});
