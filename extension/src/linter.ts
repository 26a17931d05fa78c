/**
 * A migration's checksum for the states of the view and status bar (states.ts). Linting itself is
 * lint-service.ts; its session keeps its parsed files to itself, so the checksums are remembered here.
 */
import { migrationChecksum } from "../../shared/migrations/index.ts";
import type { MigrationProject } from "./project.ts";

/** Per project, path → the last text hashed and its checksum: every refresh asks for every file. */
const checksums = new WeakMap<MigrationProject, Map<string, { readonly text: string; readonly checksum: string }>>();

/** A migration's checksum, hashed again only when its text changed (no SHA-256 per file per view refresh). */
export async function checksumOf(project: MigrationProject, path: string, text: string): Promise<string> {
  let known = checksums.get(project);
  if (!known) checksums.set(project, (known = new Map()));
  const last = known.get(path);
  if (last && last.text === text) return last.checksum;
  const checksum = await migrationChecksum(text);
  known.set(path, { text, checksum });
  return checksum;
}
