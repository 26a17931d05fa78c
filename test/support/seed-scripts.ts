// The seed's migration set from scripts/ as a lint fixture (`{ "001_x.sql": …, "rollback/001_x.sql": … }`),
// for the tests that prove a rule stays silent on it. Node and Deno both run this (node:fs).
import { readdirSync, readFileSync } from "node:fs";
import { collectMigrations, type MigrationFolder } from "../../shared/migrations/index.ts";

export function seedScripts(): Record<string, string> {
  const dir = new URL("../../scripts/", import.meta.url);
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (name.endsWith(".sql")) files[name] = readFileSync(new URL(name, dir), "utf8");
  for (const name of readdirSync(new URL("rollback/", dir))) files[`rollback/${name}`] = readFileSync(new URL(`rollback/${name}`, dir), "utf8");
  if (Object.keys(files).length < 20) throw new Error(`scripts/ holds ${Object.keys(files).length} files; expected the seed's 10 migrations and 10 rollbacks`);
  return files;
}

/** The seed's folder as the commands read it: migrations in contract order, each with its rollback. */
export function seedMigrationFolder(): MigrationFolder {
  return collectMigrations("scripts", Object.entries(seedScripts()).map(([relativePath, text]) => ({ relativePath, text })));
}
