// Synthetic migrations for the lint benchmark: tables, indexes, RLS, policies, functions with $$ bodies, DO blocks.

/** One file of about `statements` statements (each group of 8 statements is one table's worth). */
export function generateMigration(statements: number, seed = 0): string {
  const parts: string[] = [`-- generated migration ${seed}: ${statements} statements\n`];
  for (let i = 0; parts.length - 1 < statements; i++) {
    const t = `bench_${seed}_${i}`;
    parts.push(
      `create table if not exists public.${t} (\n  id uuid primary key default gen_random_uuid(),\n` +
        `  user_id uuid not null references auth.users (id) on delete cascade,\n  title text not null,\n` +
        `  score integer check (score >= 0),\n  created_at timestamptz not null default now()\n);\n`,
      `create index if not exists ${t}_user_idx on public.${t} (user_id, created_at desc);\n`,
      `alter table public.${t} enable row level security;\n`,
      `drop policy if exists "own ${t}" on public.${t};\n`,
      `create policy "own ${t}" on public.${t}\n  for all to authenticated using ((select auth.uid()) = user_id);\n`,
      `create or replace function public.${t}_touch()\nreturns trigger\nlanguage plpgsql\nset search_path = ''\nas $$\n` +
        `begin\n  new.created_at = now(); -- keep fresh; a ';' in a comment\n  return new;\nend;\n$$;\n`,
      `create or replace trigger ${t}_touch before update on public.${t}\n  for each row execute function public.${t}_touch();\n`,
      `do $$\nbegin\n  if not exists (select 1 from pg_type where typname = '${t}_kind') then\n` +
        `    create type public.${t}_kind as enum ('a', 'b');\n  end if;\nend\n$$;\n`,
    );
  }
  return parts.slice(0, statements + 1).join("\n");
}
