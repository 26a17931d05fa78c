// Builds the extension: one esbuild bundle (vscode external, CommonJS for the extension host) and the
// parser's wasm beside it (libpg-query loads `__dirname/libpg-query.wasm`). A diagnostic's code links
// to the rule's doc page on the web (shared/lint/rule-docs.ts), so no doc is copied.
//   node extension/build.mjs [--production]   (minified, no source map)
import { build } from "esbuild";
import { copyFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dist = join(here, "dist");
const production = process.argv.includes("--production");

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [join(here, "src/extension.ts")],
  outfile: join(dist, "extension.js"),
  bundle: true,
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: production,
  sourcemap: production ? false : "linked",
  logLevel: "warning",
});

const require = createRequire(join(root, "package.json"));
const wasm = join(dirname(require.resolve("libpg-query")), "libpg-query.wasm");
copyFileSync(wasm, join(dist, "libpg-query.wasm"));
