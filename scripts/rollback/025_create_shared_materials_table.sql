-- rollback/025_create_shared_materials_table.sql
drop function if exists public.get_shared_material(text);
drop table if exists public.shared_materials cascade;
