/** Runs the shared lint engine over a project: the whole folder, with open editors' text and the deploy state. */
import { lintProject, type ProjectCache } from "../../shared/lint/engine.ts";
import type { Finding } from "../../shared/lint/types.ts";
import { migrationChecksum } from "../../shared/migrations/index.ts";
import type { MigrationProject } from "./project.ts";

export interface LintRun {
  readonly findings: Finding[];
  /** Time spent in the engine (parse + rules), for the output channel. */
  readonly ms: number;
}

/** Parsed files per project, reused while their text is unchanged: an edit re-parses one file. */
const caches = new WeakMap<MigrationProject, ProjectCache>();

export async function lintMigrations(project: MigrationProject): Promise<LintRun> {
  const started = performance.now();
  let cache = caches.get(project);
  if (!cache) caches.set(project, (cache = new Map()));
  const { findings } = await lintProject({
    dir: project.dir,
    listing: project.listing(),
    deployed: project.deployed(),
    severities: project.config.rules,
  }, cache);
  return { findings, ms: performance.now() - started };
}

/** A migration's checksum: the last lint's, while the text is the one it linted (no SHA-256 per view refresh). */
export async function checksumOf(project: MigrationProject, path: string, text: string): Promise<string> {
  const linted = caches.get(project)?.get(path);
  return linted && linted.text === text ? linted.checksum : await migrationChecksum(text);
}
