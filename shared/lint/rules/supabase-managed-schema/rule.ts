import { deleteStatement } from "../../fixes.ts";
import { positionOf } from "../../../schema/model.ts";
import type { LintProject, Report, Rule } from "../../types.ts";
import { type Write, writesOf } from "./writes.ts";

/** The schemas Supabase's services own, with the role that owns their objects (as far as Supabase documents it). */
const SERVICE_SCHEMAS: ReadonlyMap<string, { readonly service: string; readonly owner: string }> = new Map([
  ["auth", { service: "Supabase Auth", owner: "supabase_auth_admin" }],
  ["storage", { service: "Supabase Storage", owner: "supabase_storage_admin" }],
  ["realtime", { service: "Supabase Realtime", owner: "Supabase's admin roles" }],
  ["supabase_functions", { service: "Database Webhooks", owner: "Supabase's admin roles" }],
]);

/** `extensions`: postgres may create objects there, but what Supabase and its extensions put there is not postgres's. */
const EXTENSIONS = "extensions";

/**
 * Tables of Supabase's services on which policies and triggers stay allowed (Supabase changelog, "Restricting
 * Access on Auth, Storage, and Realtime Schemas on April 21, 2025").
 */
const POLICY_AND_TRIGGER_TABLES: ReadonlySet<string> = new Set([
  "auth.audit_log_entries", "auth.identities", "auth.refresh_tokens", "auth.sessions", "auth.users",
  "storage.buckets", "storage.migrations", "storage.objects", "storage.s3_multipart_uploads",
  "storage.s3_multipart_uploads_parts", "realtime.messages",
]);

/** The services' migration ledgers, which no one but the service may write since April 2025. */
const LEDGERS: ReadonlySet<string> = new Set(["auth.schema_migrations", "storage.migrations", "realtime.schema_migrations"]);

/** Tables whose row level security Supabase enables itself: ENABLE ROW LEVEL SECURITY there is a no-op that fails. */
const RLS_ALREADY_ON: ReadonlySet<string> = new Set(["storage.objects", "storage.buckets"]);

/** The managed schemas' names as a statement's text can spell them (unquoted names fold to lower case). */
const MENTIONS_MANAGED = /\b(?:auth|storage|realtime|supabase_functions|extensions)\b/i;

const CHANGELOG = 'Supabase changelog 2025-03-18, "Restricting Access on Auth, Storage, and Realtime Schemas"';

export const rule: Rule = {
  id: "supabase-managed-schema",
  defaultSeverity: "error",
  summary: "a change to an object in auth, storage, realtime, supabase_functions or extensions that Supabase owns, which fails with \"permission denied\" on hosted projects",
  checkFile({ file, project, report }) {
    const created = createdInManagedSchemas(project);
    const { statements, index } = file.parsed;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      // A statement that touches a managed schema names it (unqualified names are public's): most are skipped here.
      if (!statement.node || !MENTIONS_MANAGED.test(statement.text)) continue;
      const position = positionOf(file.order, statement.index);
      const lineEnd = file.text.indexOf("\n", statement.start);
      const at = { start: statement.start, end: lineEnd < 0 || lineEnd > statement.end ? statement.end : lineEnd };
      for (const write of writesOf(statement.node)) {
        const finding = describe(write, (object) => (created.get(object) ?? Infinity) < position);
        if (!finding) continue;
        // RLS is already on there: the statement can go (the only change to the file that makes it pass).
        const fixes = write.need === "own" && write.enablesRls && RLS_ALREADY_ON.has(write.object)
          ? [{ title: "Delete the statement (row level security is already enabled)", edits: [deleteStatement(index, statement)] }]
          : undefined;
        report({ at, ...finding, ...(fixes ? { fixes } : {}) });
      }
    }
  },
};

