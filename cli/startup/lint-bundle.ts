/**
 * What the lint command's CommonJS file holds (build.mjs; run through the code cache, code-cache.ts):
 * the command, the parser's loader (entry.ts starts it early for `lint --no-cache`), and the command
 * line with only this command, which entry.ts runs for `supamigrate lint` without loading any ES module.
 */
import { register } from "../commands/lint.ts";
import { runCli } from "../program.ts";

export { register };
export { loadParser } from "../../shared/sql/index.ts";

/** `supamigrate lint …`: the command line with the lint command alone. */
export function runLint(): Promise<void> {
  return runCli({ lint: async () => ({ register }) });
}
