-- 010_create_user_system_tables.sql
-- User profile and library system: user_profiles, user_folders, user_library_items, admin_notifications.

create table if not exists public.user_profiles (
  user_id uuid primary key references public.users (id) on delete cascade,
  display_name text check (char_length(display_name) <= 80),
  avatar_url text,
  bio text check (char_length(bio) <= 500),
  school text,
  grade_level text,
  study_goals text[] not null default '{}',
  onboarding_completed boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.user_folders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  parent_id uuid references public.user_folders (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 100),
  color text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.user_library_items (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  folder_id uuid references public.user_folders (id) on delete set null,
  generation_id uuid references public.generations (id) on delete set null,
  item_type text not null check (item_type in ('quiz', 'flashcards', 'notes', 'summary', 'writing', 'document')),
  title text not null,
  content jsonb not null default '{}',
  is_favorite boolean not null default false,
  last_opened_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.admin_notifications (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  body text not null,
  level text not null default 'info' check (level in ('info', 'warning', 'maintenance')),
  published boolean not null default false,
  starts_at timestamptz not null default now(),
  ends_at timestamptz,
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (ends_at is null or ends_at > starts_at)
);

create index if not exists user_folders_user_id_idx on public.user_folders (user_id);
create index if not exists user_library_items_user_id_folder_id_idx on public.user_library_items (user_id, folder_id);
create index if not exists admin_notifications_published_idx on public.admin_notifications (published, starts_at desc);

create or replace trigger user_profiles_set_updated_at
  before update on public.user_profiles
  for each row execute function public.set_updated_at();

create or replace trigger user_folders_set_updated_at
  before update on public.user_folders
  for each row execute function public.set_updated_at();

create or replace trigger user_library_items_set_updated_at
  before update on public.user_library_items
  for each row execute function public.set_updated_at();

alter table public.user_profiles enable row level security;
alter table public.user_folders enable row level security;
alter table public.user_library_items enable row level security;
alter table public.admin_notifications enable row level security;

drop policy if exists "Users manage own profile" on public.user_profiles;
create policy "Users manage own profile" on public.user_profiles
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Users manage own folders" on public.user_folders;
create policy "Users manage own folders" on public.user_folders
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Users manage own library items" on public.user_library_items;
create policy "Users manage own library items" on public.user_library_items
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Everyone reads published notifications" on public.admin_notifications;
create policy "Everyone reads published notifications" on public.admin_notifications
  for select to anon, authenticated
  using (published and starts_at <= now() and (ends_at is null or ends_at > now()));

drop policy if exists "Admins manage notifications" on public.admin_notifications;
create policy "Admins manage notifications" on public.admin_notifications
  for all to authenticated
  using (exists (select 1 from public.users u where u.id = (select auth.uid()) and u.role = 'admin'))
  with check (exists (select 1 from public.users u where u.id = (select auth.uid()) and u.role = 'admin'));
