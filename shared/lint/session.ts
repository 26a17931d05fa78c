/**
 * A lint session for the editor: lint the folder once, then re-lint on every (debounced) keystroke.
 * `update(path, text)` re-parses only that file — the others' parse trees and checksums are cached —
 * rebuilds the schema model from the cached trees, reruns the rules, and returns that file's findings
 * plus every other file whose findings changed (a table renamed in 001 changes 007's findings).
 */
import { lintProject, type LintInput, type LintListedFile, type ProjectCache } from "./engine.ts";
import type { Finding } from "./types.ts";

export interface SessionUpdate {
  /** The updated file's findings. */
  readonly file: Finding[];
  /** Other paths whose findings changed, with their complete new list (empty: clear them). */
  readonly changed: ReadonlyMap<string, Finding[]>;
}

export interface LintSession {
  /** Current findings by path. */
  readonly findings: ReadonlyMap<string, Finding[]>;
  /** Migrations linted in the last run. */
  readonly files: number;
  /** Sets a file's text (`null`: the file was deleted) and re-lints. `path` as reported (`scripts/x.sql`) or relative. */
  update(path: string, text: string | null): Promise<SessionUpdate>;
}

export async function createLintSession(input: LintInput): Promise<LintSession> {
  const prefix = input.dir.replace(/\/+$/, "");
  const listing = new Map<string, LintListedFile>(input.listing.map((f) => [f.relativePath, f]));
  const cache: ProjectCache = new Map();
  let byPath = new Map<string, Finding[]>();
  let files = 0;

  const run = async () => {
    const result = await lintProject({ ...input, listing: [...listing.values()] }, cache);
    files = result.files;
    const next = new Map<string, Finding[]>();
    for (const finding of result.findings) {
      const list = next.get(finding.file);
      if (list) list.push(finding);
      else next.set(finding.file, [finding]);
    }
    // Drop cached files that left the folder.
    const live = new Set(result.project.files.map((f) => f.path));
    for (const path of cache.keys()) if (!live.has(path)) cache.delete(path);
    return next;
  };
  byPath = await run();

  return {
    get findings() {
      return byPath;
    },
    get files() {
      return files;
    },
    async update(path, text) {
      const relativePath = prefix && path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : path;
      const reported = prefix ? `${prefix}/${relativePath}` : relativePath;
      if (text === null) listing.delete(relativePath);
      else listing.set(relativePath, { relativePath, text });
      const previous = byPath;
      byPath = await run();
      const changed = new Map<string, Finding[]>();
      for (const other of new Set([...previous.keys(), ...byPath.keys()])) {
        if (other === reported) continue;
        const before = previous.get(other) ?? [];
        const after = byPath.get(other) ?? [];
        if (JSON.stringify(before) !== JSON.stringify(after)) changed.set(other, after);
      }
      return { file: byPath.get(reported) ?? [], changed };
    },
  };
}
