/**
 * A migrations folder read into the listing the linter and every command use: each `.sql` file of
 * `<dir>` and `<dir>/rollback`, decoded strictly — a file that is not UTF-8 carries its decode error
 * (reported, never applied as replacement characters) — and what else the folder holds.
 */
import type { LintListedFile } from "../lint/engine.ts";
import { decodeSqlBytes } from "../lint/decode.ts";
import { joinPath, type ProjectFileSystem } from "./file-system.ts";

export interface Listing {
  /** Every `.sql` file, by its path relative to the folder, in name order (`rollback/` after the rest). */
  readonly listing: LintListedFile[];
  /** Other entries (not `.sql`, or folders other than rollback/), relative paths. */
  readonly ignored: string[];
  /** `<relative path>: <what is wrong and how to fix it>`, one per file that is not UTF-8. */
  readonly undecodable: string[];
}

/** Reads `dir`, or returns null when there is no such folder. */
export async function readListing(fs: ProjectFileSystem, dir: string): Promise<Listing | null> {
  const top = await fs.readDirectory(dir);
  if (top === null) return null;
  const rollback = (await fs.readDirectory(joinPath(dir, "rollback"))) ?? [];
  const entries = [
    ...sorted(top).map((entry) => ({ ...entry, relativePath: entry.name })),
    ...sorted(rollback).map((entry) => ({ ...entry, relativePath: `rollback/${entry.name}` })),
  ];
  const listing: LintListedFile[] = [];
  const ignored: string[] = [];
  await Promise.all(entries.map(async (entry) => {
    if (entry.kind === "file" && entry.name.toLowerCase().endsWith(".sql")) {
      const bytes = await fs.readFile(joinPath(dir, entry.relativePath));
      if (bytes === null) return; // gone since the folder was read
      const { text, error } = decodeSqlBytes(bytes);
      listing.push({ relativePath: entry.relativePath, text, decodeError: error });
    } else if (entry.relativePath !== "rollback") {
      ignored.push(entry.relativePath);
    }
  }));
  const order = new Map(entries.map((entry, i) => [entry.relativePath, i]));
  listing.sort((a, b) => order.get(a.relativePath)! - order.get(b.relativePath)!);
  ignored.sort((a, b) => order.get(a)! - order.get(b)!);
  const undecodable = listing.filter((file) => file.decodeError).map((file) => `${file.relativePath}: ${file.decodeError}`);
  return { listing, ignored, undecodable };
}

function sorted(entries: readonly { name: string; kind: string }[]) {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
