-- rollback/013_create_ai_workspace_tables.sql
drop table if exists public.workspace_documents cascade;
drop table if exists public.ai_chat_messages cascade;
drop table if exists public.ai_chat_sessions cascade;
