/**
 * The tracking schema's backups (version 4 → 5): before a destructive statement runs, the engine calls
 * supamigrate.take_backup in the file's transaction, which copies the data the statement destroys into
 * the schema supamigrate_backup and records it in supamigrate.backups and the event log; a rollback of
 * the file calls supamigrate.restore_backups after the rollback's statements, which puts the data back.
 *
 * What is kept, by kind:
 * - `table` (DROP TABLE): every row, every column;
 * - `column` (DROP COLUMN, a column type change): the primary key's columns and the column, so each
 *   value can go back to its row (a table without a primary key is copied whole, and kept, not restored);
 * - `deleted-rows` (DELETE without WHERE, TRUNCATE) and `updated-rows` (UPDATE without WHERE): every row.
 * Restore puts rows back into a table the rollback recreated (identity columns included, their sequences
 * moved past the restored values) and values back by primary key. Anything it cannot restore (the
 * rollback did not recreate the table, no primary key) is reported and left in supamigrate_backup.
 * An empty table is not copied. The functions run as the caller (the migration's role), with an empty
 * search_path, names quoted.
 */

/** A backup above this many bytes (pg_total_relation_size of the table) is refused unless raised. */
export const DEFAULT_BACKUP_MAX_BYTES = 256 * 1024 * 1024;

