// Builds the runnable artifacts with esbuild: the CLI bundle (dist/cli.mjs). Later steps add the
// function bundle and the extension. Usage: node build.mjs
import { build } from "esbuild";

await build({
  entryPoints: ["cli/main.ts"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