/** The finding for a write, or null when it is allowed; `createdEarlier(object)` says whether a migration before it made the object. */
function describe(write: Write, createdEarlier: (object: string) => boolean): Omit<Report, "at"> | null {
  const service = SERVICE_SCHEMAS.get(write.schema);
  switch (write.need) {
    case "create":
      if (!service) return null;
      return {
        message: `${write.what} fails on hosted Supabase projects with "permission denied for schema ${write.schema}": ` +
          `the ${write.schema} schema belongs to ${service.service}, and migrations (run as postgres) may not create objects in it`,
        help: `Create it in public or in a schema of your own (e.g. \`create schema if not exists private\`) and reference ` +
          `${write.schema}'s tables from there${cited(write.schema)}.`,
      };
    case "own": {
      if (!service && write.schema !== EXTENSIONS) return null;
      // An object a migration made itself is postgres's (created before Supabase's restriction, or in extensions);
      // for a trigger, policy or index what counts is who owns its table.
      if (createdEarlier(write.table ?? write.object)) return null;
      if (write.table && write.object !== write.table && POLICY_AND_TRIGGER_TABLES.has(write.table)) return null;
      const owner = service ? service.owner : "supabase_admin";
      const noun = write.noun === "materialized view" ? "materialized view" : write.noun;
      const why = `the objects in ${write.schema} belong to ${owner}, not to postgres, the role migrations run as`;
      if (write.enablesRls && RLS_ALREADY_ON.has(write.object)) {
        return {
          message: `${write.what} fails on hosted Supabase projects with "must be owner of table ${write.name}": ${why}`,
          help: `Row level security is already enabled on ${write.object}: delete the statement and keep only the policies ` +
            "(supabase/cli#4114).",
        };
      }
      return {
        message: `${write.what} fails on hosted Supabase projects with "must be owner of ${noun} ${write.name}": ${why}`,
        help: write.table && write.object !== write.table
          ? `Policies and triggers are allowed only on ${[...POLICY_AND_TRIGGER_TABLES].join(", ")} (${CHANGELOG}).`
          : write.schema === "auth" && write.what.startsWith("ALTER TABLE")
          ? "Leave auth's tables as Supabase made them: keep extra user data in a table of your own (public.profiles with " +
            "`id uuid primary key references auth.users on delete cascade`), filled by a trigger on auth.users."
          : `Leave Supabase's objects in ${write.schema} as they are; put your own tables, functions and indexes in public or a ` +
            `schema of your own${cited(write.schema)}.`,
      };
    }
    case "grant-schema":
      if (!service) return null;
      return {
        severity: "warning",
        message: `${write.what} grants nothing on hosted Supabase projects: postgres holds no grant option on the ` +
          `${write.schema} schema, so PostgreSQL only warns "no privileges were granted"`,
        help: `Expose what a role needs from ${write.schema} through a security definer function (or a view) in public instead.`,
      };
    case "revoke-api":
      if (!service || write.schema === "supabase_functions") return null;
      return {
        severity: "warning",
        message: `${write.what} from Supabase's API roles is refused on hosted Supabase projects since April 2025: ` +
          `${service.service} depends on those privileges`,
        help: `Restrict rows with row level security policies instead (${CHANGELOG}).`,
      };
    case "write-rows":
      if (!LEDGERS.has(write.object)) return null;
      return {
        message: `${write.what} fails on hosted Supabase projects: ${write.object} is ${service?.service ?? "Supabase"}'s own ` +
          "migration ledger, which only the service may change since April 2025",
        help: `Leave ${write.object} to ${service?.service ?? "Supabase"} (${CHANGELOG}).`,
      };
  }
}

/** The changelog covers auth, storage and realtime. */
function cited(schema: string): string {
  return schema === "auth" || schema === "storage" || schema === "realtime" ? ` (${CHANGELOG})` : "";
}

/** Per project: objects in the managed schemas the migrations create (keys as writes.ts names them) → first position. */
const createdCache = new WeakMap<LintProject, Map<string, number>>();

function createdInManagedSchemas(project: LintProject): Map<string, number> {
  let created = createdCache.get(project);
  if (created) return created;
  created = new Map();
  for (const definition of project.schema.definitions) {
    const place = definition.place;
    if (!place) continue;
    const schema = definition.key.slice(0, definition.key.indexOf("."));
    if (!SERVICE_SCHEMAS.has(schema) && schema !== EXTENSIONS) continue;
    // Functions are keyed with their argument types; writes.ts names them without.
    const key = definition.kind === "function" ? definition.key.slice(0, definition.key.indexOf("(")) : definition.key;
    const position = positionOf(place.order, place.statement);
    if (!created.has(key)) created.set(key, position);
  }
  createdCache.set(project, created);
  return created;
}
