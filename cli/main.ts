/**
 * The `supamigrate` command line. Each command lives in `commands/<verb>.ts` and exports
 * `register(program)`; this file only lists them (program.ts runs them).
 */
import { type CommandModule, runCli } from "./program.ts";

const commands: Record<string, () => Promise<CommandModule>> = {
  // one line per command:
  serve: () => import("./commands/serve.ts"),
  status: () => import("./commands/status.ts"),
  apply: () => import("./commands/apply.ts"),
  rollback: () => import("./commands/rollback.ts"),
  verify: () => import("./commands/verify.ts"),
  lint: () => import("./commands/lint.ts"),
  new: () => import("./commands/new.ts"),
  baseline: () => import("./commands/baseline.ts"),
  repair: () => import("./commands/repair.ts"),
  "import-history": () => import("./commands/import-history.ts"),
  init: () => import("./commands/init.ts"),
  diff: () => import("./commands/diff.ts"),
  backups: () => import("./commands/backups.ts"),
  plan: () => import("./commands/plan.ts"),
};

await runCli(commands);
