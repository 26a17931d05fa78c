-- rollback/007_create_notification_preferences.sql
drop table if exists public.notification_preferences cascade;
