/**
 * The catalog snapshot's one query: every user object with what is compared of it, as one JSON text
 * (one round trip, and the same text whatever the driver: postgres.js, PGlite). Reads pg_catalog only.
 * It must run with `search_path = pg_catalog` (snapshot.ts sets it): format_type, pg_get_expr and the
 * pg_get_*def functions qualify every name outside pg_catalog then, whatever search_path a migration set.
 *
 * Which schemas count (docs/schema-verify.md): all but PostgreSQL's own, supamigrate's and those Supabase
 * manages; of a Supabase-managed schema only the policies on its tables (storage.objects) and the triggers
 * on its tables that call a function of a user schema (auth.users → public.handle_new_user) count, since
 * migrations add those. Objects that belong to an extension never count; nor do the extensions every
 * Supabase project has.
 */

/** Never part of a snapshot: supamigrate's own schemas (the tracking table, the backups). */
export const SUPAMIGRATE_SCHEMAS = ["supamigrate", "supamigrate_backup"] as const;

/** Schemas Supabase creates and manages (and `supabase db dump` leaves out of a user's schema). */
export const SUPABASE_MANAGED_SCHEMAS = [
  "auth", "storage", "extensions", "graphql", "graphql_public", "realtime", "_realtime", "supabase_functions",
  "supabase_migrations", "vault", "pgsodium", "pgsodium_masks", "net", "cron", "pgbouncer", "_analytics", "pgtle",
  "pgmq", "pgmq_public", "_supavisor", "tiger", "tiger_data", "topology",
] as const;

/** Extensions a Supabase project has from the start (and the local bootstrap loads): neither side's migrations decide them. */
export const SUPABASE_PROVIDED_EXTENSIONS = [
  "plpgsql", "pgcrypto", "uuid-ossp", "pg_stat_statements", "pg_graphql", "supabase_vault", "pgjwt", "pgsodium",
] as const;

/** The API roles whose table and function grants are compared. */
export const API_ROLES = ["anon", "authenticated", "service_role"] as const;

const list = (names: readonly string[]) => `array[${names.map((n) => `'${n.replace(/'/g, "''")}'`).join(", ")}]::text[]`;

const MEMBER = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/** `json_agg` of `object` over `rest`, `[]` when there are no rows. */
const agg = (object: string, order: string, rest: string) => `(select coalesce(json_agg(${object} order by ${order}), '[]'::json) ${rest})`;

