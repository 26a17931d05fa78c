-- rollback/010_create_user_profiles.sql
drop table if exists public.profiles cascade;
