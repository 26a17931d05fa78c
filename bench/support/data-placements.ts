/**
 * Where the benchmark's PostgreSQL keeps its data directory. The server already runs with fsync off, so
 * no tool waits for the disk at commit, but creating and dropping thousands of relation files still goes
 * through the filesystem: on a VM's disk that writeback made supamigrate's far run vary from 0.5 to 1.3 s
 * between identical runs. The benchmark therefore runs once per placement, on disk and in memory (tmpfs),
 * and prints both, since which targets are met depends on how fast the database does its own work.
 */
import { existsSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";

export interface DataPlacement {
  readonly name: "disk" | "memory";
  /** "on disk" or "in memory". */
  readonly label: string;
  readonly parentDir: string;
  /** What the folder is on, e.g. "ext4 (/tmp)". */
  readonly description: string;
}

const TMPFS = 0x01021994;
const RAMFS = 0x858458f6;
const FILESYSTEMS: Record<number, string> = { 0xef53: "ext4", 0x58465342: "xfs", 0x9123683e: "btrfs", 0x794c7630: "overlayfs", [TMPFS]: "tmpfs", [RAMFS]: "ramfs" };

const fsType = (dir: string) => statfsSync(dir).type;
const describe = (dir: string) => `${FILESYSTEMS[fsType(dir)] ?? `filesystem 0x${fsType(dir).toString(16)}`} (${dir})`;
const inMemory = (dir: string) => [TMPFS, RAMFS].includes(fsType(dir));

/** The placements named in `wanted` (from BENCH_DATA, e.g. "disk,memory") that this machine has; `skipped` says why one is missing. */
export function dataPlacements(wanted: readonly string[], repoDir: string): { placements: DataPlacement[]; skipped: string[] } {
  const placements: DataPlacement[] = [];
  const skipped: string[] = [];
  for (const name of wanted) {
    if (name === "disk") {
      const dir = [tmpdir(), repoDir].find((d) => !inMemory(d));
      if (dir) placements.push({ name, label: "on disk", parentDir: dir, description: describe(dir) });
      else skipped.push("disk: the temp dir and the checkout are both in memory");
    } else if (name === "memory") {
      const dir = "/dev/shm";
      if (existsSync(dir) && inMemory(dir)) placements.push({ name, label: "in memory", parentDir: dir, description: describe(dir) });
      else skipped.push("memory: no tmpfs at /dev/shm");
    } else {
      throw new Error(`BENCH_DATA: unknown placement "${name}" (use disk, memory or both: disk,memory)`);
    }
  }
  return { placements, skipped };
}
