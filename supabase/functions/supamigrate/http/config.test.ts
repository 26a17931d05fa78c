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

test("SUPAMIGRATE_SYNC_SUPABASE_HISTORY: off unless \"true\"; any other value is a configuration error that names it", () => {
  const base = { SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: "postgres://db:5432/db" };
  const off = readConfig(envOf(base));
  assert.equal(off.ok && off.config.engine.syncSupabaseHistory, false);
  const on = readConfig(envOf({ ...base, SUPAMIGRATE_SYNC_SUPABASE_HISTORY: "true" }));
  assert.equal(on.ok && on.config.engine.syncSupabaseHistory, true);
  const wrong = readConfig(envOf({ ...base, SUPAMIGRATE_SYNC_SUPABASE_HISTORY: "yes" }));
  assert.equal(wrong.ok, false);
  assert.match(!wrong.ok ? wrong.message : "", /SUPAMIGRATE_SYNC_SUPABASE_HISTORY is "yes": set it to true .* or false/);
});
