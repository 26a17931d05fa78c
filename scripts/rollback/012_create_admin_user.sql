-- rollback/012_create_admin_user.sql
-- Takes admin back from the user 012 promoted (the same placeholder value must be supplied).
update public.users set role = 'user' where lower(email) = lower('${admin_email}');
update auth.users set raw_app_meta_data = raw_app_meta_data - 'role' where lower(email) = lower('${admin_email}');
