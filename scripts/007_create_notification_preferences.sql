-- 007_create_notification_preferences.sql
-- Written in parallel with 007_create_feedback_tables.sql (hence the shared number): per-user email
-- and in-app notification settings. Both 007 files run, this one second (file name order).

create table if not exists public.notification_preferences (
  user_id uuid primary key references public.users (id) on delete cascade,
  email_product_updates boolean not null default true,
  email_study_reminders boolean not null default true,
  in_app_announcements boolean not null default true,
  reminder_hour smallint not null default 18 check (reminder_hour between 0 and 23),
  timezone text not null default 'UTC',
  updated_at timestamptz not null default now()
);

create or replace trigger notification_preferences_set_updated_at
  before update on public.notification_preferences
  for each row execute function public.set_updated_at();

alter table public.notification_preferences enable row level security;

drop policy if exists "Users manage own notification preferences" on public.notification_preferences;
create policy "Users manage own notification preferences" on public.notification_preferences
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
