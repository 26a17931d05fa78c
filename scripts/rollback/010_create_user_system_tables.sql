-- rollback/010_create_user_system_tables.sql
drop table if exists public.admin_notifications cascade;
drop table if exists public.user_library_items cascade;
drop table if exists public.user_folders cascade;
drop table if exists public.user_profiles cascade;
