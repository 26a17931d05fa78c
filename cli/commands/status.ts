/** `supamigrate status`: what the tracking table holds, compared with the local folder when there is one. */
import { type Command, Option } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import { compareWithApplied, type Comparison } from "../../shared/migrations/index.ts";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import { DIR_HELP, localChecksums, openProject, readFolderOrFail } from "../project.ts";
import { nodeFileSystem } from "../node-file-system.ts";
import { statusLines } from "../output/status-table.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

export interface StatusResult {
  readonly status: StatusResponse;
  /** Null when the folder is not there (status only needs the function). */
  readonly local: Comparison | null;
}

/** The function's status and, when `dir` is given, how the folder compares. */
export async function status(client: FunctionClient, dir: string | null): Promise<StatusResult> {
  const folder = dir === null ? null : await readFolderOrFail(dir);
  const response = await client.status();
  const local = folder ? compareWithApplied(response.applied, await localChecksums(folder)) : null;
  return { status: response, local };
}

export function register(program: Command): void {
  withTargetOptions(program.command("status"))
    .description("list applied migrations (name, applied at, by, duration) and pending/drifted counts")
    .option("--dir <dir>", `${DIR_HELP}; compared with when it exists`)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--all-targets", "every target of supamigrate.json in one table: a row per migration, a column per target")
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; format: "text" | "json"; allTargets?: boolean }) => {
      if (flags.allTargets) {
        const { allTargetsStatus } = await import("../all-targets-status.ts");
        process.exitCode = await allTargetsStatus(flags);
        return;
      }
      process.exitCode = await runWithTarget("status", flags, flags.format === "json", async (client) => {
        // Without --dir, status needs only the function: a project without its folder here still gets one.
        const project = await openProject(flags.dir);
        const dir = flags.dir !== undefined || await nodeFileSystem.readDirectory(project.dir) !== null ? project.dir : null;
        const result = await status(client, dir);
        if (flags.format === "json") {
          // `local` keeps its shape: what needs attention (the applied ones are in `applied` above).
          const local = result.local && { pending: result.local.pending, drifted: result.local.drifted, missing: result.local.missing };
          process.stdout.write(`${JSON.stringify(local ? { ...result.status, local } : result.status)}\n`);
        } else {
          for (const line of statusLines(result.status, result.local, dir ?? "")) process.stdout.write(`${line}\n`);
        }
        return 0;
      });
    });
}
