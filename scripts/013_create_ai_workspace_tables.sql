-- 013_create_ai_workspace_tables.sql
-- AI Workspace: ai_chat_sessions, ai_chat_messages, workspace_documents.

create table if not exists public.ai_chat_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  title text not null default 'New chat',
  model text not null default 'default',
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.ai_chat_messages (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.ai_chat_sessions (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system')),
  content text not null,
  token_count integer check (token_count >= 0),
  created_at timestamptz not null default now()
);

create table if not exists public.workspace_documents (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  session_id uuid references public.ai_chat_sessions (id) on delete set null,
  file_name text not null,
  mime_type text not null,
  size_bytes bigint not null check (size_bytes between 0 and 52428800),
  storage_path text not null unique,
  extracted_text text,
  status text not null default 'uploaded' check (status in ('uploaded', 'processing', 'ready', 'failed')),
  created_at timestamptz not null default now()
);

create index if not exists ai_chat_sessions_user_id_idx on public.ai_chat_sessions (user_id, updated_at desc);
create index if not exists ai_chat_messages_session_id_idx on public.ai_chat_messages (session_id, created_at);
create index if not exists workspace_documents_user_id_idx on public.workspace_documents (user_id, created_at desc);

create or replace trigger ai_chat_sessions_set_updated_at
  before update on public.ai_chat_sessions
  for each row execute function public.set_updated_at();

alter table public.ai_chat_sessions enable row level security;
alter table public.ai_chat_messages enable row level security;
alter table public.workspace_documents enable row level security;

drop policy if exists "Users manage own chat sessions" on public.ai_chat_sessions;
create policy "Users manage own chat sessions" on public.ai_chat_sessions
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Users manage own chat messages" on public.ai_chat_messages;
create policy "Users manage own chat messages" on public.ai_chat_messages
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

drop policy if exists "Users manage own workspace documents" on public.workspace_documents;
create policy "Users manage own workspace documents" on public.workspace_documents
  for all to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
