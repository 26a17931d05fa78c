// The lint result cache (.supamigrate-cache/): hits print exactly what a fresh lint prints, every input
// of the result invalidates it, --no-cache neither reads nor writes it, and a broken cache is ignored.
// The CLI runs from source (tsx), in throwaway projects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempTree, writeTreeFile } from "../support/temp-tree.ts";
import { ROOT } from "./support/cli.ts";

const TSX = import.meta.resolve("tsx");

const TABLE = "create table if not exists public.a (id uuid primary key);\nalter table public.a enable row level security;\n";
const BROKEN_REF = "alter table public.ghost enable row level security;\n";
const DROP = "drop table public.a;\n";

/** A temp project: `files` relative to its root, contents as text or bytes. */
const project = (files: Record<string, string | Uint8Array>) => tempTree(files, "supamigrate-lint-cache-");
const write = writeTreeFile;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `supamigrate lint <args>` in `cwd` (async, so a server in this process can answer it). */
function lint(cwd: string, ...args: string[]): Promise<Run> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SUPAMIGRATE_URL: "", SUPAMIGRATE_TOKEN: "" };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "cli/main.ts"), "lint", ...args], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `cache hit` / `cache miss` lines of a --verbose run. */
async function cacheLines(cwd: string, ...args: string[]): Promise<string[]> {
  const { stderr } = await lint(cwd, "--verbose", ...args);
  return stderr.split("\n").filter((line) => line.includes(": cache "));
}

function entries(root: string): string[] {
  return readdirSync(join(root, ".supamigrate-cache")).sort();
}

const entryFile = (root: string) => join(root, ".supamigrate-cache", entries(root).find((name) => name.startsWith("lint-"))!);

/** Findings of many kinds: errors, info with two files, a help text, a rollback, a non-UTF-8 file, ignored names. */
const MIXED = {
  "scripts/001_a.sql": TABLE,
  "scripts/002_b.sql": BROKEN_REF,
  "scripts/002_c.sql": "-- supamigrate-ignore require-rollback\nselect 1;\n",
  "scripts/003_d.sql": DROP,
  "scripts/004_e.sql": new Uint8Array([0x73, 0x65, 0x6c, 0xe9, 0x63, 0x74, 0x3b]),
  "scripts/rollback/001_a.sql": "drop table if exists public.a;\n",
  "scripts/README.md": "notes",
};

test("a second run is a cache hit that prints the same bytes, with the same exit code, in every format", async () => {
  const root = project(MIXED);
  for (const format of ["text", "json", "github", "sarif"]) {
    rmSync(join(root, ".supamigrate-cache"), { recursive: true, force: true });
    const fresh = await lint(root, "--no-cache", "--format", format);
    const miss = await lint(root, "--format", format);
    const hit = await lint(root, "--format", format);
    assert.equal(fresh.code, 1, format);
    assert.ok(fresh.stdout.length > 0, format);
    assert.deepEqual(miss, fresh, format);
    assert.deepEqual(hit, fresh, format);
  }
  assert.deepEqual(await cacheLines(root, "--format", "sarif"), ["scripts: cache hit"]);
  assert.deepEqual(entries(root).filter((name) => !name.startsWith("lint-")), [".gitignore"]);
  assert.equal(entries(root).length, 2, "one entry per folder, overwritten, never a stray temp file");
  assert.match(readFileSync(join(root, ".supamigrate-cache/.gitignore"), "utf8"), /^\*$/m);
});

test("the hit really comes from the cache file (a doctored entry is printed); --no-cache neither reads nor writes it", async () => {
  const root = project({ "scripts/001_a.sql": BROKEN_REF });
  const fresh = await lint(root, "--no-cache");
  assert.throws(() => statSync(join(root, ".supamigrate-cache")), { code: "ENOENT" }, "--no-cache wrote a cache");
  await lint(root);
  const path = entryFile(root);
  const doctored = readFileSync(path, "utf8").replace("which no earlier migration creates", "DOCTORED");
  writeFileSync(path, doctored);
  assert.match((await lint(root)).stdout, /DOCTORED/);
  assert.deepEqual(await lint(root, "--no-cache"), fresh);
  write(root, "scripts/001_a.sql", TABLE);
  assert.deepEqual(await lint(root, "--no-cache"), { code: 0, stdout: "", stderr: "0 errors, 0 warnings, 0 info in 1 file\n" });
  assert.equal(readFileSync(path, "utf8"), doctored, "--no-cache rewrote the entry");
});

