// Builds the runnable artifacts with esbuild: the CLI bundle (dist/cli.mjs, lazily loaded parts in
// dist/chunks/) and the Edge Function's self-contained bundle (supabase/functions/supamigrate/dist/).
// The extension has its own build (extension/build.mjs). Usage: node build.mjs
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist/chunks", { recursive: true, force: true }); // chunk names carry content hashes: drop the old ones

await build({
  // Code splitting keeps `await import(…)` lazy in the bundle: without it esbuild hoists every external
  // import (PGlite for serve, libpg-query for lint/--db-url) to the top, and `--version` or `apply --url`
  // would load them all (~0.2 s). dist/cli.mjs stays the entry; lazily loaded parts go to dist/chunks/.
  entryPoints: { cli: "cli/main.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});

// The Edge Function as one self-contained file inside its own folder (docs/deploy.md: Supabase's bundler
// fails on imports from outside supabase/, so what is deployed must not have any): the function and the shared/ code it uses bundled into
// supabase/functions/supamigrate/dist/main.js, postgres left as the `npm:` import pinned in the
// function's deno.json, libpg-query bundled with its wasm copied beside the bundle (the parser reads
// it from the bundle's folder). supabase/config.toml deploys this file.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";

const FUNCTION_DIR = "supabase/functions/supamigrate";
{
  const { imports } = JSON.parse(readFileSync(`${FUNCTION_DIR}/deno.json`, "utf8"));
  const npmExternal = {
    name: "npm-external",
    setup(b) {
      b.onResolve({ filter: /^(postgres|jose)$/ }, (args) => ({ path: imports[args.path], external: true }));
    },
  };
  mkdirSync(`${FUNCTION_DIR}/dist`, { recursive: true });
  await build({
    entryPoints: [`${FUNCTION_DIR}/main.ts`],
    outfile: `${FUNCTION_DIR}/dist/main.js`,
    bundle: true,
    platform: "neutral",
    format: "esm",
    target: "es2022",
    mainFields: ["module", "main"],
    external: ["node:*"],
    plugins: [npmExternal],
    // libpg-query's emscripten loader is CommonJS that reads its wasm with require("node:fs") from
    // __dirname: give it both, pointing at the bundle's own folder.
    banner: {
      js: [
        "// Built by build.mjs from supabase/functions/supamigrate/ and shared/; do not edit.",
        'import { createRequire as __supamigrateCreateRequire } from "node:module";',
        'import { fileURLToPath as __supamigrateFileURLToPath } from "node:url";',
        "const require = __supamigrateCreateRequire(import.meta.url);",
        "const __filename = __supamigrateFileURLToPath(import.meta.url);",
        'const __dirname = __supamigrateFileURLToPath(new URL(".", import.meta.url)).replace(/[\\/]$/, "");',
      ].join("\n"),
    },
    legalComments: "none",
    logLevel: "warning",
  });
  copyFileSync("node_modules/libpg-query/wasm/libpg-query.wasm", `${FUNCTION_DIR}/dist/libpg-query.wasm`);
}
