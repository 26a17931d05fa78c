import { test } from "node:test";
import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempTree } from "../test/support/temp-tree.ts";
import { buildId, fingerprint } from "./build-id.ts";

const tree = (files: Record<string, string>) => tempTree(files, "supamigrate-build-id-");

test("bundle: the texts of the entry and of main.mjs, and the chunk names (content hashes) make the id", () => {
  const root = tree({
    "dist/cli.cjs": "require('./chunks/lint-AAAA.cjs');",
    "dist/chunks/main.mjs": "import './chunk-BBBB.mjs';",
    "dist/chunks/lint-AAAA.cjs": "x",
    "dist/chunks/chunk-BBBB.mjs": "y",
  });
  const chunk = join(root, "dist/chunks/lint-AAAA.cjs");
  const first = fingerprint(chunk);
  assert.equal(fingerprint(join(root, "dist/chunks/chunk-BBBB.mjs")), first, "the same build from any of its chunks");
  renameSync(join(root, "dist/chunks/chunk-BBBB.mjs"), join(root, "dist/chunks/chunk-CCCC.mjs"));
  const renamed = fingerprint(chunk);
  assert.notEqual(renamed, first);
  writeFileSync(join(root, "dist/cli.cjs"), "require('./chunks/lint-AAAA.cjs'); // changed");
  const entryChanged = fingerprint(chunk);
  assert.notEqual(entryChanged, renamed);
  writeFileSync(join(root, "dist/chunks/main.mjs"), "import './chunk-CCCC.mjs';");
  assert.notEqual(fingerprint(chunk), entryChanged);
});

test("source: every file under cli/ and shared/ but tests", () => {
  const root = tree({ "cli/lint-cache.ts": "a", "shared/lint/rules/x/rule.ts": "b", "shared/lint/engine.test.ts": "t", "bench/lint.ts": "c" });
  const module = join(root, "cli/lint-cache.ts");
  const first = fingerprint(module);
  writeFileSync(join(root, "shared/lint/engine.test.ts"), "t2");
  writeFileSync(join(root, "bench/lint.ts"), "c2");
  assert.equal(fingerprint(module), first);
  writeFileSync(join(root, "shared/lint/rules/x/rule.ts"), "b2");
  const edited = fingerprint(module);
  assert.notEqual(edited, first);
  writeFileSync(join(root, "shared/lint/rules/x/README.md"), "doc");
  assert.notEqual(fingerprint(module), edited);
});

test("this checkout's id is stable within a process", () => {
  assert.match(buildId(), /^[0-9a-f]{64}$/);
  assert.equal(buildId(), buildId());
});
