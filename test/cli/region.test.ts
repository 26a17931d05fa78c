// --region / SUPAMIGRATE_REGION: the CLI asks Supabase to run the function in the database's region
// (x-region). A node:http server stands in for Supabase's gateway, which is what reads the header.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import { makeProject, runCli } from "./support/cli.ts";

const TOKEN = "region-test-token-value";

async function gateway(t: { after(fn: () => unknown): void }): Promise<{ url: string; regions: Array<string | undefined> }> {
  const regions: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    regions.push(req.headers["x-region"] as string | undefined);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ applied: [], lock: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1/supamigrate`, regions };
}

test("status --region sends x-region; SUPAMIGRATE_REGION does the same; the flag wins over the variable", async (t) => {
  const cwd = makeProject({});
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const { url, regions } = await gateway(t);
  const env = { SUPAMIGRATE_TOKEN: TOKEN };
  const flag = await runCli(["status", "--url", url, "--region", "eu-central-1"], { cwd, env });
  const variable = await runCli(["status", "--url", url], { cwd, env: { ...env, SUPAMIGRATE_REGION: "ap-southeast-2" } });
  const both = await runCli(["status", "--url", url, "--region", "us-east-1"], { cwd, env: { ...env, SUPAMIGRATE_REGION: "ap-southeast-2" } });
  const neither = await runCli(["status", "--url", url], { cwd, env });
  assert.deepEqual([flag.status, variable.status, both.status, neither.status], [0, 0, 0, 0], flag.stderr + variable.stderr);
  assert.deepEqual(regions, ["eu-central-1", "ap-southeast-2", "us-east-1", undefined]);
});

test("a value that is not a region name is a usage error (exit 2) that does not repeat it; --region with --db-url too", async (t) => {
  const cwd = makeProject({});
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const { url, regions } = await gateway(t);
  const secretLike = "sk_live_abcdef0123456789";
  const bad = await runCli(["status", "--url", url], { cwd, env: { SUPAMIGRATE_TOKEN: TOKEN, SUPAMIGRATE_REGION: secretLike } });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--region \(or SUPAMIGRATE_REGION\) takes a Supabase region like eu-central-1/);
  assert.doesNotMatch(bad.stderr + bad.stdout, /sk_live/);
  const withDb = await runCli(["status", "--db-url", "postgres://127.0.0.1:1/x", "--region", "eu-central-1"], { cwd });
  assert.equal(withDb.status, 2);
  assert.match(withDb.stderr, /with --db-url no function runs: drop --region/);
  assert.deepEqual(regions, [], "nothing was sent");
});
