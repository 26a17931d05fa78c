// The standard @vscode/test-electron launcher, for a machine that can download VS Code
// (update.code.visualstudio.com). It runs the same suite as `npm run test:extension`:
//   node extension/build.mjs && npx tsc -p extension/test && node extension/out/test/runTest.js
// The Apply tests need a function and a database: start `supamigrate serve` and put its URL in the
// workspace's .vscode/settings.json and {"token", "dbUrl"} in .supamigrate-test.json (as launch.ts
// does); without that file those tests are skipped.
import * as path from "path";
import { runTests } from "@vscode/test-electron";

async function main(): Promise<void> {
  const extensionDevelopmentPath = path.resolve(__dirname, "../..");
  const extensionTestsPath = path.resolve(__dirname, "./suite/index");
  const workspace = process.env.SUPAMIGRATE_TEST_WORKSPACE ?? path.resolve(extensionDevelopmentPath, "test/fixture/workspace");
  try {
    await runTests({ extensionDevelopmentPath, extensionTestsPath, launchArgs: [workspace, "--disable-extensions"] });
  } catch (error) {
    console.error("Failed to run tests", error);
    process.exit(1);
  }
}
void main();
