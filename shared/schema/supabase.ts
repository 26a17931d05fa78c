/**
 * What every Supabase project has before the first migration runs: the auth and storage tables the
 * migrations reference, the schemas, the API roles and the auth helper functions. Column types are
 * those of the hosted platform (auth.users.id is uuid; storage.buckets.id is text).
 */

export interface SeedTable {
  readonly key: string;
  readonly columns: ReadonlyArray<readonly [name: string, type: string]>;
  readonly primaryKey: readonly string[];
  readonly unique: ReadonlyArray<readonly string[]>;
}

export const SUPABASE_SCHEMAS: readonly string[] = [
  "public", "auth", "storage", "extensions", "graphql", "graphql_public", "realtime", "vault", "pgsodium",
  "supabase_functions", "pg_catalog", "information_schema",
];

export const SUPABASE_ROLES: readonly string[] = [
  "anon", "authenticated", "service_role", "postgres", "authenticator", "supabase_admin", "dashboard_user",
  "supabase_auth_admin", "supabase_storage_admin",
];

/** Function keys as the model writes them: `schema.name(argtypes)`. */
export const SUPABASE_FUNCTIONS: readonly string[] = [
  "auth.uid()", "auth.jwt()", "auth.role()", "auth.email()",
  "storage.foldername(text)", "storage.filename(text)", "storage.extension(text)",
];

const ts = "timestamptz";
export const SUPABASE_TABLES: readonly SeedTable[] = [
  {
    key: "auth.users",
    columns: [
      ["instance_id", "uuid"], ["id", "uuid"], ["aud", "varchar(255)"], ["role", "varchar(255)"],
      ["email", "varchar(255)"], ["encrypted_password", "varchar(255)"], ["email_confirmed_at", ts],
      ["invited_at", ts], ["confirmation_token", "varchar(255)"], ["confirmation_sent_at", ts],
      ["recovery_token", "varchar(255)"], ["recovery_sent_at", ts], ["email_change_token_new", "varchar(255)"],
      ["email_change", "varchar(255)"], ["email_change_sent_at", ts], ["last_sign_in_at", ts],
      ["raw_app_meta_data", "jsonb"], ["raw_user_meta_data", "jsonb"], ["is_super_admin", "boolean"],
      ["created_at", ts], ["updated_at", ts], ["phone", "text"], ["phone_confirmed_at", ts],
      ["phone_change", "text"], ["phone_change_token", "varchar(255)"], ["phone_change_sent_at", ts],
      ["confirmed_at", ts], ["email_change_token_current", "varchar(255)"], ["email_change_confirm_status", "smallint"],
      ["banned_until", ts], ["reauthentication_token", "varchar(255)"], ["reauthentication_sent_at", ts],
      ["is_sso_user", "boolean"], ["deleted_at", ts], ["is_anonymous", "boolean"],
    ],
    primaryKey: ["id"],
    unique: [["phone"]],
  },
  {
    key: "auth.identities",
    columns: [
      ["provider_id", "text"], ["user_id", "uuid"], ["identity_data", "jsonb"], ["provider", "text"],
      ["last_sign_in_at", ts], ["created_at", ts], ["updated_at", ts], ["email", "text"], ["id", "uuid"],
    ],
    primaryKey: ["id"],
    unique: [["provider_id", "provider"]],
  },
  {
    key: "auth.sessions",
    columns: [["id", "uuid"], ["user_id", "uuid"], ["created_at", ts], ["updated_at", ts], ["not_after", ts]],
    primaryKey: ["id"],
    unique: [],
  },
  {
    key: "storage.buckets",
    columns: [
      ["id", "text"], ["name", "text"], ["owner", "uuid"], ["created_at", ts], ["updated_at", ts],
      ["public", "boolean"], ["avif_autodetection", "boolean"], ["file_size_limit", "bigint"],
      ["allowed_mime_types", "text[]"], ["owner_id", "text"],
    ],
    primaryKey: ["id"],
    unique: [["name"]],
  },
  {
    key: "storage.objects",
    columns: [
      ["id", "uuid"], ["bucket_id", "text"], ["name", "text"], ["owner", "uuid"], ["created_at", ts],
      ["updated_at", ts], ["last_accessed_at", ts], ["metadata", "jsonb"], ["path_tokens", "text[]"],
      ["version", "text"], ["owner_id", "text"], ["user_metadata", "jsonb"],
    ],
    primaryKey: ["id"],
    unique: [["bucket_id", "name"]],
  },
];
