import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tempTree } from "../../test/support/temp-tree.ts";

const LOADER = pathToFileURL(join(import.meta.dirname, "code-cache.ts")).href;

/** A CommonJS bundle; line 4 throws when asked to. */
const BUNDLE = `"use strict";
const { basename } = require("node:path");
exports.answer = (fail) => {
  if (fail) throw new Error("asked to fail");
  return { file: basename(__filename), dir: basename(__dirname), same: module.exports === exports, sum: [1, 2, 3].reduce((a, b) => a + b) };
};
`;

/** A project with the bundle and a driver that loads it through the code cache, in a new process each run. */
function project() {
  return tempTree({
    "dist/bundle.cjs": BUNDLE,
    "driver.mts": [
      `import { requireWithCodeCache } from ${JSON.stringify(LOADER)};`,
      "const cacheDir = process.argv[3] === '-' ? null : process.argv[3];",
      "const bundle = requireWithCodeCache(process.argv[2], cacheDir) as { answer(fail: boolean): unknown };",
      "console.log(JSON.stringify(bundle.answer(process.argv[4] === 'fail')));",
    ].join("\n"),
  }, "supamigrate-code-cache-");
}

function run(root: string, cacheDir: string, fail = false) {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "driver.mts"), join(root, "dist/bundle.cjs"), cacheDir, fail ? "fail" : ""], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ANSWER = `${JSON.stringify({ file: "bundle.cjs", dir: "dist", same: true, sum: 6 })}\n`;
const OK = { status: 0, stdout: ANSWER, stderr: "" };
/** The bundle's name, V8's version, the architecture, and a hash of the V8 flags (here `--import tsx`). */
const CACHE_NAME = new RegExp(`^bundle\\.cjs-${process.versions.v8.replaceAll(".", "\\.")}-${process.arch}-[0-9a-f]{8}\\.bin$`);

/** The cache files in `dir`/v8, with what identifies a write (a rename makes a new inode). */
function cacheFiles(dir: string): Array<{ name: string; ino: number; mtimeMs: number }> {
  return readdirSync(join(dir, "v8")).sort().map((name) => {
    const { ino, mtimeMs } = statSync(join(dir, "v8", name));
    return { name, ino, mtimeMs };
  });
}

test("the first run writes the bundle's cache at exit; the next runs read it and write nothing", () => {
  const root = project();
  const cacheDir = join(root, "cache");
  assert.deepEqual(run(root, cacheDir), OK);
  const written = cacheFiles(cacheDir);
  assert.equal(written.length, 1);
  assert.match(written[0].name, CACHE_NAME);
  assert.deepEqual(run(root, cacheDir), OK);
  assert.deepEqual(run(root, cacheDir), OK);
  assert.deepEqual(cacheFiles(cacheDir), written);
});

test("a corrupt cache is rejected by V8 and written again; the bundle runs the same", () => {
  const root = project();
  const cacheDir = join(root, "cache");
  run(root, cacheDir);
  const [good] = cacheFiles(cacheDir);
  writeFileSync(join(cacheDir, "v8", good.name), "not a code cache");
  assert.deepEqual(run(root, cacheDir), OK);
  const [rewritten] = cacheFiles(cacheDir);
  assert.notEqual(rewritten.ino, good.ino);
  assert.deepEqual(run(root, cacheDir), OK);
  assert.deepEqual(cacheFiles(cacheDir), [rewritten]);
});

test("a cache folder that cannot be made, or none at all, only means no cache", () => {
  const root = project();
  writeFileSync(join(root, "a-file"), "");
  assert.deepEqual(run(root, join(root, "a-file", "cache")), OK);
  assert.deepEqual(run(root, "-"), OK);
  assert.deepEqual(readdirSync(root).sort(), ["a-file", "dist", "driver.mts"]);
});

test("writing a cache keeps the 16 newest files of the folder", () => {
  const root = project();
  const cacheDir = join(root, "cache");
  const old = Array.from({ length: 17 }, (_, i) => `old-${i}.bin`);
  for (const [i, name] of old.entries()) {
    const path = join(cacheDir, "v8", name);
    mkdirSync(join(cacheDir, "v8"), { recursive: true });
    writeFileSync(path, "an older build's cache");
    utimesSync(path, 1_000_000 + i, 1_000_000 + i); // old-16 is the newest of them
  }
  assert.deepEqual(run(root, cacheDir), OK);
  const names = cacheFiles(cacheDir).map((f) => f.name);
  assert.deepEqual(names.filter((name) => !CACHE_NAME.test(name)), old.slice(2).sort());
  assert.equal(names.length, 16);
});

test("an error's stack gives the bundle's own line", () => {
  const root = project();
  const result = run(root, join(root, "cache"), true);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /Error: asked to fail\n\s+at exports\.answer \(.*bundle\.cjs:4:/);
});
