// `npm start` end to end on a fresh machine: a copy of scripts/ in a temp folder, no database, no
// token; the embedded PGlite database is created there. A second run finds nothing pending.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lines, ROOT } from "./support/cli.ts";

const cwd = mkdtempSync(join(tmpdir(), "supamigrate-start-"));
cpSync(join(ROOT, "scripts"), join(cwd, "scripts"), { recursive: true });
after(() => rmSync(cwd, { recursive: true, force: true }));

/** What npm start ends with: what to do next, here and in your own project. */
const NEXT_STEPS = [
  "- Keep the function running: npx supamigrate serve (prints url: and token:), then apply with SUPAMIGRATE_URL and SUPAMIGRATE_TOKEN set, or from VS Code.",
  "- Apply scripts/ to a database of your own, directly: npx supamigrate apply --db-url postgres://… (a Supabase project or branch; plain PostgreSQL first needs supabase/local/supabase-bootstrap.sql).",
  "- In your own project: npm install -D supamigrate, then npx supamigrate init (the Edge Function and supamigrate.json); docs/deploy.md and docs/ci.md take it from there.",
];

function npmStart(): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };
    const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), join(ROOT, "cli/start.ts")], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

test("npm start lints, applies scripts/ through the function on the embedded database, prints status; the second run applies nothing", async () => {
  const first = await npmStart();
  assert.equal(first.status, 0, first.stderr);
  const out = lines(first.stdout);
  assert.equal(out[0], "Linting scripts/ …");
  assert.ok(out.some((line) => /^0 errors, \d+ warnings?, \d+ info in 10 files$/.test(line)), out.join("\n"));
  const applied = out.filter((line) => line.startsWith("✓ "));
  assert.deepEqual(applied, [
    "✓ 001_initialize_database.sql  <t>",
    "✓ 007_create_feedback_tables.sql  <t>",
    "✓ 007_create_notification_preferences.sql  <t>",
    "✓ 010_create_user_profiles.sql  <t>",
    "✓ 010_create_user_system_tables.sql  <t>",
    "✓ 012_create_admin_user.sql  <t>",
    "✓ 013_create_ai_workspace_tables.sql  <t>",
    "✓ 015_create_results_tables.sql  <t>",
    "✓ 019_recreate_results_tables.sql  <t>",
    "✓ 025_create_shared_materials_table.sql  <t>",
  ]);
  assert.ok(out.includes("Applied 10, skipped 0 (already applied), failed 0 — <t>"));
  assert.deepEqual(out.slice(-5), [
    "10 applied, 0 pending, 0 drifted (compared with scripts/)",
    "Next:",
    ...NEXT_STEPS,
  ]);
  assert.ok(existsSync(join(cwd, ".supamigrate/pglite")));

  const second = await npmStart();
  assert.equal(second.status, 0, second.stderr);
  const again = lines(second.stdout);
  assert.ok(again.includes("Applied 0, skipped 10 (already applied), failed 0 — <t>"), again.join("\n"));
  assert.equal(again.filter((line) => line.startsWith("✓ ")).length, 0);
  assert.deepEqual(again.slice(-5), ["10 applied, 0 pending, 0 drifted (compared with scripts/)", "Next:", ...NEXT_STEPS]);
});
