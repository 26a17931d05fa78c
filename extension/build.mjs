// Builds the extension: one esbuild bundle (vscode external, CommonJS for the extension host), the
// parser's wasm beside it (libpg-query loads `__dirname/libpg-query.wasm`), and each rule's doc page
// as dist/rules/<id>.md (the target of a diagnostic's code link).
//   node extension/build.mjs [--production]   (minified, no source map)
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
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

const rulesDir = join(root, "shared/lint/rules");
mkdirSync(join(dist, "rules"), { recursive: true });
for (const id of readdirSync(rulesDir)) {
  const readme = join(rulesDir, id, "README.md");
  if (existsSync(readme)) copyFileSync(readme, join(dist, "rules", `${id}.md`));
}
