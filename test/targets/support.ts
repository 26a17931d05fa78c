/** Helpers for the named-target tests: a project with supamigrate.json's "targets", and what a database holds. */
import postgres from "postgres";
import { tempTree } from "../support/temp-tree.ts";

/** Three migrations without IF NOT EXISTS, so a table made beforehand makes one fail. */
export const FILES: Record<string, string> = {
  "001_create_teams.sql": "create table public.teams (id bigint primary key);\n",
  "002_create_members.sql": "create table public.members (id bigint primary key, team_id bigint references public.teams (id));\n",
  "003_add_team_name.sql": "alter table public.teams add column name text;\n",
};

/** A temp project: supamigrate.json with these targets, and `scripts/<name>` for each file. */
export function targetsProject(targets: Record<string, unknown>, files: Record<string, string> = FILES): string {
  return tempTree({
    "supamigrate.json": JSON.stringify({ targets }, null, 2),
    ...Object.fromEntries(Object.entries(files).map(([name, sql]) => [`scripts/${name}`, sql])),
  }, "supamigrate-targets-");
}

/** Runs `work` with a connection to `url`. */
export async function withDatabase<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/** The names in the tracking table, in name order; [] when it does not exist (nothing was ever applied). */
export async function appliedNames(url: string): Promise<string[]> {
  return await withDatabase(url, async (sql) => {
    const [{ exists }] = await sql`select to_regclass('supamigrate.migrations') is not null as exists`;
    if (!exists) return [];
    return (await sql`select name from supamigrate.migrations order by name`).map((row) => row.name as string);
  });
}

/** `public.<table>` exists. */
export async function tableExists(url: string, table: string): Promise<boolean> {
  return await withDatabase(url, async (sql) => (await sql`select to_regclass(${`public.${table}`}) is not null as exists`)[0].exists as boolean);
}

/** The first 12 hex digits of a checksum, as the messages show it. */
export const short = (checksum: string) => checksum.slice(0, 12);
