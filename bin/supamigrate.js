#!/usr/bin/env node
// The published entry point: the CLI bundled by `npm run build` (run by `npm pack` / `npm publish` through
// `prepack`). CommonJS (bin/package.json), as is the bundle's entry: `supamigrate lint` then runs without
// Node's ES module loader (cli/startup/entry.ts).
require("../dist/cli.cjs");
