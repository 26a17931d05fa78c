// Builds the runnable artifacts with esbuild: the CLI bundle (dist/cli.cjs, the entry; dist/chunks/main.mjs,
// the command line as ES modules, and its lazily loaded parts beside it) and the Edge Function's
// self-contained bundle (supabase/functions/supamigrate/dist/).
// The extension has its own build (extension/build.mjs). Usage: node build.mjs
import { createHash } from "node:crypto";
import { mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { build } from "esbuild";

rmSync("dist/chunks", { recursive: true, force: true }); // chunk names carry content hashes: drop the old ones
for (const old of ["dist/cli.mjs", "dist/cli.mjs.map"]) rmSync(old, { force: true }); // the entry of builds before dist/cli.cjs
mkdirSync("dist/chunks", { recursive: true });

// What every cold `lint` compiles is built as CommonJS files, dist/chunks/<name>-<content hash>.cjs, run
// through a V8 code cache kept in the user's cache folder (cli/startup/code-cache.ts): Node 20 keeps no
// compiled code of ES modules between runs, and compiling was about a fifth of a cold lint (docs/ci.md,
// "Cold CLI"). In the ES module bundle, each one stands for the imports listed in `replaces` (specifier →
// the importing file, or null for any). No import() in them (vm.Script has no module loader of its own):
// esbuild turns them into require(). import.meta.url is the file's own URL.
// - commander, which every command loads;
// - the lint command with the linter, its rules and the SQL parser, libpg-query's JavaScript included (its
//   WebAssembly is read from the installed package, and should that package be another version than the
//   one built in, its own JavaScript is used), so the parser that entry.ts starts early for
//   `lint --no-cache` is the one the command uses; and the command line with that command alone, which
//   the CommonJS entry runs for `supamigrate lint` (commander from its own file, as above).
const require = createRequire(import.meta.url);
const CODE_CACHED = [
  {
    name: "commander",
    entry: require.resolve("commander"),
    bundled: [],
    // Loaded only to run an executable subcommand, which the CLI has none of: not at every start.
    lazy: { "node:child_process": ["spawn"] },
    exports: Object.keys(require("commander")),
    replaces: { commander: null },
  },
  {
    name: "lint",
    entry: "cli/startup/lint-bundle.ts",
    bundled: ["@pgsql/types"],
    parser: true,
    // Hashing is for the lint cache: `lint --no-cache` does without it.
    lazy: { "node:crypto": ["createHash", "randomBytes"] },
    exports: ["register", "loadParser", "runLint"],
    replaces: { "./commands/lint.ts": "cli/main.ts" },
    codeCached: { commander: "commander" },
  },
];
const builtParts = new Map(); // name → "<name>-<hash>.cjs"
for (const part of CODE_CACHED) {
  const { outputFiles } = await build({
    entryPoints: [part.entry],
    outfile: `dist/chunks/${part.name}.cjs`,
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    plugins: [
      lazyBuiltins(part.lazy ?? {}),
      ...(part.parser ? [builtInParser()] : []),
      codeCachedRequires(part.codeCached ?? {}, "."),
      externalPackagesBut(part.bundled),
    ],
    supported: { "dynamic-import": false },
    // libpg-query's loader reads libpg-query.wasm from its __dirname: the installed package's wasm/ folder.
    define: { "import.meta.url": "__supamigrateModuleUrl", ...(part.parser ? { __dirname: "__supamigrateParserDir" } : {}) },
    sourcemap: "external",
    logLevel: "warning",
  });
  const built = outputFiles.find((file) => file.path.endsWith(".cjs")).text;
  const map = outputFiles.find((file) => file.path.endsWith(".map")).text;
  if (/\bimport\(/.test(built)) throw new Error(`build.mjs: the CommonJS file of ${part.name} has an import()`);
  // What define refers to, declared on the first line: after a "use strict" (ES modules are strict code),
  // and without a line of its own, so the source map's lines still hold.
  const declarations = [
    'var __supamigrateModuleUrl = require("node:url").pathToFileURL(__filename).href;',
    ...(part.parser
      ? ['var __supamigrateParserDir = require("node:path").join(require("node:path").dirname(require.resolve("libpg-query/package.json")), "wasm");']
      : []),
  ].join("");
  const strict = '"use strict";';
  const code = built.startsWith(strict) ? `${strict}${declarations}${built.slice(strict.length)}` : `${declarations}${built}`;
  const file = `${part.name}-${createHash("sha256").update(code).digest("hex").slice(0, 10).toUpperCase()}.cjs`;
  writeFileSync(`dist/chunks/${file}`, `${code}//# sourceMappingURL=${file}.map\n`);
  writeFileSync(`dist/chunks/${file}.map`, map);
  builtParts.set(part.name, file);
}

/**
 * libpg-query: its JavaScript bundled (so it is code-cached), used when the installed package, whose
 * libpg-query.wasm it loads, is the version it was built from; else the installed package's own.
 */
function builtInParser() {
  const version = require("libpg-query/package.json").version;
  const loader = require.resolve("libpg-query");
  return {
    name: "built-in-parser",
    setup(b) {
      b.onResolve({ filter: /^libpg-query$/ }, (args) =>
        args.namespace === "parser" ? { path: args.path, external: true } : { path: "libpg-query", namespace: "parser" });
      b.onLoad({ filter: /.*/, namespace: "parser" }, () => ({
        loader: "js",
        resolveDir: resolve("."),
        contents: [
          `const installed = require("libpg-query/package.json").version;`,
          `module.exports = installed === ${JSON.stringify(version)} ? require(${JSON.stringify(loader)}) : require("libpg-query");`,
        ].join("\n"),
      }));
    },
  };
}

/** Every bare import is external (an installed package) but those of `bundled`. */
function externalPackagesBut(bundled) {
  return {
    name: "external-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        bundled.some((name) => args.path === name || args.path.startsWith(`${name}/`)) ? undefined : { path: args.path, external: true });
    },
  };
}

/**
 * Built-in modules loaded when first used rather than at start: each is replaced by a module of the given
 * functions, which load it and call it (an import of anything else fails the build).
 */
function lazyBuiltins(functions) {
  return {
    name: "lazy-builtins",
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => {
        if (!Object.hasOwn(functions, args.path)) return undefined;
        return args.namespace === "lazy-builtin" ? { path: args.path, external: true } : { path: args.path, namespace: "lazy-builtin" };
      });
      b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
        loader: "js",
        contents: [
          "let loaded;",
          `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
          ...functions[args.path].map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        ].join("\n"),
      }));
    },
  };
}

/**
 * In a CommonJS file: the imports of `parts` (specifier → the code-cached file's name above) run that
 * file through the code cache; `dir` is where the files are, relative to the importing file's folder.
 * `__filename`, not `__dirname`: the parser's file defines `__dirname` as libpg-query's folder.
 */
function codeCachedRequires(parts, dir) {
  return {
    name: "code-cached-requires",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        Object.hasOwn(parts, args.path) && args.namespace !== "code-cached-require" ? { path: parts[args.path], namespace: "code-cached-require" } : undefined);
      b.onLoad({ filter: /.*/, namespace: "code-cached-require" }, (args) => ({
        resolveDir: resolve("cli/startup"),
        loader: "js",
        contents: [
          'const { dirname, join } = require("node:path");',
          'const { requireWithCodeCache } = require("./code-cache.ts");',
          `module.exports = requireWithCodeCache(join(dirname(__filename), ${JSON.stringify(dir)}, ${JSON.stringify(builtParts.get(args.path))}));`,
        ].join("\n"),
      }));
    },
  };
}

/** In the ES module bundle: the imports a CommonJS file stands for get a module that runs it through the code cache. */
const codeCachedImports = {
  name: "code-cached",
  setup(b) {
    const importers = new Map(CODE_CACHED.flatMap((part) => Object.entries(part.replaces).map(([specifier, importer]) =>
      [specifier, { part, importer: importer === null ? null : realpathSync(importer) }]))); // esbuild gives importers as real paths
    b.onResolve({ filter: /.*/ }, (args) => {
      const replaced = importers.get(args.path);
      if (!replaced || (replaced.importer !== null && replaced.importer !== args.importer)) return undefined;
      return { path: replaced.part.name, namespace: "code-cached" };
    });
    b.onLoad({ filter: /.*/, namespace: "code-cached" }, (args) => {
      const part = CODE_CACHED.find((p) => p.name === args.path);
      return {
        resolveDir: resolve("cli/startup"),
        loader: "js",
        // This module is in a chunk of dist/chunks/, beside the CommonJS file (checked after the build).
        contents: [
          'import { fileURLToPath } from "node:url";',
          'import { requireWithCodeCache } from "./code-cache.ts";',
          `const part = requireWithCodeCache(fileURLToPath(new URL(${JSON.stringify(`./${builtParts.get(part.name)}`)}, import.meta.url)));`,
          `export const { ${part.exports.join(", ")} } = part;`,
        ].join("\n"),
      };
    });
  },
};

const { metafile } = await build({
  // Code splitting keeps `await import(…)` lazy in the bundle: without it esbuild hoists every external
  // import (PGlite for serve, libpg-query for lint/--db-url) to the top, and `--version` or `apply --url`
  // would load them all (~0.2 s). main.ts is dist/chunks/main.mjs (beside the CommonJS files its chunks
  // load by relative URL), which the entry dist/cli.cjs loads; lazily loaded parts go to dist/chunks/.
  entryPoints: { "chunks/main": "cli/main.ts" },
  plugins: [codeCachedImports],
  metafile: true,
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
for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
  if (Object.keys(inputs).some((input) => input.startsWith("code-cached:")) && !output.startsWith("dist/chunks/")) {
    throw new Error(`build.mjs: ${output} loads a CommonJS file of dist/chunks/ by a relative URL, so it must be in dist/chunks/ too`);
  }
}

// The entry, CommonJS (cli/startup/entry.ts): `lint` requires the lint command's file and runs without the
// ES module loader; everything else imports dist/chunks/main.mjs. bin/supamigrate.js requires it.
await build({
  entryPoints: ["cli/startup/entry.ts"],
  outfile: "dist/cli.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  plugins: [
    codeCachedRequires({ "./lint-bundle.ts": "lint" }, "chunks"),
    {
      name: "main-module",
      setup(b) {
        b.onResolve({ filter: /^\.\.\/main\.ts$/ }, () => ({ path: "./chunks/main.mjs", external: true }));
      },
    },
  ],
  sourcemap: "linked",
  logLevel: "warning",
});

// The Edge Function as one self-contained file inside its own folder (docs/deploy.md: Supabase's bundler
// fails on imports from outside supabase/, so what is deployed must not have any): the function and the shared/ code it uses bundled into
// supabase/functions/supamigrate/dist/main.js, postgres left as the `npm:` import pinned in the
// function's deno.json, libpg-query bundled with its wasm copied beside the bundle (the parser reads
// it from the bundle's folder). supabase/config.toml deploys this file.
import { copyFileSync, readFileSync } from "node:fs";

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
