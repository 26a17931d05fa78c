/**
 * The bundle's entry point (build.mjs makes it dist/cli.cjs, which bin/supamigrate.js requires): what has
 * to happen before the CLI's modules load, then the CLI itself.
 * - CommonJS, and `lint` runs without any ES module: Node 20 loads its ES module loader (~10 ms of its
 *   own JavaScript) for the first ES module of a run, and keeps no compiled code of ES modules.
 *   `supamigrate lint` runs the lint command's file (lint-bundle.ts, the parser's JavaScript with it)
 *   and commander's through the code cache (code-cache.ts); every other command, help and --version
 *   load main.ts, the ES module bundle (dist/chunks/main.mjs and the chunks beside it).
 * - Node ≥ 22.1: its compile cache for every module loaded from here on, kept in the user's cache
 *   folder (cache-dir.ts).
 * - `lint --no-cache` parses for sure: loading the SQL parser now starts compiling its WebAssembly on
 *   background threads while the command line is set up, instead of after (the lint command would
 *   start it only once it has read the project). With the cache on, the lint command decides, as a hit
 *   needs no parser.
 */
import module from "node:module";
import { join } from "node:path";
import { userCacheDir } from "./cache-dir.ts";
import { setV8Flags } from "./v8-flags.ts";

// program.ts sets these too, but compiled code is cached under the flags in force (Node keys its compile
// cache by them when it is enabled; code-cache.ts when it loads a file), and the parser's compile needs
// them before it starts.
const args = process.argv.slice(2);
const command = args.find((arg) => !arg.startsWith("-")); // as program.ts finds it
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

if (command === "lint") {
  // In the bundle, a require() of the lint command's CommonJS file (build.mjs): no ES module loader.
  void import("./lint-bundle.ts").then((lint) => {
    if (args.includes("--no-cache")) lint.loadParser().catch(() => {}); // a failure to load is reported where the parser is used
    return lint.runLint();
  });
} else {
  void import("../main.ts");
}
