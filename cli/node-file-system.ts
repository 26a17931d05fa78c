/**
 * The project module's file system (shared/project) on Node's fs. Its callback API, not node:fs/promises:
 * loading that module (with the streams it needs) is a few ms of every cold `lint`.
 */
import { readdir, readFile } from "node:fs";
import type { DirectoryEntry, ProjectFileSystem } from "../shared/project/index.ts";

export const nodeFileSystem: ProjectFileSystem = {
  readFile(path) {
    return new Promise((resolve, reject) => {
      readFile(path, (error, bytes) => {
        if (!error) resolve(bytes);
        else if (isMissing(error)) resolve(null);
        else reject(error);
      });
    });
  },
  readDirectory(path) {
    return new Promise((resolve, reject) => {
      readdir(path, { withFileTypes: true }, (error, entries) => {
        if (!error) {
          resolve(entries.map((entry): DirectoryEntry => ({ name: entry.name, kind: entry.isFile() ? "file" : entry.isDirectory() ? "directory" : "other" })));
        } else if (isMissing(error)) resolve(null);
        else reject(error);
      });
    });
  },
};

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
