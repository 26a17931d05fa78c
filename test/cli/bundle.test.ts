// The published entry point, bin/supamigrate.js → dist/cli.cjs and its chunks (what `npm run build` makes),
// end to end: the other CLI tests run the source through tsx, so a bundle
// that cannot load a dependency would pass them all.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { lines, makeProject, runCli, serveFunction, type ServedFunction, SMALL_SET, SMALL_SET_APPLIED } from "./support/cli.ts";

let pg: PostgresServer;
let fn: ServedFunction;
let cwd: string;

before(async () => {
  pg = await startPostgres();
  fn = await serveFunction(await pg.createDatabase());
  cwd = makeProject(SMALL_SET);
});
after(async () => {
  await fn?.serve.stop();
  await pg?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

test("the bundle prints the package's version", async () => {
  const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  const result = await runCli(["--version"], { cwd, bundle: true });
  assert.deepEqual([result.status, result.stdout, result.stderr], [0, `${version}\n`, ""]);
});

test("the bundle lints (the parser loads from its package), applies through the function and shows the status", async () => {
  const lint = await runCli(["lint", "--no-cache"], { cwd, bundle: true });
  assert.equal(lint.stderr, "0 errors, 0 warnings, 0 info in 3 files\n");
  assert.equal(lint.status, 0);

  const apply = await runCli(["apply"], { cwd, env: fn.env, bundle: true });
  assert.equal(apply.stderr, "");
  assert.equal(apply.status, 0);
  assert.deepEqual(lines(apply.stdout), SMALL_SET_APPLIED);

  const status = await runCli(["status"], { cwd, env: fn.env, bundle: true });
  assert.equal(status.status, 0);
  assert.equal(lines(status.stdout).at(-1), "3 applied, 0 pending, 0 drifted (compared with scripts/)");
});
