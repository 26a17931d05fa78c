import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tempTree } from "../../test/support/temp-tree.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(ROOT, "cli/main.ts");
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;

const TABLE = "create table if not exists public.a (id uuid primary key);\nalter table public.a enable row level security;\n";
const BROKEN_REF = "alter table public.ghost enable row level security;\n";

/** A temp project: `files` relative to its root (e.g. `scripts/001_a.sql`), contents as text or bytes. */
const project = (files: Record<string, string | Uint8Array>) => tempTree(files, "supamigrate-lint-");

function cli(cwd: string, ...args: string[]) {
  const env = { ...process.env, SUPAMIGRATE_URL: "", SUPAMIGRATE_TOKEN: "" };
  const result = spawnSync(process.execPath, ["--import", TSX, MAIN, "lint", ...args], { cwd, encoding: "utf8", env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("lint (text): one finding a line on stdout, the summary on stderr, exit 1 on an error finding", () => {
  const root = project({ "scripts/001_a.sql": TABLE, "scripts/002_b.sql": BROKEN_REF, "scripts/README.md": "notes" });
  const { code, stdout, stderr } = cli(root);
  assert.equal(stdout, "scripts/002_b.sql:1:13: error unknown-reference: ALTER TABLE alters public.ghost, which no earlier migration creates and Supabase does not provide\n");
  assert.equal(stderr, "1 error, 0 warnings, 0 info in 2 files\n");
  assert.equal(code, 1);
});

test("lint (json): exactly the contract's keys, in order; exit 0 with warnings and info only", () => {
  const root = project({ "db/001_a.sql": TABLE, "db/001_b.sql": "select 1;\n" });
  const { code, stdout } = cli(root, "--dir", "db/", "--format", "json");
  const parsed = JSON.parse(stdout);
  assert.equal(code, 0);
  assert.equal(parsed.files, 2);
  assert.deepEqual(Object.keys(parsed), ["files", "findings"]);
  assert.deepEqual(Object.keys(parsed.findings[0]), ["file", "line", "column", "endLine", "endColumn", "rule", "severity", "message"]);
  assert.deepEqual(parsed.findings.map((f: { file: string; rule: string; severity: string }) => [f.file, f.rule, f.severity]), [
    ["db/001_a.sql", "duplicate-number", "info"],
    ["db/001_b.sql", "duplicate-number", "info"],
  ]);
});

test("lint (github): workflow commands, info as ::notice, properties and data escaped", () => {
  const root = project({ "scripts/001_a.sql": TABLE, "scripts/001_b.sql": BROKEN_REF });
  const lines = cli(root, "--format", "github").stdout.trimEnd().split("\n");
  assert.deepEqual(lines, [
    "::notice file=scripts/001_a.sql,line=1,col=1,endLine=1,endColumn=1,title=duplicate-number::001 is shared by 2 files; both run, in this order: 001_a.sql, then 001_b.sql",
    "::notice file=scripts/001_b.sql,line=1,col=1,endLine=1,endColumn=1,title=duplicate-number::001 is shared by 2 files; both run, in this order: 001_a.sql, then 001_b.sql",
    "::error file=scripts/001_b.sql,line=1,col=13,endLine=1,endColumn=25,title=unknown-reference::ALTER TABLE alters public.ghost, which no earlier migration creates and Supabase does not provide",
  ]);
});

test("lint (sarif): a SARIF 2.1.0 log with rule descriptors and located results", () => {
  const root = project({ "scripts/001_a.sql": BROKEN_REF });
  const { code, stdout } = cli(root, "--format", "sarif");
  const log = JSON.parse(stdout);
  assert.equal(code, 1);
  assert.equal(log.version, "2.1.0");
  const run = log.runs[0];
  const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "unknown-reference");
  assert.deepEqual(Object.keys(rule).slice(0, 3), ["id", "shortDescription", "helpUri"]);
  assert.equal(rule.helpUri, "https://github.com/supamigrate/supamigrate/blob/main/shared/lint/rules/unknown-reference/README.md");
  assert.equal(run.results.length, 1);
  const [result] = run.results;
  assert.deepEqual([result.ruleId, run.tool.driver.rules[result.ruleIndex].id, result.level], ["unknown-reference", "unknown-reference", "error"]);
  assert.deepEqual(result.locations[0].physicalLocation, {
    artifactLocation: { uri: "scripts/001_a.sql" },
    region: { startLine: 1, startColumn: 13, endLine: 1, endColumn: 25 },
  });
});

test("lint files…: only the given files' findings, checked in the context of their folder", () => {
  const root = project({
    "scripts/001_a.sql": TABLE + BROKEN_REF,
    "scripts/002_b.sql": "create index if not exists a_idx on public.a (id);\n",
    "scripts/003_c.sql": BROKEN_REF,
  });
  assert.deepEqual(cli(root, "scripts/002_b.sql"), { code: 0, stdout: "", stderr: "0 errors, 0 warnings, 0 info in 1 file\n" });
  const both = cli(root, "scripts/003_c.sql", "scripts/002_b.sql");
  assert.deepEqual([both.code, both.stdout.split("\n")[0].split(":").slice(0, 3).join(":")], [1, "scripts/003_c.sql:1:13"]);
});

test("lint: supamigrate.json sets the folder and severities; a bad config, folder, file or URL exits 2", () => {
  const root = project({
    "supamigrate.json": '{"migrationsDir": "migrations", "rules": {"unknown-reference": "warning"}}',
    "migrations/001_a.sql": BROKEN_REF,
    "notes.txt": "x",
  });
  const configured = cli(root);
  assert.equal(configured.code, 0);
  assert.match(configured.stdout, /^migrations\/001_a\.sql:1:13: warning unknown-reference: /);
  assert.deepEqual(cli(root, "--dir", "nope"), {
    code: 2, stdout: "", stderr: 'supamigrate lint: the migrations folder nope does not exist (set it with --dir or "migrationsDir" in supamigrate.json)\n',
  });
  assert.deepEqual(cli(root, "missing.sql").stderr, "supamigrate lint: missing.sql does not exist\n");
  assert.deepEqual(cli(root, "notes.txt"), { code: 2, stdout: "", stderr: "supamigrate lint: notes.txt is not a .sql file; migrations are <number>_<name>.sql\n" });
  const unreachable = cli(root, "--url", "http://127.0.0.1:9/functions/v1/supamigrate");
  assert.equal(unreachable.code, 2);
  assert.match(unreachable.stderr, /^supamigrate lint: could not fetch the deployed state from http:\/\/127\.0\.0\.1:9\/functions\/v1\/supamigrate: /);
  const bad = project({ "supamigrate.json": '{"rule": {}}', "scripts/001_a.sql": TABLE });
  assert.deepEqual(cli(bad), { code: 2, stdout: "", stderr: 'supamigrate lint: supamigrate.json: unknown key "rule"; the keys are "migrationsDir", "rules", "onlineSafety" and "targets"\n' });
  assert.equal(cli(root, "--format", "xml").code, 2);
});

test("lint: a non-UTF-8 file is a syntax-error at 1:1; a folder of non-SQL files says so and exits 0", () => {
  const root = project({ "scripts/001_a.sql": new Uint8Array([0x73, 0x65, 0x6c, 0xe9, 0x63, 0x74, 0x3b]), "notes/README.md": "x" });
  const { code, stdout } = cli(root);
  assert.equal(code, 1);
  assert.equal(stdout, "scripts/001_a.sql:1:1: error syntax-error: the file is not valid UTF-8 text (first bad byte at offset 3); " +
    'save it as UTF-8 (in VS Code: "Reopen with Encoding", then "Save with Encoding" → UTF-8) so it can be linted and applied\n');
  const empty = cli(root, "--dir", "notes", "--verbose");
  assert.equal(empty.code, 0);
  assert.match(empty.stderr, /\nsupamigrate lint: no migrations in notes \(a migration is <number>_<name>\.sql\)\nnotes: 0 migrations; ignored \(not \.sql files\): README\.md\n/);
  assert.match(empty.stderr, /no-edit-after-deploy skipped: no --url, --target or SUPAMIGRATE_URL/);
});

test("lint on the seed's scripts/: no error findings; the two 010 files are an info finding naming their order", () => {
  const { code, stdout } = cli(ROOT, "--format", "json");
  const findings: Array<{ file: string; rule: string; severity: string; message: string }> = JSON.parse(stdout).findings;
  assert.equal(code, 0);
  assert.deepEqual(findings.filter((f) => f.severity === "error"), []);
  const order = "010 is shared by 2 files; both run, in this order: 010_create_user_profiles.sql, then 010_create_user_system_tables.sql";
  assert.deepEqual(findings.filter((f) => f.message === order).map((f) => [f.file, f.rule, f.severity]), [
    ["scripts/010_create_user_profiles.sql", "duplicate-number", "info"],
    ["scripts/010_create_user_system_tables.sql", "duplicate-number", "info"],
  ]);
});

test("lint from a subfolder uses the supamigrate.json above it: its migrationsDir and its rules", () => {
  const root = project({
    "supamigrate.json": JSON.stringify({ migrationsDir: "db/migrations", rules: { "unknown-reference": "off" } }),
    "db/migrations/001_a.sql": TABLE,
    "db/migrations/002_b.sql": BROKEN_REF,
    "app/src/.keep": "",
  });
  const { code, stdout, stderr } = cli(join(root, "app/src"), "--format", "json");
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { files: 2, findings: [] }, "unknown-reference is off in the file's rules");
  // Without the file, the subfolder has no migrations folder: said, exit 2.
  const bare = project({ "app/src/.keep": "" });
  const missing = cli(join(bare, "app/src"));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^supamigrate lint: the migrations folder scripts does not exist/);
});
