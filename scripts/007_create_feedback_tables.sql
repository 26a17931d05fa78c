-- 007_create_feedback_tables.sql
-- User feedback and bug reporting: bug_reports, user_feedback.

create table if not exists public.bug_reports (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.users (id) on delete set null,
  title text not null check (char_length(title) between 3 and 200),
  description text not null,
  page_url text,
  browser_info jsonb,
  screenshot_path text,
  severity text not null default 'medium' check (severity in ('low', 'medium', 'high', 'critical')),
  status text not null default 'open' check (status in ('open', 'triaged', 'in_progress', 'resolved', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.user_feedback (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.users (id) on delete set null,
  category text not null default 'general' check (category in ('general', 'feature_request', 'content', 'billing')),
  rating smallint check (rating between 1 and 5),
  message text not null,
  created_at timestamptz not null default now()
);

create index if not exists bug_reports_status_idx on public.bug_reports (status, created_at desc);
create index if not exists bug_reports_user_id_idx on public.bug_reports (user_id);
create index if not exists user_feedback_user_id_idx on public.user_feedback (user_id);

create or replace trigger bug_reports_set_updated_at
  before update on public.bug_reports
  for each row execute function public.set_updated_at();

alter table public.bug_reports enable row level security;
alter table public.user_feedback enable row level security;

drop policy if exists "Users can file bug reports" on public.bug_reports;
create policy "Users can file bug reports" on public.bug_reports
  for insert to authenticated with check ((select auth.uid()) = user_id);

drop policy if exists "Users can view own bug reports" on public.bug_reports;
create policy "Users can view own bug reports" on public.bug_reports
  for select to authenticated using ((select auth.uid()) = user_id);

drop policy if exists "Users can send feedback" on public.user_feedback;
create policy "Users can send feedback" on public.user_feedback
  for insert to authenticated with check ((select auth.uid()) = user_id);

drop policy if exists "Users can view own feedback" on public.user_feedback;
create policy "Users can view own feedback" on public.user_feedback
  for select to authenticated using ((select auth.uid()) = user_id);
