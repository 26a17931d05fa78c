/**
 * End-to-end helpers for the CLI: the CLI as a child process (from source, through tsx), a served
 * function (real Deno) over a real PostgreSQL 15, and throwaway project folders.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Serve, startServe } from "../../../cli/serve/index.ts";
import { tempTree } from "../../support/temp-tree.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const TSX = import.meta.resolve("tsx");

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `supamigrate <args>` in `cwd` with only the given SUPAMIGRATE_/GITHUB_ variables set: from source,
 * or with `bundle` the published entry point (bin/supamigrate.js → dist/, built by `npm run build`);
 * `readerLeaves` closes the read end of its stdout at once; `interruptWhen` sends SIGINT once its stdout matches.
 */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; bundle?: boolean; readerLeaves?: boolean; interruptWhen?: RegExp },
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...options.env };
  const entry = options.bundle ? [join(ROOT, "bin/supamigrate.js")] : ["--import", TSX, join(ROOT, "cli/main.ts")];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: options.cwd, env });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    // `| head -0`: the reader of stdout is gone before the CLI writes anything.
    if (options.readerLeaves) child.stdout.destroy();
    else {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        // Ctrl-C once the output shows the run got that far.
        if (options.interruptWhen?.test(stdout) && child.signalCode === null && !interrupted) interrupted = child.kill("SIGINT");
      });
    }
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ status: code ?? 1, stdout, stderr }));
  });
}

/** Output lines with timings made stable: `42 ms` / `1.2 s` → `<t>`. */
export function lines(text: string): string[] {
  return text.replace(/\b\d+(\.\d+)? (ms|s)\b/g, "<t>").split("\n").filter((line) => line !== "");
}

/** A temp project with `scripts/<name>` (and `scripts/rollback/<name>` for rollbacks), as text or bytes. */
export function makeProject(files: Record<string, string | Uint8Array>): string {
  return tempTree(Object.fromEntries(Object.entries(files).map(([relative, content]) => [`scripts/${relative}`, content])), "supamigrate-cli-");
}

export interface ServedFunction {
  readonly serve: Serve;
  /** The env a CI job would have: SUPAMIGRATE_URL and SUPAMIGRATE_TOKEN. */
  readonly env: Record<string, string>;
}

export async function serveFunction(dbUrl: string, env?: Record<string, string>): Promise<ServedFunction> {
  const serve = await startServe({ dbUrl, env });
  return { serve, env: { SUPAMIGRATE_URL: serve.url, SUPAMIGRATE_TOKEN: serve.token } };
}

/** Three small migrations with rollbacks: a table, a second table referencing it, a view. */
export const SMALL_SET: Record<string, string> = {
  "001_create_teams.sql": "create table if not exists public.teams (id bigint primary key, name text not null);\nalter table public.teams enable row level security;\n",
  "002_create_members.sql": "create table if not exists public.members (\n  id bigint primary key,\n  team_id bigint references public.teams (id)\n);\nalter table public.members enable row level security;\n",
  "003_create_team_sizes.sql": "create or replace view public.team_sizes as\n  select team_id, count(*) as members from public.members group by team_id;\n",
  "rollback/001_create_teams.sql": "drop table if exists public.teams;\n",
  "rollback/002_create_members.sql": "drop table if exists public.members;\n",
  "rollback/003_create_team_sizes.sql": "drop view if exists public.team_sizes;\n",
};

/** `apply`'s text output for SMALL_SET on an empty database (timings as `lines` writes them). */
export const SMALL_SET_APPLIED: readonly string[] = [
  "✓ 001_create_teams.sql  <t>",
  "✓ 002_create_members.sql  <t>",
  "✓ 003_create_team_sizes.sql  <t>",
  "Applied 3, skipped 0 (already applied), failed 0 — <t>",
];
