/**
 * The pure part of `supamigrate new` (CLI) and "Supamigrate: New Migration" (extension): the next file
 * name in a folder and the templates. Web APIs only; the callers touch the disk.
 */
import { parseMigrationName } from "./filename.ts";

/** A name `new` refuses (the CLI exits 2; the extension shows it). */
export class InvalidMigrationName extends Error {
  override readonly name = "InvalidMigrationName";
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** The next file name for `name` in a folder holding `existing` (bare names), without touching the disk. */
export function nextMigrationName(existing: readonly string[], name: string, now: Date = new Date()): { fileName: string; notes: string[] } {
  if (!NAME.test(name)) {
    throw new InvalidMigrationName(`the migration name ${JSON.stringify(name)} may use only letters, digits, '_' and '-' (e.g. add_invoices_table).`);
  }
  const parsed = existing.map(parseMigrationName).filter((m) => m !== null);
  const notes: string[] = [];
  let number: string;
  if (parsed.length === 0) {
    number = "001";
  } else {
    const highest = parsed.reduce((a, b) => (b.value > a.value ? b : a));
    const atHighest = parsed.filter((m) => m.value === highest.value).map((m) => m.fileName).sort();
    if (atHighest.length > 1) {
      notes.push(`note: ${atHighest.join(" and ")} share the number ${highest.number} (two branches raced earlier; both run, in name order); the new file takes the next number.`);
    }
    if (highest.number.length === 14) {
      const stamp = utcStamp(now);
      number = BigInt(stamp) > highest.value ? stamp : (highest.value + 1n).toString();
    } else {
      number = (highest.value + 1n).toString().padStart(highest.number.length, "0");
    }
  }
  return { fileName: `${number}_${name}.sql`, notes };
}

function utcStamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/** The migration template: header, idempotent DDL, RLS, a policy dropped before it is created. */
export function migrationTemplate(fileName: string, name: string, now: Date = new Date()): string {
  const table = name.toLowerCase().replace(/-/g, "_").replace(/^(create|add)_/, "").replace(/_table$/, "") || "example";
  return `-- ${fileName}
-- Purpose: ${name.replace(/[_-]+/g, " ")}
-- Created: ${now.toISOString().slice(0, 10)}
--
-- Guidelines: make every statement safe to re-run (IF NOT EXISTS / OR REPLACE), enable row level
-- security on every table in public, drop a policy (IF EXISTS) before creating it, and do not use
-- BEGIN/COMMIT (each file runs in its own transaction).
-- Destructive change (DROP TABLE/COLUMN, TRUNCATE, ALTER COLUMN TYPE, RENAME)? Add a rollback in
-- rollback/${fileName} (supamigrate rollback --generate ${fileName} derives one from this file).

create table if not exists public.${table} (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now()
);

alter table public.${table} enable row level security;

drop policy if exists "${table}: authenticated can read" on public.${table};
create policy "${table}: authenticated can read" on public.${table}
  for select to authenticated
  using (true);
`;
}

/** The rollback skeleton, for a template with nothing derivable (shared/schema/rollback/ derives the real one). */
export function rollbackTemplate(fileName: string): string {
  return `-- rollback/${fileName}
-- Undoes ${fileName}. Runs in one transaction when the file is rolled back (supamigrate rollback).

-- drop table if exists public.example;
`;
}
