import { type MigrationName, parseMigrationName } from "./filename.ts";

/**
 * Contract order: numeric value of the number, then the full file name (code-unit order, as the
 * Supabase CLI and a sorted `ls` in the C locale do). Duplicate numbers are legal and both run.
 */
export function compareMigrationNames(a: MigrationName, b: MigrationName): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0;
}

/** Compares two bare file names in contract order; names that break the naming rule sort last, by name. */
export function compareFileNames(a: string, b: string): number {
  const pa = parseMigrationName(a);
  const pb = parseMigrationName(b);
  if (pa && pb) return compareMigrationNames(pa, pb);
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns a new array of the items sorted in contract order by their file name. */
export function sortByContractOrder<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((x, y) => compareFileNames(x.name, y.name));
}

/** Groups of two or more file names that share a number, each group in the order its files run. */
export function duplicateNumberGroups(names: readonly string[]): string[][] {
  const byNumber = new Map<string, string[]>();
  for (const name of names) {
    const parsed = parseMigrationName(name);
    if (!parsed) continue;
    const key = parsed.value.toString();
    byNumber.set(key, [...(byNumber.get(key) ?? []), name]);
  }
  return [...byNumber.values()].filter((group) => group.length > 1).map((group) => group.sort(compareFileNames))
    .sort((g, h) => compareFileNames(g[0], h[0]));
}
