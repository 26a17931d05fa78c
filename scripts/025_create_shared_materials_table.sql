-- 025_create_shared_materials_table.sql
-- Material sharing: persistent share links with public access tokens, expiry dates and resharing
-- controls. Anonymous visitors never read the table directly: they call
-- public.get_shared_material(token), which checks the token, the expiry and the revocation.

create table if not exists public.shared_materials (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.users (id) on delete cascade,
  library_item_id uuid not null references public.user_library_items (id) on delete cascade,
  access_token text not null unique default encode(extensions.gen_random_bytes(24), 'hex'),
  title text not null,
  is_public boolean not null default true,
  allow_resharing boolean not null default false,
  reshared_from uuid references public.shared_materials (id) on delete set null,
  expires_at timestamptz,
  revoked_at timestamptz,
  view_count integer not null default 0 check (view_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (expires_at is null or expires_at > created_at)
);

create index if not exists shared_materials_owner_id_idx on public.shared_materials (owner_id, created_at desc);
create index if not exists shared_materials_library_item_id_idx on public.shared_materials (library_item_id);

create or replace trigger shared_materials_set_updated_at
  before update on public.shared_materials
  for each row execute function public.set_updated_at();

alter table public.shared_materials enable row level security;

drop policy if exists "Owners manage own shared materials" on public.shared_materials;
create policy "Owners manage own shared materials" on public.shared_materials
  for all to authenticated using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);

-- Public access by token: security definer so anon can read one live share without a table grant.
create or replace function public.get_shared_material(share_token text)
returns table (title text, content jsonb, item_type text, allow_resharing boolean, expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.shared_materials sm
  set view_count = sm.view_count + 1
  where sm.access_token = share_token
    and sm.is_public
    and sm.revoked_at is null
    and (sm.expires_at is null or sm.expires_at > now());

  return query
  select sm.title, li.content, li.item_type, sm.allow_resharing, sm.expires_at
  from public.shared_materials sm
  join public.user_library_items li on li.id = sm.library_item_id
  where sm.access_token = share_token
    and sm.is_public
    and sm.revoked_at is null
    and (sm.expires_at is null or sm.expires_at > now());
end;
$$;

revoke all on function public.get_shared_material(text) from public;
grant execute on function public.get_shared_material(text) to anon, authenticated;
