/**
 * The SQL of `supamigrate diff`: what the live database has and the applied migrations do not declare,
 * written as guarded, re-runnable statements (so applying it to the database it came from changes nothing
 * there): an extra table → CREATE TABLE IF NOT EXISTS with its columns, constraints, indexes, RLS,
 * policies and triggers; an extra column → ADD COLUMN IF NOT EXISTS; an extra index → CREATE INDEX IF
 * NOT EXISTS; an extra or changed policy → DROP POLICY IF EXISTS + CREATE POLICY; RLS enabled (or forced)
 * live → ENABLE (FORCE); an extra constraint or enum type → a DO block that checks the catalog first;
 * an extra trigger → CREATE OR REPLACE TRIGGER; an extra schema, extension or sequence → IF NOT EXISTS.
 * Everything else is listed, not expressed.
 */
import { schemaMessage } from "../../shared/engine/catalog/messages.ts";
import type { CatalogDifference, CatalogObject, CatalogSnapshot } from "../../shared/protocol/catalog.ts";

/** One statement (or DO block) of the migration. */
export interface DiffBlock {
  /** What it brings over, for the comment above it: `public.profiles.nickname`. */
  readonly about: string;
  readonly sql: string;
  /** Its inverse, where the rollback generator cannot derive one (a DO block, ALTER SEQUENCE … OWNED BY). */
  readonly inverse: string | null;
}

export interface DiffMigration {
  readonly blocks: readonly DiffBlock[];
  /** Differences no statement here expresses, as messages. */
  readonly notExpressed: readonly string[];
}

/** `differences`: expected (the migrations) against actual (live); `live`: the live snapshot. */
export function liveOnlyMigration(differences: readonly CatalogDifference[], live: CatalogSnapshot): DiffMigration {
  const objects = new Map(live.objects.map((o) => [o.name, o]));
  const children = (parent: string, kind: CatalogObject["kind"]) => live.objects.filter((o) => o.parent === parent && o.kind === kind);
  const blocks: DiffBlock[] = [];
  const late: DiffBlock[] = []; // foreign keys, after every table they may reference
  const notExpressed: string[] = [];
  const block = (about: string, sql: string, inverse: string | null = null) => blocks.push({ about, sql, inverse });
  const unexpressed = (difference: CatalogDifference, why: string) => notExpressed.push(`${schemaMessage(difference)} — ${why}`);

  for (const difference of differences) {
    const object = objects.get(difference.object);
    if (difference.kind === "missing") {
      unexpressed(difference, "diff writes only what the live database has; apply or repair the migration that creates it");
      continue;
    }
    if (!object) continue;
    if (difference.kind === "changed") {
      changed(object, difference);
      continue;
    }
    switch (object.kind) {
      case "schema":
        block(object.name, `create schema if not exists ${object.identifier};`);
        break;
      case "extension":
        block(object.name, `create extension if not exists ${object.identifier} with schema ${object.properties.schema};`);
        break;
      case "type":
        if (object.properties.kind !== "enum") unexpressed(difference, `a ${object.properties.kind} type is not written by diff`);
        else block(object.name, enumType(object), `drop type if exists ${object.identifier};`);
        break;
      case "table":
        table(object);
        break;
      case "column":
        block(object.name, `alter table ${object.parent} add column if not exists ${columnSql(object)};`);
        break;
      case "constraint":
        (object.properties.type === "foreign key" ? late : blocks).push(constraint(object));
        break;
      case "index":
        indexBlock(object, difference);
        break;
      case "sequence":
        block(object.name, sequenceSql(object));
        break;
      case "policy":
        block(object.name, policySql(object));
        break;
      case "trigger":
        triggerBlock(object, difference);
        break;
      default:
        unexpressed(difference, `diff does not write a ${object.kind} (its definition is compared by hash only): add it to a migration by hand`);
    }
  }
  return { blocks: [...blocks, ...late], notExpressed };

  function table(object: CatalogObject): void {
    const sequences = children(object.name, "sequence");
    for (const sequence of sequences) block(sequence.name, sequenceSql(sequence));
    const constraints = children(object.name, "constraint");
    const lines = [
      ...children(object.name, "column").sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((c) => `  ${columnSql(c)}`),
      ...constraints.filter((c) => c.properties.type !== "foreign key" && c.properties.type !== "constraint trigger")
        .map((c) => `  constraint ${c.identifier} ${c.properties.definition}`),
    ];
    block(object.name, `create table if not exists ${object.identifier} (\n${lines.join(",\n")}\n);`);
    for (const sequence of sequences) {
      const owner = sequence.properties["owned by"];
      if (owner) block(sequence.name, `alter sequence ${sequence.identifier} owned by ${owner};`, `alter sequence if exists ${sequence.identifier} owned by none;`);
    }
    late.push(...constraints.filter((c) => c.properties.type === "foreign key").map(constraint));
    rls(object, object.properties["row level security"] === "enabled", object.properties["forced row level security"] === "yes");
    for (const index of children(object.name, "index")) {
      const sql = indexSql(index);
      if (sql) block(index.name, sql);
      else notExpressed.push(`${index.name} on the new table ${object.name} — its definition could not be read as CREATE INDEX`);
    }
    for (const policy of children(object.name, "policy")) block(policy.name, policySql(policy));
    for (const trigger of children(object.name, "trigger")) {
      const sql = triggerSql(trigger);
      if (sql) block(trigger.name, sql);
      else notExpressed.push(`${trigger.name} on the new table ${object.name} — a constraint trigger is not written by diff: add it by hand`);
    }
  }

  function changed(object: CatalogObject, difference: CatalogDifference): void {
    const changes = difference.changes ?? [];
    if (object.kind === "policy") {
      block(object.name, policySql(object));
      return;
    }
    if (object.kind === "trigger" && changes.every((c) => c.property === "definition")) {
      triggerBlock(object, difference);
      return;
    }
    if (object.kind === "table") {
      const rest = changes.filter((c) => {
        if (c.property === "row level security" && c.actual === "enabled") return rls(object, true, false), false;
        if (c.property === "forced row level security" && c.actual === "yes") return rls(object, false, true), false;
        return true;
      });
      if (rest.length === 0) return;
      const disabled = rest.some((c) => c.property === "row level security" && c.actual === "disabled");
      unexpressed({ ...difference, detail: rest.map((c) => `${c.property} ${c.actual ?? "(none)"} live, ${c.expected ?? "(none)"} expected`).join("; ") },
        disabled
          ? `row level security was turned off on the live database: turn it back on there (alter table ${object.identifier} enable row level security) rather than adopt this`
          : "diff does not write this change: write it by hand");
      return;
    }
    unexpressed(difference, "diff does not write a changed definition: write the change by hand (or undo it on the live database)");
  }

  function rls(object: CatalogObject, enable: boolean, force: boolean): void {
    if (enable) block(`row level security on ${object.name}`, `alter table ${object.identifier} enable row level security;`);
    if (force) block(`forced row level security on ${object.name}`, `alter table ${object.identifier} force row level security;`);
  }

  function indexBlock(object: CatalogObject, difference: CatalogDifference): void {
    const sql = indexSql(object);
    if (sql) block(object.name, sql);
    else unexpressed(difference, "its definition could not be read as CREATE INDEX");
  }

  function triggerBlock(object: CatalogObject, difference: CatalogDifference): void {
    const sql = triggerSql(object);
    if (sql) block(object.name, sql);
    else unexpressed(difference, "a constraint trigger is not written by diff: add it by hand");
  }
}

