-- rollback/001_initialize_database.sql
-- Undoes 001. Destroys every user, account, session, credit and generation row: restore from the
-- pre-deployment backup if you need them. The pgcrypto extension stays (Supabase provides it).

drop table if exists public.generations cascade;
drop table if exists public.credit_usage cascade;
drop table if exists public.verification_tokens cascade;
drop table if exists public.sessions cascade;
drop table if exists public.accounts cascade;
drop table if exists public.users cascade;
drop function if exists public.set_updated_at();
