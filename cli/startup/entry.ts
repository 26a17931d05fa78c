/**
 * The bundle's entry point (build.mjs makes it dist/cli.mjs): what has to happen before the CLI's
 * modules load, then the CLI itself (main.ts).
 * - Node ≥ 22.1: its compile cache for every module loaded from here on, kept in the user's cache
 *   folder (cache-dir.ts). Node 20 has none; commander and the lint command go through code-cache.ts
 *   (build.mjs) on any Node.
 * - `lint --no-cache` parses for sure: loading the SQL parser now starts compiling its WebAssembly on
 *   background threads while the CLI's modules load, instead of after (the lint command would start it
 *   only once it has read the project). With the cache on, the lint command decides, as a hit needs no parser.
 */
import module from "node:module";
import { join } from "node:path";
import { userCacheDir } from "./cache-dir.ts";
import { setV8Flags } from "./v8-flags.ts";

// main.ts sets these too, but compiled code is cached under the flags in force (Node keys its compile
// cache by them when it is enabled; code-cache.ts when it loads a file), and the parser's compile needs
// them before it starts.
const args = process.argv.slice(2);
const command = args.find((arg) => !arg.startsWith("-")); // as main.ts finds it
setV8Flags(command);

const cacheDir = userCacheDir();
const { enableCompileCache } = module as { enableCompileCache?: (dir: string) => unknown };
if (cacheDir !== null && enableCompileCache) {
  try {
    enableCompileCache(join(cacheDir, "node"));
  } catch {
    // no compile cache: the CLI runs as it would without one
  }
}

if (command === "lint" && args.includes("--no-cache")) {
  const { loadParser } = await import("./lint-bundle.ts"); // the same module as main.ts's lint command
  loadParser().catch(() => {}); // a failure to load is reported where the parser is used
}

await import("../main.ts");