test("editing, renaming, adding a rollback or a non-SQL file, and changing supamigrate.json each invalidate the entry", async () => {
  const root = project({ "scripts/001_a.sql": TABLE, "scripts/002_b.sql": BROKEN_REF + DROP });
  /** A --verbose run says miss (and prints what --no-cache prints), the next run is a hit printing the same. */
  const check = async (what: string, dir = "scripts") => {
    const fresh = await lint(root, "--no-cache");
    const miss = await lint(root, "--verbose");
    assert.deepEqual(miss.stderr.split("\n").filter((line) => line.includes(": cache ")), [`${dir}: cache miss`], what);
    assert.deepEqual([miss.code, miss.stdout], [fresh.code, fresh.stdout], what);
    assert.deepEqual(await lint(root), fresh, what);
    assert.deepEqual(await cacheLines(root), [`${dir}: cache hit`], `${what}, then again`);
    return fresh;
  };
  await check("first run");
  write(root, "scripts/002_b.sql", BROKEN_REF + DROP + "-- a comment\n");
  await check("edited");
  renameSync(join(root, "scripts/002_b.sql"), join(root, "scripts/003_b.sql"));
  assert.match((await check("renamed")).stdout, /^scripts\/003_b\.sql:1:13: error unknown-reference/);
  write(root, "scripts/rollback/003_b.sql", "select 1;\n");
  assert.doesNotMatch((await check("rollback added")).stdout, /require-rollback/);
  write(root, "scripts/notes.txt", "x");
  await check("a non-SQL file added");
  assert.match((await lint(root, "--verbose")).stderr, /\nscripts: 2 migrations; ignored \(not \.sql files\): notes\.txt\n/);
  write(root, "supamigrate.json", '{"rules": {"unknown-reference": "warning"}}');
  const configured = await check("supamigrate.json changed");
  assert.equal(configured.code, 0);
  assert.match(configured.stdout, /^scripts\/003_b\.sql:1:13: warning unknown-reference/);
  write(root, "supamigrate.json", '{"rules": {"unknown-reference": "warning"}, "migrationsDir": "db"}');
  write(root, "db/001_a.sql", BROKEN_REF);
  assert.match((await check("migrationsDir changed", "db")).stdout, /^db\/001_a\.sql:1:13: warning/);
});

test("the deployed state (--url) is part of the key: a new deployed checksum is a miss", async (t) => {
  const root = project({ "scripts/001_a.sql": TABLE });
  let checksum = createHash("sha256").update(TABLE).digest("hex");
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({
      applied: [{
        name: "001_a.sql", checksum, appliedAt: "2026-01-01T00:00:00Z", appliedBy: null, durationMs: 1,
        hasRollback: false, transactional: true, gitSha: null, ciRun: null,
      }],
      lock: null,
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1/supamigrate`;
  assert.deepEqual(await cacheLines(root, "--url", url), ["scripts: cache miss"]);
  assert.deepEqual(await cacheLines(root, "--url", url), ["scripts: cache hit"]);
  assert.deepEqual(await cacheLines(root), ["scripts: cache miss"], "without --url");
  checksum = "0".repeat(64);
  assert.deepEqual(await cacheLines(root, "--url", url), ["scripts: cache miss"]);
  const edited = await lint(root, "--url", url);
  assert.deepEqual(edited, await lint(root, "--url", url, "--no-cache"));
  assert.match(edited.stdout, /^scripts\/001_a\.sql:1:1: error no-edit-after-deploy: /);
});

test("a corrupt, unreadable or unwritable cache is ignored: the folder is linted and the output is right", async () => {
  const root = project(MIXED);
  const fresh = await lint(root, "--no-cache");
  await lint(root);
  const path = entryFile(root);
  for (const garbage of ["", "{", "null", '{"key": 1}', readFileSync(path, "utf8").replace('"findings":[', '"findings":[7,')]) {
    writeFileSync(path, garbage);
    assert.deepEqual(await lint(root), fresh, JSON.stringify(garbage.slice(0, 20)));
    assert.deepEqual(await cacheLines(root), ["scripts: cache hit"], "the corrupt entry was replaced");
  }
  rmSync(path);
  mkdirSync(path); // the entry is a folder: neither readable nor replaceable
  assert.deepEqual(await lint(root), fresh);
  const verbose = (await lint(root, "--verbose")).stderr;
  assert.match(verbose, /\nscripts: cache miss\n/);
  assert.match(verbose, /\nscripts: cache not written: /);
  rmSync(join(root, ".supamigrate-cache"), { recursive: true });
  writeFileSync(join(root, ".supamigrate-cache"), "a file where the cache folder would go");
  assert.deepEqual(await lint(root), fresh);
  assert.match((await lint(root, "--verbose")).stderr, /\nscripts: cache not written: /);
});

test("linting given files reuses their folder's entry and prints only their findings", async () => {
  const root = project(MIXED);
  await lint(root);
  for (const args of [["scripts/002_b.sql"], ["scripts/rollback/001_a.sql", "scripts/003_d.sql"], ["--format", "json", "scripts/001_a.sql"]]) {
    assert.deepEqual(await cacheLines(root, ...args), ["scripts: cache hit"], args.join(" "));
    assert.deepEqual(await lint(root, ...args), await lint(root, "--no-cache", ...args), args.join(" "));
  }
});

test("errors are the same with the cache: a bad supamigrate.json is reported first, even before a missing folder", async () => {
  const root = project({ "scripts/001_a.sql": TABLE });
  await lint(root);
  write(root, "supamigrate.json", '{"rule": {}}');
  const bad = { code: 2, stdout: "", stderr: 'supamigrate lint: supamigrate.json: unknown key "rule"; the keys are "migrationsDir", "rules", "onlineSafety" and "targets"\n' };
  assert.deepEqual(await lint(root), bad);
  assert.deepEqual(await lint(root, "--dir", "nope"), bad);
  assert.deepEqual(await lint(root, "missing.sql"), bad);
  write(root, "supamigrate.json", '{"migrationsDir": "nope"}');
  assert.deepEqual(await lint(root), {
    code: 2, stdout: "", stderr: 'supamigrate lint: the migrations folder nope does not exist (set it with --dir or "migrationsDir" in supamigrate.json)\n',
  });
});
