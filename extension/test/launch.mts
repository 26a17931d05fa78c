/**
 * `npm run test:extension`: runs the suite (test/suite, compiled to out/test) in a real VS Code.
 * 1. makes sure Chromium, Node 24 and code-server are installed (scripts/setup-vscode.sh, cached
 *    outside the repo);
 * 2. starts a real PostgreSQL 15 and the real function in Deno against it (`startServe`);
 * 3. copies the fixture workspace to a temp dir, points `supamigrate.functionUrl` at the function and
 *    leaves the token and database URL in `.supamigrate-test.json` for the tests;
 * 4. runs harness/run-in-code-server.mjs and exits with its code.
 * The same suite runs unchanged under @vscode/test-electron where VS Code can be downloaded (runTest.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServe } from "../../cli/serve/index.ts";
import { startPostgres } from "../../test/support/postgres.ts";
import { startAuthStandIn } from "./auth-stand-in.mts";

const extensionDir = fileURLToPath(new URL("..", import.meta.url));
const t0 = Date.now();
const say = (line: string) => console.log(`[test:extension +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);

function setup(): { node24: string; codeServer: string } {
  const result = spawnSync("bash", [join(extensionDir, "scripts/setup-vscode.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`setup-vscode.sh failed (${result.status})`);
  const vars = Object.fromEntries(result.stdout.trim().split("\n").map((l) => l.split("=", 2) as [string, string]));
  return { node24: vars.NODE24, codeServer: vars.CODE_SERVER };
}

const { node24, codeServer } = setup();
say("toolchain ready; starting PostgreSQL and the function");
const pg = await startPostgres();
// The sign-in suite's project: a stand-in for Supabase Auth + gateway in front of the real function.
const anonKey = "sb_publishable_extension-test-anon-key";
const standIn = await startAuthStandIn(anonKey);
let serve: Awaited<ReturnType<typeof startServe>> | null = null;
const workspace = mkdtempSync(join(tmpdir(), "supamigrate-ext-ws-"));
let code = 2;
try {
  const dbUrl = await pg.createDatabase("extension_test");
  serve = await startServe({ dbUrl, token: "extension-test-token-0123456789abcdef", env: { SUPABASE_URL: standIn.origin } });
  standIn.setFunctionOrigin(new URL(serve.url).origin);
  standIn.setDatabase(dbUrl);
  say(`function at ${serve.url}`);
  cpSync(join(extensionDir, "test/fixture/workspace"), workspace, { recursive: true });
  mkdirSync(join(workspace, ".vscode"), { recursive: true });
  writeFileSync(join(workspace, ".vscode/settings.json"), JSON.stringify({ "supamigrate.functionUrl": serve.url }, null, 2));
  writeFileSync(join(workspace, ".supamigrate-test.json"), JSON.stringify({ token: serve.token, dbUrl, projectUrl: standIn.origin, anonKey }, null, 2));
  const harness = spawn(process.execPath, [
    join(extensionDir, "test/harness/run-in-code-server.mjs"),
    "--node", node24,
    "--code-server", codeServer,
    "--extensionDevelopmentPath", extensionDir,
    "--extensionTestsPath", join(extensionDir, "out/test/suite/index"),
    "--workspace", workspace,
    "--timeout", process.env.TEST_TIMEOUT_MS ?? "300000",
  ], { stdio: "inherit" });
  code = await new Promise<number>((resolve) => harness.on("exit", (c) => resolve(c ?? 2)));
} catch (error) {
  console.error(error);
} finally {
  await serve?.stop();
  await standIn.close();
  await pg.stop();
  if (code === 0) rmSync(workspace, { recursive: true, force: true });
  else say(`workspace kept in ${workspace}`);
}
say(`exit code ${code}`);
process.exit(code);
