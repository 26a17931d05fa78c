/** The migrations folder read for a command, with a clear error when it is missing. */
import { existsSync, statSync } from "node:fs";
import { migrationChecksum, type MigrationFolder } from "../shared/migrations/index.ts";
import type { LocalFile } from "../shared/client/index.ts";
import { UsageError } from "./output/errors.ts";
import { type LocalMigrationFolder, readMigrationFolder } from "./read-folder.ts";

export function readFolderOrFail(dir: string): LocalMigrationFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`no migrations folder at ${dir}: run from the project root or pass --dir <folder>.`);
  }
  return readMigrationFolder(dir);
}

export async function localChecksums(folder: MigrationFolder): Promise<LocalFile[]> {
  return await Promise.all(folder.migrations.map(async (m) => ({ name: m.name, checksum: await migrationChecksum(m.sql) })));
}
