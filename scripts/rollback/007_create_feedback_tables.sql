-- rollback/007_create_feedback_tables.sql
drop table if exists public.user_feedback cascade;
drop table if exists public.bug_reports cascade;
