/** The project module's file system (shared/project) on Node's fs. */
import { readdir, readFile } from "node:fs/promises";
import type { DirectoryEntry, ProjectFileSystem } from "../shared/project/index.ts";

export const nodeFileSystem: ProjectFileSystem = {
  async readFile(path) {
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
  async readDirectory(path) {
    try {
      const entries = await readdir(path, { withFileTypes: true });
      return entries.map((entry): DirectoryEntry => ({ name: entry.name, kind: entry.isFile() ? "file" : entry.isDirectory() ? "directory" : "other" }));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
};

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
