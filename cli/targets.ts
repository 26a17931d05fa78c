/**
 * The named targets of supamigrate.json (`"targets"`, docs/configuration.md): `--target NAME`,
 * `apply --targets a,b,c | all` and `status --all-targets` pick them by name.
 */
import { resolve, sep } from "node:path";
import { ALL_TARGETS } from "../shared/lint/config-targets.ts";
import { resolveProject, type TargetConfig } from "../shared/project/index.ts";
import { nodeFileSystem } from "./node-file-system.ts";
import { UsageError } from "./output/errors.ts";

export interface NamedTarget {
  readonly name: string;
  readonly config: TargetConfig;
}

/** Every target of the project's supamigrate.json, in the file's order (a usage error when the file is wrong). */
export async function configuredTargets(): Promise<NamedTarget[]> {
  const resolved = await resolveProject(nodeFileSystem, resolve(".").split(sep).join("/"));
  if (!resolved.ok) throw new UsageError(resolved.errors.join("\n"));
  return Object.entries(resolved.project.targets).map(([name, config]) => ({ name, config }));
}

/** The target `name`, or a usage error listing the names there are. */
export async function namedTarget(name: string, flag = "--target"): Promise<NamedTarget> {
  const all = await configuredTargets();
  return pick(all, name, flag);
}

/** `--targets a,b,c` (in that order, each once) or `--targets all` (every target, in the file's order). */
export async function namedTargets(list: string): Promise<NamedTarget[]> {
  const all = await configuredTargets();
  const names = list.split(",").map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 1 && names[0] === ALL_TARGETS) {
    if (all.length === 0) throw new UsageError(noTargets("--targets all"));
    return all;
  }
  if (names.length === 0) throw new UsageError("--targets takes target names separated by commas (--targets staging,production) or all.");
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new UsageError(`--targets names ${repeated} twice; name each target once.`);
  return names.map((name) => pick(all, name, "--targets"));
}

function pick(all: readonly NamedTarget[], name: string, flag: string): NamedTarget {
  const found = all.find((target) => target.name === name);
  if (found) return found;
  if (all.length === 0) throw new UsageError(noTargets(`${flag} ${name}`));
  throw new UsageError(`${flag} ${name}: no such target in supamigrate.json; the targets are ${all.map((target) => target.name).join(", ")}.`);
}

function noTargets(what: string): string {
  return `${what}: supamigrate.json names no targets; add "targets": {"staging": {"url": "https://<project-ref>.supabase.co/functions/v1/supamigrate", ` +
    `"tokenEnv": "SUPAMIGRATE_STAGING_TOKEN"}} (docs/configuration.md, "Targets").`;
}

/** A target's address for messages, without a secret: the function's URL, or the variable holding the database URL. */
export function whereTarget(target: NamedTarget): string {
  return target.config.url ?? `$${target.config.dbUrlEnv}`;
}
