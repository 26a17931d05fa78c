// Runs every Node test file (`*.test.ts`) with Node's test runner through tsx: shared, cli, test,
// supabase, and extension/src (the extension's unit tests, which need no VS Code; its suite in
// extension/test runs in a real VS Code through npm run test:extension).
// Usage: node test/run-node-tests.mjs [path-filter…]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = ["shared", "cli", "test", "supabase", "extension/src"];
const skip = new Set(["node_modules", "dist", ".supamigrate", "fixtures"]);
const filters = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const entry of entries) {
    if (skip.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (entry.endsWith(".test.ts") && !entry.endsWith(".deno.test.ts")) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => walk(root, [])).sort()
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