function columnSql(column: CatalogObject): string {
  const p = column.properties;
  let sql = `${column.identifier} ${p.type}`;
  if (p.identity) sql += ` generated ${p.identity} as identity`;
  else if (p.generated && p.default) sql += ` generated always as (${p.default}) stored`;
  else if (p.default) sql += ` default ${p.default}`;
  if (p["not null"] === "yes") sql += " not null";
  return sql;
}

/** A DO block: PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS (docs of constraint-without-guard). */
function constraint(object: CatalogObject): DiffBlock {
  const table = object.parent!;
  const name = object.identifier.replace(/^"|"$/g, "").replace(/""/g, '"');
  return {
    about: object.name,
    sql: `do $supamigrate$
begin
  if not exists (select 1 from pg_catalog.pg_constraint where conname = ${literal(name)} and conrelid = ${literal(table)}::regclass) then
    alter table ${table} add constraint ${object.identifier} ${object.properties.definition};
  end if;
end;
$supamigrate$;`,
    inverse: `alter table ${table} drop constraint if exists ${object.identifier};`,
  };
}

function enumType(object: CatalogObject): string {
  return `do $supamigrate$
begin
  if pg_catalog.to_regtype(${literal(object.identifier)}) is null then
    create type ${object.identifier} as enum (${object.properties.labels ?? ""});
  end if;
end;
$supamigrate$;`;
}

function indexSql(index: CatalogObject): string | null {
  const definition = index.properties.definition ?? "";
  return /^CREATE (UNIQUE )?INDEX /.test(definition) ? `${definition.replace(/^CREATE (UNIQUE )?INDEX /, "create $1index if not exists ")};` : null;
}

function sequenceSql(sequence: CatalogObject): string {
  const p = sequence.properties;
  return `create sequence if not exists ${sequence.identifier} as ${p.type} increment by ${p.increment} minvalue ${p.min} maxvalue ${p.max} ` +
    `start with ${p.start} cache ${p.cache}${p.cycle === "yes" ? " cycle" : ""};`;
}

function policySql(policy: CatalogObject): string {
  const p = policy.properties;
  const using = p.using ? `\n  using (${p.using})` : "";
  const check = p["with check"] ? `\n  with check (${p["with check"]})` : "";
  return `drop policy if exists ${policy.identifier} on ${policy.parent};
create policy ${policy.identifier} on ${policy.parent}
  as ${p.as} for ${p.command} to ${p.roles}${using}${check};`;
}

function triggerSql(trigger: CatalogObject): string | null {
  const definition = trigger.properties.definition ?? "";
  return definition.startsWith("CREATE TRIGGER ") ? `${definition.replace(/^CREATE TRIGGER /, "create or replace trigger ")};` : null;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
