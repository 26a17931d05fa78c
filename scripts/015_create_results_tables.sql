-- 015_create_results_tables.sql
-- First version of the study results tables (quiz, flashcard, writing). 019 replaces them.

create table if not exists public.quiz_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  generation_id uuid references public.generations (id) on delete set null,
  score integer not null,
  total integer not null,
  created_at timestamptz not null default now()
);

create table if not exists public.flashcard_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  generation_id uuid references public.generations (id) on delete set null,
  cards_reviewed integer not null,
  cards_known integer not null,
  created_at timestamptz not null default now()
);

create table if not exists public.writing_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  generation_id uuid references public.generations (id) on delete set null,
  feedback text,
  grade text,
  created_at timestamptz not null default now()
);

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
