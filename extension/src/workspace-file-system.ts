/** The project module's file system (shared/project) on vscode.workspace.fs, for one workspace folder's scheme. */
import * as vscode from "vscode";
import type { DirectoryEntry, ProjectFileSystem } from "../../shared/project/index.ts";

export function workspaceFileSystem(folder: vscode.Uri): ProjectFileSystem {
  const at = (path: string) => folder.with({ path });
  return {
    async readFile(path) {
      try {
        return await vscode.workspace.fs.readFile(at(path));
      } catch {
        return null; // no such file (or unreadable): as if absent
      }
    },
    async readDirectory(path) {
      try {
        const entries = await vscode.workspace.fs.readDirectory(at(path));
        return entries.map(([name, type]): DirectoryEntry => ({
          name,
          kind: type & vscode.FileType.File ? "file" : type & vscode.FileType.Directory ? "directory" : "other",
        }));
      } catch {
        return null;
      }
    },
  };
}
