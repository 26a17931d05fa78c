-- 012_create_admin_user.sql
-- Grants admin to the platform's first administrator. No manual editing: the email is a placeholder
-- supplied at apply time (`supamigrate apply --set admin_email=you@example.com`).
-- The user must already exist: create them in the Supabase Auth dashboard first
-- (Authentication → Users → Add user), then apply.

do $$
declare
  admin_id uuid;
begin
  select id into admin_id from auth.users where lower(email) = lower('${admin_email}');
  if admin_id is null then
    raise exception 'no auth.users row has the email %', '${admin_email}'
      using hint = 'Create the user in the Supabase Auth dashboard first (Authentication → Users → Add user), then apply this migration again.';
  end if;

  insert into public.users (id, email, role)
  values (admin_id, lower('${admin_email}'), 'admin')
  on conflict (id) do update set role = 'admin';

  -- The role also travels in the user's JWT (app_metadata is writable only server-side).
  update auth.users
  set raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || '{"role": "admin"}'::jsonb
  where id = admin_id;
end;
$$;