export const BACKUPS_UPGRADE = `
  create schema if not exists supamigrate_backup;
  comment on schema supamigrate_backup is 'supamigrate: data copied before destructive migrations, restored by rollback. Never expose it through the API.';

  create table if not exists supamigrate.backups (
    id bigserial primary key,
    migration text not null,
    kind text not null check (kind in ('table', 'column', 'deleted-rows', 'updated-rows')),
    source text not null,
    source_column text,
    key_columns text[] not null default '{}',
    backup_table text not null,
    rows bigint not null,
    bytes bigint not null,
    created_at timestamptz not null default now(),
    restored_at timestamptz,
    pruned_at timestamptz
  );
  comment on table supamigrate.backups is 'One row per copy of data taken before a destructive statement (supamigrate_backup.<backup_table>).';

  create or replace function supamigrate.take_backup(p_migration text, p_kind text, p_relation text, p_column text, p_max_bytes bigint)
  returns void
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    rel pg_catalog.regclass := pg_catalog.to_regclass(p_relation);
    source text;
    size bigint;
    keys text[];
    selected text;
    backup_name text;
    backup_id bigint;
    copied bigint;
    api_role text;
    has_rows boolean;
  begin
    -- DROP … IF EXISTS of a table that is not there, or a column that is not: nothing to keep.
    if rel is null then return; end if;
    if p_column is not null and not exists (
      select 1 from pg_catalog.pg_attribute a where a.attrelid = rel and a.attname = p_column and a.attnum > 0 and not a.attisdropped
    ) then return; end if;
    select pg_catalog.format('%I.%I', n.nspname, c.relname) into source
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = rel;
    -- An empty table has nothing to lose (and a 0-row copy would only clutter status and rollbacks).
    execute pg_catalog.format('select exists (select from %s)', source) into has_rows;
    if not has_rows then return; end if;
    size := pg_catalog.pg_total_relation_size(rel);
    if size > p_max_bytes then
      raise exception using
        errcode = 'SM003',
        message = pg_catalog.format('%s is %s, above the backup cap of %s, so it was not copied before %s', source,
          pg_catalog.pg_size_pretty(size), pg_catalog.pg_size_pretty(p_max_bytes), p_migration),
        hint = 'Back it up yourself (pg_dump -t ' || source || '), then apply with backups skipped (supamigrate apply --skip-backups --reason "…"), or raise the cap (SUPAMIGRATE_BACKUP_MAX_BYTES).';
    end if;
    select pg_catalog.array_agg(a.attname::text order by pg_catalog.array_position(i.indkey::int2[], a.attnum)) into keys
      from pg_catalog.pg_index i join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey::int2[])
      where i.indrelid = rel and i.indisprimary;
    keys := coalesce(keys, '{}');
    if p_kind = 'column' and pg_catalog.cardinality(keys) > 0 then
      select pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') || ', ' || pg_catalog.quote_ident(p_column) into selected from pg_catalog.unnest(keys) k;
    else
      selected := '*';
    end if;
    backup_id := pg_catalog.nextval('supamigrate.backups_id_seq');
    backup_name := pg_catalog.left(pg_catalog.format('b%s_%s_%s', backup_id, pg_catalog.split_part(p_migration, '.', 1),
      pg_catalog.replace(source, '"', '') || coalesce('.' || p_column, '')), 63);
    execute pg_catalog.format('create table supamigrate_backup.%I as select %s from %s', backup_name, selected, source);
    get diagnostics copied = row_count;
    execute pg_catalog.format('revoke all on supamigrate_backup.%I from public', backup_name);
    foreach api_role in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_catalog.pg_roles where rolname = api_role) then
        execute pg_catalog.format('revoke all on supamigrate_backup.%I from %I', backup_name, api_role);
      end if;
    end loop;
    insert into supamigrate.backups (id, migration, kind, source, source_column, key_columns, backup_table, rows, bytes)
      values (backup_id, p_migration, p_kind, source, p_column, keys, backup_name, copied,
        pg_catalog.pg_total_relation_size(pg_catalog.format('supamigrate_backup.%I', backup_name)::pg_catalog.regclass));
    insert into supamigrate.events (event, name, actor, details)
      values ('backed-up', p_migration, null, pg_catalog.jsonb_build_object('id', backup_id, 'kind', p_kind, 'source', source,
        'column', p_column, 'backupTable', 'supamigrate_backup.' || backup_name, 'rows', copied));
  end;
  $fn$;

  create or replace function supamigrate.restore_backups(p_migration text)
  returns pg_catalog.jsonb
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    b record;
    target pg_catalog.regclass;
    columns text;
    matching text;
    restored bigint;
    outcome pg_catalog.jsonb := '[]';
    note text;
    seq record;
  begin
    for b in select * from supamigrate.backups
      where migration = p_migration and restored_at is null and pruned_at is null order by id desc loop
      target := pg_catalog.to_regclass(b.source);
      note := null;
      restored := 0;
      if target is null then
        note := 'not restored: the rollback did not recreate ' || b.source;
      elsif b.kind in ('table', 'deleted-rows') then
        -- The columns both have, in the table's order; generated columns are computed again.
        select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum) into columns
          from pg_catalog.pg_attribute a
          where a.attrelid = target and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
            and exists (select 1 from pg_catalog.pg_attribute s where s.attrelid = pg_catalog.format('supamigrate_backup.%I', b.backup_table)::pg_catalog.regclass
              and s.attname = a.attname and s.attnum > 0 and not s.attisdropped);
        if columns is null then
          note := 'not restored: ' || b.source || ' has none of the backed-up columns';
        else
          execute pg_catalog.format('insert into %s (%s) overriding system value select %s from supamigrate_backup.%I on conflict do nothing',
            b.source, columns, columns, b.backup_table);
          get diagnostics restored = row_count;
          for seq in select a.attname, pg_catalog.pg_get_serial_sequence(b.source, a.attname) as name
            from pg_catalog.pg_attribute a where a.attrelid = target and a.attnum > 0 and not a.attisdropped loop
            if seq.name is not null then
              execute pg_catalog.format('select pg_catalog.setval(%L, greatest((select pg_catalog.max(%I) from %s), 1))', seq.name, seq.attname, b.source);
            end if;
          end loop;
        end if;
      elsif pg_catalog.cardinality(b.key_columns) = 0 then
        note := 'not restored: ' || b.source || ' has no primary key to match rows by';
      else
        select pg_catalog.string_agg(pg_catalog.format('t.%I = b.%I', k, k), ' and ') into matching from pg_catalog.unnest(b.key_columns) k;
        if b.kind = 'column' then
          if not exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = target and a.attname = b.source_column and a.attnum > 0 and not a.attisdropped) then
            note := 'not restored: the rollback did not add ' || b.source || '.' || b.source_column || ' back';
          else
            execute pg_catalog.format('update %s t set %I = b.%I from supamigrate_backup.%I b where %s',
              b.source, b.source_column, b.source_column, b.backup_table, matching);
            get diagnostics restored = row_count;
          end if;
        else
          select pg_catalog.string_agg(pg_catalog.format('%I = b.%I', a.attname, a.attname), ', ' order by a.attnum) into columns
            from pg_catalog.pg_attribute a
            where a.attrelid = target and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' and a.attidentity = ''
              and a.attname <> all (b.key_columns);
          if columns is not null then
            execute pg_catalog.format('update %s t set %s from supamigrate_backup.%I b where %s', b.source, columns, b.backup_table, matching);
            get diagnostics restored = row_count;
          end if;
        end if;
      end if;
      if note is null then
        update supamigrate.backups set restored_at = pg_catalog.now() where id = b.id;
      end if;
      insert into supamigrate.events (event, name, actor, details)
        values (case when note is null then 'backup-restored' else 'backup-not-restored' end, p_migration, null,
          pg_catalog.jsonb_build_object('id', b.id, 'kind', b.kind, 'source', b.source, 'column', b.source_column, 'rows', restored, 'note', note));
      outcome := outcome || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'id', b.id, 'kind', b.kind, 'source', b.source, 'column', b.source_column, 'rows', restored,
        'backupTable', 'supamigrate_backup.' || b.backup_table, 'note', note));
    end loop;
    return outcome;
  end;
  $fn$;
`;
