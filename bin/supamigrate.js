#!/usr/bin/env node
// The published entry point: the CLI bundled by `npm run build` (run by `npm install` through `prepare`).
import "../dist/cli.mjs";
