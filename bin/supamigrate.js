#!/usr/bin/env node
// The published entry point: the CLI bundled by `npm run build` (run by `npm pack` / `npm publish` through `prepack`).
import "../dist/cli.mjs";
