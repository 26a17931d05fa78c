-- 001_initialize_database.sql
-- Core authentication and user management tables for Studley AI:
-- users, accounts (OAuth providers), sessions, verification_tokens, credit_usage, generations.
-- public.users extends Supabase's auth.users one-to-one; every table has row level security on.

create extension if not exists pgcrypto with schema extensions;

-- Keeps updated_at current on every table that has one.
create or replace function public.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

create table if not exists public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  name text,
  email text not null unique,
  email_verified timestamptz,
  image text,
  role text not null default 'user' check (role in ('user', 'admin')),
  credits integer not null default 50 check (credits >= 0),
  plan text not null default 'free' check (plan in ('free', 'pro', 'team')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.accounts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  type text not null,
  provider text not null,
  provider_account_id text not null,
  refresh_token text,
  access_token text,
  expires_at bigint,
  token_type text,
  scope text,
  id_token text,
  session_state text,
  created_at timestamptz not null default now(),
  unique (provider, provider_account_id)
);

create table if not exists public.sessions (
  id uuid primary key default gen_random_uuid(),
  session_token text not null unique,
  user_id uuid not null references public.users (id) on delete cascade,
  expires timestamptz not null,
  created_at timestamptz not null default now()
);

create table if not exists public.verification_tokens (
  identifier text not null,
  token text not null unique,
  expires timestamptz not null,
  primary key (identifier, token)
);

create table if not exists public.credit_usage (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  amount integer not null,
  reason text not null check (reason in ('generation', 'purchase', 'refund', 'bonus', 'adjustment')),
  generation_id uuid,
  created_at timestamptz not null default now()
);

create table if not exists public.generations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  kind text not null check (kind in ('quiz', 'flashcards', 'notes', 'summary', 'writing')),
  title text,
  prompt text not null,
  output jsonb,
  status text not null default 'pending' check (status in ('pending', 'completed', 'failed')),
  credits_used integer not null default 0 check (credits_used >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists accounts_user_id_idx on public.accounts (user_id);
create index if not exists sessions_user_id_idx on public.sessions (user_id);
create index if not exists credit_usage_user_id_created_at_idx on public.credit_usage (user_id, created_at desc);
create index if not exists generations_user_id_created_at_idx on public.generations (user_id, created_at desc);

create or replace trigger users_set_updated_at
  before update on public.users
  for each row execute function public.set_updated_at();

create or replace trigger generations_set_updated_at
  before update on public.generations
  for each row execute function public.set_updated_at();

alter table public.users enable row level security;
alter table public.accounts enable row level security;
alter table public.sessions enable row level security;
alter table public.verification_tokens enable row level security;
alter table public.credit_usage enable row level security;
alter table public.generations enable row level security;

-- Owners read and update their own rows; accounts, sessions and tokens are only touched by the
-- service role (which bypasses RLS), so they get no policies for anon or authenticated.
drop policy if exists "Users can view own profile" on public.users;
create policy "Users can view own profile" on public.users
  for select to authenticated using ((select auth.uid()) = id);

drop policy if exists "Users can update own profile" on public.users;
create policy "Users can update own profile" on public.users
  for update to authenticated using ((select auth.uid()) = id) with check ((select auth.uid()) = id);

drop policy if exists "Users can view own credit usage" on public.credit_usage;
create policy "Users can view own credit usage" on public.credit_usage
  for select to authenticated using ((select auth.uid()) = user_id);

drop policy if exists "Users can view own generations" on public.generations;
create policy "Users can view own generations" on public.generations
  for select to authenticated using ((select auth.uid()) = user_id);

drop policy if exists "Users can create own generations" on public.generations;
create policy "Users can create own generations" on public.generations
  for insert to authenticated with check ((select auth.uid()) = user_id);

drop policy if exists "Users can delete own generations" on public.generations;
create policy "Users can delete own generations" on public.generations
  for delete to authenticated using ((select auth.uid()) = user_id);
