/**
 * What the project module needs from a file system, so the same code reads a project in the CLI (Node's
 * fs) and in the editor (vscode.workspace.fs, which also sees unsaved virtual files). Paths are absolute
 * and use `/`.
 */
export interface DirectoryEntry {
  readonly name: string;
  readonly kind: "file" | "directory" | "other";
}

export interface ProjectFileSystem {
  /** The file's bytes, or null when there is no such file. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** The folder's entries, or null when there is no such folder. */
  readDirectory(path: string): Promise<readonly DirectoryEntry[] | null>;
}

/** `a/b` joined with `c` (`/` separators; `..` and `.` are not resolved). */
export function joinPath(base: string, child: string): string {
  if (child.startsWith("/")) return child;
  return `${base.replace(/\/+$/, "")}/${child.replace(/^\.\//, "")}`;
}

/** The folder a path is in (`/` for the root). */
export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const at = trimmed.lastIndexOf("/");
  return at <= 0 ? "/" : trimmed.slice(0, at);
}