export const SNAPSHOT_SQL = `
with user_ns as (
  select n.oid, n.nspname from pg_namespace n
  where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
    and n.nspname <> all (${list([...SUPAMIGRATE_SCHEMAS, ...SUPABASE_MANAGED_SCHEMAS])})
    and ${MEMBER("pg_namespace", "n.oid")}
),
managed_ns as (
  select n.oid from pg_namespace n where n.nspname = any (${list(SUPABASE_MANAGED_SCHEMAS)})
),
rels as (
  select c.oid, c.relkind::text as relkind, quote_ident(n.nspname) as schema,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qname,
    c.relrowsecurity, c.relforcerowsecurity, c.relpersistence::text as persistence, c.relacl, c.relowner
  from pg_class c join user_ns n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I') and ${MEMBER("pg_class", "c.oid")}
),
api_roles as (
  select oid, rolname from pg_roles where rolname = any (${list(API_ROLES)})
)
select json_build_object(
  'server', current_setting('server_version'),
  'schemas', ${agg("json_build_object('name', quote_ident(nspname))", "nspname", "from user_ns")},
  'extensions', ${agg(
    "json_build_object('name', quote_ident(e.extname), 'schema', quote_ident(n.nspname))", "e.extname",
    `from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname <> all (${list(SUPABASE_PROVIDED_EXTENSIONS)})`,
  )},
  'types', ${agg(
    `json_build_object(
      'name', quote_ident(n.nspname) || '.' || quote_ident(t.typname), 'schema', quote_ident(n.nspname), 'kind', t.typtype::text,
      'labels', (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
      'base', case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end,
      'notNull', t.typnotnull, 'default', t.typdefault,
      'checks', (select string_agg(pg_get_constraintdef(c.oid), '; ' order by c.conname) from pg_constraint c where c.contypid = t.oid and c.contype = 'c'),
      'attributes', case when t.typtype = 'c' then (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
        from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) end,
      'subtype', (select format_type(r.rngsubtype, null) from pg_range r where r.rngtypid = t.oid))`,
    "n.nspname, t.typname",
    `from pg_type t join user_ns n on n.oid = t.typnamespace
     where t.typtype in ('e', 'd', 'c', 'r') and (t.typtype <> 'c' or (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')
       and ${MEMBER("pg_type", "t.oid")}`,
  )},
  'sequences', ${agg(
    `json_build_object('name', r.qname, 'schema', r.schema, 'type', format_type(s.seqtypid, null), 'start', s.seqstart::text,
      'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle,
      'ownedBy', (select json_build_object('table', o.qname, 'column', quote_ident(a.attname)) from pg_depend d join rels o on o.oid = d.refobjid
        join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
        where d.classid = 'pg_class'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass and d.deptype = 'a' limit 1))`,
    "r.qname",
    `from rels r join pg_sequence s on s.seqrelid = r.oid
     where r.relkind = 'S' and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = r.oid and d.deptype = 'i')`,
  )},
  'tables', ${agg(
    `json_build_object('name', r.qname, 'schema', r.schema, 'kind', r.relkind, 'rls', r.relrowsecurity, 'forceRls', r.relforcerowsecurity,
      'persistence', r.persistence,
      'grants', (select coalesce(json_object_agg(g.rolname, g.privileges), '{}'::json) from (
        select ro.rolname, string_agg(a.privilege_type, ', ' order by a.privilege_type) as privileges
        from aclexplode(coalesce(r.relacl, acldefault('r', r.relowner))) a join api_roles ro on ro.oid = a.grantee
        where a.privilege_type <> 'MAINTAIN' group by ro.rolname) g))`,
    "r.qname",
    "from rels r where r.relkind in ('r', 'p', 'f')",
  )},
  'columns', ${agg(
    `json_build_object('table', r.qname, 'name', quote_ident(a.attname), 'position', a.attnum, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
      'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity::text, 'generated', a.attgenerated::text)`,
    "r.qname, a.attname",
    `from rels r join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where r.relkind in ('r', 'p', 'f')`,
  )},
  'constraints', ${agg(
    "json_build_object('table', r.qname, 'name', quote_ident(c.conname), 'type', c.contype::text, 'definition', pg_get_constraintdef(c.oid))",
    "r.qname, c.conname",
    "from pg_constraint c join rels r on r.oid = c.conrelid where c.contype in ('c', 'f', 'p', 'u', 'x', 't') and r.relkind in ('r', 'p', 'f')",
  )},
  'indexes', ${agg(
    "json_build_object('table', t.qname, 'name', i.qname, 'definition', pg_get_indexdef(i.oid))",
    "i.qname",
    `from rels i join pg_index x on x.indexrelid = i.oid join rels t on t.oid = x.indrelid
     where i.relkind in ('i', 'I')
       and not exists (select 1 from pg_constraint c where c.conindid = i.oid and c.conrelid = x.indrelid and c.contype in ('p', 'u', 'x'))`,
  )},
  'views', ${agg(
    `json_build_object('name', r.qname, 'schema', r.schema, 'kind', r.relkind, 'definition', pg_get_viewdef(r.oid),
      'columns', (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
        from pg_attribute a where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped))`,
    "r.qname",
    "from rels r where r.relkind in ('v', 'm')",
  )},
  'functions', ${agg(
    `json_build_object(
      'name', quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
      'schema', quote_ident(n.nspname), 'kind', p.prokind::text, 'arguments', pg_get_function_arguments(p.oid),
      'returns', pg_get_function_result(p.oid), 'language', l.lanname, 'volatility', p.provolatile::text, 'securityDefiner', p.prosecdef,
      'strict', p.proisstrict, 'config', array_to_string(p.proconfig, ', '),
      'body', md5(coalesce(nullif(p.prosrc, ''), pg_get_function_sqlbody(p.oid), '')),
      'execute', (select string_agg(g.grantee, ', ' order by g.grantee) from (
        select case when a.grantee = 0 then 'PUBLIC' else ro.rolname end as grantee
        from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a left join api_roles ro on ro.oid = a.grantee
        where a.privilege_type = 'EXECUTE' and (a.grantee = 0 or ro.oid is not null)) g))`,
    "n.nspname, p.proname, oidvectortypes(p.proargtypes)",
    `from pg_proc p join user_ns n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
     where p.prokind in ('f', 'p') and ${MEMBER("pg_proc", "p.oid")}`,
  )},
  'policies', ${agg(
    `json_build_object('table', quote_ident(n.nspname) || '.' || quote_ident(c.relname),
      'name', p.polname, 'command', p.polcmd::text, 'permissive', p.polpermissive,
      'roles', (select string_agg(x.role, ', ' order by x.role) from (
        select case when o = 0 then 'public' else (select quote_ident(rolname) from pg_roles where oid = o) end as role from unnest(p.polroles) o) x),
      'using', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid))`,
    "n.nspname, c.relname, p.polname",
    `from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
     where n.oid in (select oid from user_ns union all select oid from managed_ns)`,
  )},
  'triggers', ${agg(
    `json_build_object('table', quote_ident(n.nspname) || '.' || quote_ident(c.relname),
      'name', quote_ident(t.tgname), 'definition', pg_get_triggerdef(t.oid), 'enabled', t.tgenabled::text)`,
    "n.nspname, c.relname, t.tgname",
    `from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace join pg_proc f on f.oid = t.tgfoid
     where not t.tgisinternal and t.tgparentid = 0
       and (n.oid in (select oid from user_ns) or (n.oid in (select oid from managed_ns) and f.pronamespace in (select oid from user_ns)))`,
  )}
)::text as snapshot`;
