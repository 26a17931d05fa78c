// The bundle's lint command runs through a V8 code cache in the user's cache folder
// (cli/startup/code-cache.ts): the first run writes it, later runs read it, and the output is the same
// bytes whether the cache is written, read, or cannot be written at all, and the same as from source.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempTree } from "../support/temp-tree.ts";
import { makeProject, runCli } from "./support/cli.ts";

const FILES = {
  "001_users.sql": "create table users (id bigint primary key, email text);\ncreate index users_email on users (email);\n",
  "002_broken.sql": "create tabel broken (id int);\nalter table users add column age int not null;\n",
  "003_drop.sql": "drop table users;\n",
};

function cacheFiles(cacheDir: string): Array<{ name: string; ino: number }> {
  return readdirSync(join(cacheDir, "v8")).sort().map((name) => ({ name, ino: statSync(join(cacheDir, "v8", name)).ino }));
}

test("lint --no-cache: the code cache is written once, then read; every run prints the same bytes as the source", async () => {
  const cwd = makeProject(FILES);
  const cacheDir = join(tempTree({}, "supamigrate-code-cache-"), "cache");
  const env = { SUPAMIGRATE_CACHE_DIR: cacheDir };
  const fromSource = await runCli(["lint", "--no-cache", "--format", "json"], { cwd });
  assert.equal(fromSource.status, 1);
  assert.match(fromSource.stdout, /"rule":"syntax-error"/);

  const first = await runCli(["lint", "--no-cache", "--format", "json"], { cwd, env, bundle: true });
  assert.deepEqual(first, fromSource);
  const written = cacheFiles(cacheDir);
  assert.deepEqual(written.map((f) => f.name.replace(/-[0-9A-F]{10}\.cjs-.+\.bin$/, "")).sort(), ["commander", "lint"]);

  const second = await runCli(["lint", "--no-cache", "--format", "json"], { cwd, env, bundle: true });
  assert.deepEqual(second, fromSource);
  assert.deepEqual(cacheFiles(cacheDir), written, "a hit writes nothing");

  for (const format of ["text", "sarif", "github"]) {
    assert.deepEqual(await runCli(["lint", "--no-cache", "--format", format], { cwd, env, bundle: true }), await runCli(["lint", "--no-cache", "--format", format], { cwd }), format);
  }
});

test("a cache folder that cannot be written changes nothing but speed", async () => {
  const cwd = makeProject(FILES);
  const blocker = join(tempTree({}, "supamigrate-code-cache-"), "a-file");
  writeFileSync(blocker, "");
  const fromSource = await runCli(["lint", "--no-cache"], { cwd });
  assert.deepEqual(await runCli(["lint", "--no-cache"], { cwd, env: { SUPAMIGRATE_CACHE_DIR: join(blocker, "cache") }, bundle: true }), fromSource);
  assert.deepEqual(await runCli(["lint", "--no-cache"], { cwd, env: { SUPAMIGRATE_CACHE_DIR: "" }, bundle: true }), fromSource);
});

test("commands run under other V8 flags (--version has none, lint has --liftoff-only) keep their own cache files", async () => {
  const cwd = makeProject(FILES);
  const env = { SUPAMIGRATE_CACHE_DIR: join(tempTree({}, "supamigrate-code-cache-"), "cache") };
  const version = await runCli(["--version"], { cwd, env, bundle: true });
  assert.equal(version.status, 0);
  const afterVersion = cacheFiles(env.SUPAMIGRATE_CACHE_DIR);
  assert.equal(afterVersion.length, 1, "commander's");
  assert.equal((await runCli(["lint", "--no-cache"], { cwd, env, bundle: true })).status, 1);
  const afterLint = cacheFiles(env.SUPAMIGRATE_CACHE_DIR);
  assert.equal(afterLint.length, 3, "commander's under lint's flags, and lint's");
  assert.ok(afterLint.some((f) => f.name === afterVersion[0].name && f.ino === afterVersion[0].ino));
  for (const args of [["--version"], ["lint"], ["lint", "--no-cache"], ["--version"]]) await runCli(args, { cwd, env, bundle: true });
  assert.deepEqual(cacheFiles(env.SUPAMIGRATE_CACHE_DIR), afterLint, "none rejected and written again");
});
