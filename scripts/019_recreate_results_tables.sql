-- 019_recreate_results_tables.sql
-- Fixes the quiz/flashcard/writing results schema: per-question detail, time spent, percentages
-- computed by the database. WARNING: this drops the existing results tables and their rows.
-- Rollback: scripts/rollback/019_recreate_results_tables.sql restores the 015 tables (empty).

drop table if exists public.quiz_results cascade;
drop table if exists public.flashcard_results cascade;
drop table if exists public.writing_results cascade;

create table if not exists public.quiz_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  generation_id uuid references public.generations (id) on delete set null,
  score integer not null check (score >= 0),
  total_questions integer not null check (total_questions > 0),
  percentage numeric(5, 2) generated always as (round(score * 100.0 / total_questions, 2)) stored,
  answers jsonb not null default '[]',
  time_spent_seconds integer check (time_spent_seconds >= 0),
  completed_at timestamptz not null default now(),
  check (score <= total_questions)
);

create table if not exists public.flashcard_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  generation_id uuid references public.generations (id) on delete set null,
  cards_reviewed integer not null check (cards_reviewed >= 0),
  cards_known integer not null check (cards_known >= 0),
  cards_to_review jsonb not null default '[]',
  time_spent_seconds integer check (time_spent_seconds >= 0),
  completed_at timestamptz not null default now(),
  check (cards_known <= cards_reviewed)
);

create table if not exists public.writing_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  generation_id uuid references public.generations (id) on delete set null,
  prompt text not null,
  submission text not null,
  feedback jsonb,
  score numeric(5, 2) check (score between 0 and 100),
  word_count integer check (word_count >= 0),
  completed_at timestamptz not null default now()
);

create index if not exists quiz_results_user_id_idx on public.quiz_results (user_id, completed_at desc);
create index if not exists flashcard_results_user_id_idx on public.flashcard_results (user_id, completed_at desc);
create index if not exists writing_results_user_id_idx on public.writing_results (user_id, completed_at desc);

alter table public.quiz_results enable row level security;
alter table public.flashcard_results enable row level security;
alter table public.writing_results enable row level security;

drop policy if exists "Users manage own quiz results" on public.quiz_results;
create policy "Users manage own quiz results" on public.quiz_results
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Users manage own flashcard results" on public.flashcard_results;
create policy "Users manage own flashcard results" on public.flashcard_results
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Users manage own writing results" on public.writing_results;
create policy "Users manage own writing results" on public.writing_results
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
