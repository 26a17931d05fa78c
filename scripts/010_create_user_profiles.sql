-- 010_create_user_profiles.sql
-- Alternative user profile schema written in parallel with 010_create_user_system_tables.sql: a
-- Supabase-style public.profiles keyed by auth.users. It may be redundant with public.user_profiles;
-- both 010 files run (this one first, by file name). Check which profile table your code reads.

create table if not exists public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username text unique check (char_length(username) between 3 and 30),
  full_name text,
  avatar_url text,
  website text,
  updated_at timestamptz not null default now()
);

create or replace trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function public.set_updated_at();

alter table public.profiles enable row level security;

drop policy if exists "Profiles are viewable by signed-in users" on public.profiles;
create policy "Profiles are viewable by signed-in users" on public.profiles
  for select to authenticated using (true);

drop policy if exists "Users can insert own profile" on public.profiles;
create policy "Users can insert own profile" on public.profiles
  for insert to authenticated with check ((select auth.uid()) = id);

drop policy if exists "Users can update own profile" on public.profiles;
create policy "Users can update own profile" on public.profiles
  for update to authenticated using ((select auth.uid()) = id) with check ((select auth.uid()) = id);
