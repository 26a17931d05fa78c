/**
 * Validation of the function's request bodies (DESIGN.md, "Edge Function supamigrate"). Pure: takes
 * parsed JSON, returns the typed request or the contract's error (a kebab-case code and a message
 * that says how to fix it). Nothing is trusted that is not checked here.
 */
import { describeNamingRule, isBareFileName, parseMigrationName, unsafePlaceholderValue } from "../migrations/index.ts";
import type {
  AppliedReference, ApplyMeta, ApplyRequest, BackupsPruneRequest, DeployedRequest, MigrationPayload, NullCountsRequest, RollbackRequest,
} from "./types.ts";
import type { BaselineRequest, HistoryRowAcceptance, ImportHistoryRequest, RepairRequest } from "./adoption.ts";

export const MAX_MIGRATIONS = 5000;
export const MAX_ROLLBACK_STEPS = 1000;
export const MAX_META_LENGTH = 500;

export interface Invalid {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}
export type Validated<T> = { readonly ok: true; readonly value: T } | Invalid;

const APPLY_KEYS = ["migrations", "dryRun", "to", "placeholders", "meta", "applied", "skipBackups", "trace"];
const CHECKSUM = /^[0-9a-f]{64}$/;
const ROLLBACK_KEYS = ["steps", "to", "dryRun", "meta"];
const MIGRATION_KEYS = ["name", "sql", "rollback"];
const META_KEYS = ["gitSha", "ciRun", "actor", "skippedStaging"];
const PLACEHOLDER_NAME = /^[A-Za-z0-9_]+$/;

/** True for `application/json` (any parameters, any case), the only body type the function reads. */
export function isJsonContentType(header: string | null): boolean {
  return header !== null && header.split(";")[0].trim().toLowerCase() === "application/json";
}

/** Checks a `POST apply` / `POST plan` body. */
export function validateApplyRequest(body: unknown): Validated<ApplyRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"migrations\": [...]}");
  const unknown = unknownKey(body, APPLY_KEYS, "the body");
  if (unknown) return unknown;

  const list = body.migrations;
  const references = body.applied ?? [];
  if (!Array.isArray(references)) return invalid("invalid-request", "\"applied\" must be an array of {\"name\", \"checksum\"} (files sent without their text), or left out");
  if (!Array.isArray(list) || list.length + references.length === 0 || list.length + references.length > MAX_MIGRATIONS) {
    return invalid("invalid-request", `"migrations" must be an array of 1 to ${MAX_MIGRATIONS} files ({"name", "sql", "rollback"}); send every file of your migrations folder`);
  }
  const migrations: MigrationPayload[] = [];
  const seen = new Set<string>();
  const once = (name: string): Invalid | null => {
    if (seen.has(name)) return invalid("duplicate-name", `"${name}" is listed twice in "migrations" and "applied"; send each file once`);
    seen.add(name);
    return null;
  };
  for (const [index, item] of list.entries()) {
    const checked = validateMigration(item, index);
    if (!checked.ok) return checked;
    const twice = once(checked.value.name);
    if (twice) return twice;
    migrations.push(checked.value);
  }
  const applied: AppliedReference[] = [];
  for (const [index, item] of references.entries()) {
    const checked = validateReference(item, index);
    if (!checked.ok) return checked;
    const twice = once(checked.value.name);
    if (twice) return twice;
    applied.push(checked.value);
  }

  const dryRun = optionalBoolean(body, "dryRun");
  if (dryRun === undefined) return invalid("invalid-request", "\"dryRun\" must be true or false (or left out)");
  const to = body.to ?? null;
  if (to !== null && typeof to !== "string") return invalid("invalid-request", "\"to\" must be a file name or null");
  if (to !== null && !seen.has(to)) {
    return invalid("unknown-target", `"to" names ${JSON.stringify(to)}, which is not in "migrations"; use the name of a listed file, e.g. "${[...seen].at(-1)}"`);
  }
  const placeholders = validatePlaceholders(body.placeholders);
  if (!placeholders.ok) return placeholders;
  const meta = validateMeta(body.meta);
  if (!meta.ok) return meta;
  const skipBackups = validateSkipBackups(body.skipBackups);
  if (!skipBackups.ok) return skipBackups;
  const trace = optionalBoolean(body, "trace");
  if (trace === undefined) return invalid("invalid-request", "\"trace\" must be true or false (or left out)");
  if (trace && !dryRun) return invalid("invalid-request", "\"trace\" goes with \"dryRun\": true (a trace runs the files and rolls them back)");
  const value: ApplyRequest = {
    migrations, dryRun, to, placeholders: placeholders.value, meta: meta.value,
    ...(applied.length > 0 ? { applied } : {}),
    ...(skipBackups.value ? { skipBackups: skipBackups.value } : {}),
    ...(trace ? { trace } : {}),
  };
  return { ok: true, value };
}

function validateSkipBackups(value: unknown): Validated<{ reason: string } | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (!isPlainObject(value)) return invalid("invalid-request", "\"skipBackups\" must be {\"reason\": \"…\"} (why no backup is needed: it goes into the event log), or left out");
  const unknown = unknownKey(value, ["reason"], "\"skipBackups\"");
  if (unknown) return unknown;
  const reason = value.reason;
  if (typeof reason !== "string" || reason.trim().length === 0) {
    return invalid("missing-reason", "skipping backups needs a non-empty \"skipBackups\".reason (CLI: --skip-backups --reason \"…\"): it goes into the event log");
  }
  if (reason.length > MAX_META_LENGTH) return invalid("invalid-request", `"skipBackups".reason is longer than ${MAX_META_LENGTH} characters; shorten it`);
  return { ok: true, value: { reason } };
}

function validateReference(item: unknown, index: number): Validated<AppliedReference> {
  const where = `"applied"[${index}]`;
  if (!isPlainObject(item)) return invalid("invalid-request", `${where} must be an object {"name", "checksum"}`);
  const unknown = unknownKey(item, ["name", "checksum"], where);
  if (unknown) return unknown;
  const { name, checksum } = item;
  if (typeof name !== "string" || !isBareFileName(name) || parseMigrationName(name) === null) {
    return invalid("invalid-name", `${where}.name is ${JSON.stringify(name)}, not a bare migration file name (no folders): ${describeNamingRule()}`);
  }
  if (typeof checksum !== "string" || !CHECKSUM.test(checksum)) {
    return invalid("invalid-request", `${where}.checksum (${name}) must be the SHA-256 of the file's text as 64 lowercase hex digits`);
  }
  return { ok: true, value: { name, checksum } };
}

/** Checks a `POST rollback` body: `steps` (1..1000) or `to`, not both. */
export function validateRollbackRequest(body: unknown): Validated<RollbackRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"steps\": 1}");
  const unknown = unknownKey(body, ROLLBACK_KEYS, "the body");
  if (unknown) return unknown;
  const steps = body.steps ?? null;
  const to = body.to ?? null;
  if (steps !== null && (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1 || steps > MAX_ROLLBACK_STEPS)) {
    return invalid("invalid-request", `"steps" must be a whole number from 1 to ${MAX_ROLLBACK_STEPS}`);
  }
  if (to !== null && typeof to !== "string") return invalid("invalid-request", "\"to\" must be a file name or null");
  if (typeof to === "string" && (!isBareFileName(to) || parseMigrationName(to) === null)) {
    return invalid("invalid-name", `"to" is ${JSON.stringify(to)}, not a migration file name: ${describeNamingRule()}`);
  }
  if (steps !== null && to !== null) {
    return invalid("invalid-request", "send either \"steps\" (roll back that many files) or \"to\" (roll back the files applied after it), not both");
  }
  if (steps === null && to === null) {
    return invalid("invalid-request", "say how far to roll back: \"steps\" (e.g. 1 for the last file) or \"to\" (a file name to roll back to)");
  }
  const dryRun = optionalBoolean(body, "dryRun");
  if (dryRun === undefined) return invalid("invalid-request", "\"dryRun\" must be true or false (or left out)");
  const meta = validateMeta(body.meta);
  if (!meta.ok) return meta;
  const value: RollbackRequest = steps !== null ? { steps, to: null, dryRun, meta: meta.value } : { to, dryRun, meta: meta.value };
  return { ok: true, value };
}

function validateMigration(item: unknown, index: number): Validated<MigrationPayload> {
  const where = `"migrations"[${index}]`;
  if (!isPlainObject(item)) return invalid("invalid-request", `${where} must be an object {"name", "sql", "rollback"}`);
  const unknown = unknownKey(item, MIGRATION_KEYS, where);
  if (unknown) return unknown;
  const { name, sql } = item;
  const rollback = item.rollback ?? null;
  if (typeof name !== "string") return invalid("invalid-request", `${where}.name must be the file name, a string`);
  if (!isBareFileName(name) || parseMigrationName(name) === null) {
    return invalid("invalid-name", `${where}.name is ${JSON.stringify(name)}, not a bare migration file name (no folders): ${describeNamingRule()}`);
  }
  if (typeof sql !== "string") return invalid("invalid-request", `${where}.sql (${name}) must be the file's text, a string`);
  if (rollback !== null && typeof rollback !== "string") {
    return invalid("invalid-request", `${where}.rollback (${name}) must be the rollback file's text or null`);
  }
  return { ok: true, value: { name, sql, rollback } };
}

function validatePlaceholders(value: unknown): Validated<Record<string, string>> {
  if (value === undefined || value === null) return { ok: true, value: {} };
  if (!isPlainObject(value)) return invalid("invalid-request", "\"placeholders\" must be an object of name → text, e.g. {\"admin_email\": \"a@b.co\"}");
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!PLACEHOLDER_NAME.test(name)) {
      return invalid("invalid-placeholder", `placeholder name ${JSON.stringify(name)} is not valid: use letters, digits and '_' (as in \${name})`);
    }
    if (typeof text !== "string") return invalid("invalid-placeholder", `placeholder "${name}" must have a text value`);
    const unsafe = unsafePlaceholderValue(text);
    if (unsafe) return invalid("invalid-placeholder", `the value of placeholder "${name}" ${unsafe}; pass a plain value`);
    out[name] = text;
  }
  return { ok: true, value: out };
}

function validateMeta(value: unknown): Validated<ApplyMeta> {
  if (value === undefined || value === null) return { ok: true, value: {} };
  if (!isPlainObject(value)) return invalid("invalid-request", "\"meta\" must be an object like {\"gitSha\": \"…\", \"ciRun\": \"…\", \"actor\": \"…\"}");
  const unknown = unknownKey(value, META_KEYS, "\"meta\"");
  if (unknown) return unknown;
  const out: Record<string, string | null> = {};
  for (const key of META_KEYS) {
    const field = value[key];
    if (field === undefined) continue;
    if (field !== null && typeof field !== "string") return invalid("invalid-request", `"meta".${key} must be text or null`);
    if (typeof field === "string" && field.length > MAX_META_LENGTH) {
      return invalid("invalid-request", `"meta".${key} is longer than ${MAX_META_LENGTH} characters; shorten it`);
    }
    out[key] = field;
  }
  return { ok: true, value: out as ApplyMeta };
}

function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return false;
  return typeof value === "boolean" ? value : undefined;
}

function unknownKey(object: Record<string, unknown>, allowed: readonly string[], where: string): Invalid | null {
  const extra = Object.keys(object).find((key) => !allowed.includes(key));
  if (extra === undefined) return null;
  return invalid("unknown-field", `${where} has an unknown field ${JSON.stringify(extra)}; allowed fields: ${allowed.join(", ")}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(code: string, message: string): Invalid {
  return { ok: false, code, message };
}

// ---- adoption routes (docs/adoption.md) ----

/** Checks a `POST baseline` body: the apply body plus `force` (true/false). */
export function validateBaselineRequest(body: unknown): Validated<BaselineRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"migrations\": [...]}");
  const { force, ...rest } = body;
  if (force !== undefined && force !== null && typeof force !== "boolean") return invalid("invalid-request", "\"force\" must be true or false (or left out)");
  if ("applied" in rest) return invalid("unknown-field", "baseline takes no \"applied\": it compares every file's text with the catalog, so send each file in \"migrations\"");
  if ("skipBackups" in rest) return invalid("unknown-field", "baseline takes no \"skipBackups\": it runs no file, so it takes no backup");
  const checked = validateApplyRequest(rest);
  if (!checked.ok) return checked;
  return { ok: true, value: { ...checked.value, force: force === true } };
}

/** Checks a `POST import-history` body: `migrations`, `dryRun`, `meta`, and optionally `acceptUnmatched`. */
export function validateImportHistoryRequest(body: unknown): Validated<ImportHistoryRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"migrations\": [...]}");
  const unknown = unknownKey(body, ["migrations", "dryRun", "meta", "acceptUnmatched"], "the body");
  if (unknown) return unknown;
  const { acceptUnmatched, ...rest } = body;
  const checked = validateApplyRequest(rest);
  if (!checked.ok) return checked;
  const value: ImportHistoryRequest = { migrations: checked.value.migrations, dryRun: checked.value.dryRun, meta: checked.value.meta };
  if (acceptUnmatched === undefined || acceptUnmatched === null) return { ok: true, value };
  const accepted = validateAcceptUnmatched(acceptUnmatched);
  return accepted.ok ? { ok: true, value: { ...value, acceptUnmatched: accepted.value } } : accepted;
}

/** `acceptUnmatched`: `[{"row": "<version>" | "<version>_<name>", "reason": "…"}]`, each with a reason for the event log. */
function validateAcceptUnmatched(list: unknown): Validated<HistoryRowAcceptance[]> {
  if (!Array.isArray(list) || list.length > MAX_MIGRATIONS) {
    return invalid("invalid-request", `"acceptUnmatched" must be an array of {"row", "reason"} (at most ${MAX_MIGRATIONS}), or left out`);
  }
  const out: HistoryRowAcceptance[] = [];
  for (const [index, item] of list.entries()) {
    const where = `"acceptUnmatched"[${index}]`;
    if (!isPlainObject(item)) return invalid("invalid-request", `${where} must be an object {"row", "reason"}`);
    const unknown = unknownKey(item, ["row", "reason"], where);
    if (unknown) return unknown;
    const { row, reason } = item;
    if (typeof row !== "string" || !/^\d+(_[^\s/\\]+)?$/.test(row) || row.length > MAX_META_LENGTH) {
      return invalid("invalid-request", `${where}.row must name a history row as import-history lists it: its version (20240102090000) or <version>_<name>`);
    }
    if (typeof reason !== "string" || reason.trim().length === 0) {
      return invalid("missing-reason", `${where} needs a non-empty "reason" (CLI: --reason "…"): it goes into the event log`);
    }
    if (reason.length > MAX_META_LENGTH) return invalid("invalid-request", `${where}.reason is longer than ${MAX_META_LENGTH} characters; shorten it`);
    out.push({ row, reason });
  }
  return { ok: true, value: out };
}

/** Checks a `POST repair` body: `{"action": "accept-checksum", "name", "sql", "reason"}` or `{"action": "forget", "name", "reason"}`. */
export function validateRepairRequest(body: unknown): Validated<RepairRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"action\": \"forget\", \"name\": \"…\", \"reason\": \"…\"}");
  const action = body.action;
  if (action !== "accept-checksum" && action !== "forget") return invalid("invalid-request", "\"action\" must be \"accept-checksum\" or \"forget\"");
  const unknown = unknownKey(body, action === "accept-checksum" ? ["action", "name", "sql", "reason", "meta"] : ["action", "name", "reason", "meta"], "the body");
  if (unknown) return unknown;
  const name = body.name;
  if (typeof name !== "string" || !isBareFileName(name) || parseMigrationName(name) === null) {
    return invalid("invalid-name", `"name" must be a bare migration file name: ${describeNamingRule()}`);
  }
  const reason = body.reason;
  if (typeof reason !== "string" || reason.trim().length === 0) {
    return invalid("missing-reason", "every repair needs a non-empty \"reason\" (CLI: --reason \"…\"): it goes into the event log");
  }
  if (reason.length > MAX_META_LENGTH) return invalid("invalid-request", `"reason" is longer than ${MAX_META_LENGTH} characters; shorten it`);
  const meta = validateMeta(body.meta);
  if (!meta.ok) return meta;
  if (action === "accept-checksum") {
    if (typeof body.sql !== "string") return invalid("invalid-request", "\"sql\" must be the file's current text (its checksum is what gets accepted)");
    return { ok: true, value: { action, name, sql: body.sql, reason, meta: meta.value } };
  }
  return { ok: true, value: { action, name, reason, meta: meta.value } };
}

/** Checks a `POST deployed` body: `{"names": ["001_x.sql", …]}` (1 to MAX_MIGRATIONS bare file names). */
export function validateDeployedRequest(body: unknown): Validated<DeployedRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"names\": [\"001_init.sql\"]}");
  const unknown = unknownKey(body, ["names", "meta"], "the body");
  if (unknown) return unknown;
  const meta = validateMeta(body.meta);
  if (!meta.ok) return meta;
  const names = body.names;
  if (!Array.isArray(names) || names.length === 0 || names.length > MAX_MIGRATIONS) {
    return invalid("invalid-request", `"names" must be an array of 1 to ${MAX_MIGRATIONS} migration file names`);
  }
  for (const [index, name] of names.entries()) {
    if (typeof name !== "string" || !isBareFileName(name) || parseMigrationName(name) === null) {
      return invalid("invalid-name", `"names"[${index}] is ${JSON.stringify(name)}, not a bare migration file name: ${describeNamingRule()}`);
    }
  }
  return { ok: true, value: { names: [...new Set(names as string[])], meta: meta.value } };
}

/** Checks a `POST backups-prune` body: exactly one of `migration`, `olderThanDays` (a whole number ≥ 0), `all: true`; `dryRun`, `meta`. */
export function validateBackupsPruneRequest(body: unknown): Validated<BackupsPruneRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"olderThanDays\": 30}");
  const unknown = unknownKey(body, ["migration", "olderThanDays", "all", "dryRun", "meta"], "the body");
  if (unknown) return unknown;
  const { migration, olderThanDays, all } = body;
  if (migration !== undefined && (typeof migration !== "string" || !isBareFileName(migration) || parseMigrationName(migration) === null)) {
    return invalid("invalid-name", `"migration" is ${JSON.stringify(migration)}, not a bare migration file name: ${describeNamingRule()}`);
  }
  if (olderThanDays !== undefined && (typeof olderThanDays !== "number" || !Number.isInteger(olderThanDays) || olderThanDays < 0 || olderThanDays > 36500)) {
    return invalid("invalid-request", "\"olderThanDays\" must be a whole number of days from 0 to 36500");
  }
  if (all !== undefined && typeof all !== "boolean") return invalid("invalid-request", "\"all\" must be true or false (or left out)");
  const chosen = [migration !== undefined, olderThanDays !== undefined, all === true].filter(Boolean).length;
  if (chosen !== 1) {
    return invalid("invalid-request", "say which backups to prune with exactly one of \"migration\" (a file name), \"olderThanDays\" (a number) or \"all\": true (CLI: --migration, --older-than-days, --all)");
  }
  const dryRun = optionalBoolean(body, "dryRun");
  if (dryRun === undefined) return invalid("invalid-request", "\"dryRun\" must be true or false (or left out)");
  const meta = validateMeta(body.meta);
  if (!meta.ok) return meta;
  return {
    ok: true,
    value: {
      ...(migration !== undefined ? { migration: migration as string } : {}),
      ...(olderThanDays !== undefined ? { olderThanDays: olderThanDays as number } : {}),
      ...(all === true ? { all: true } : {}),
      dryRun,
      meta: meta.value,
    },
  };
}

/** Checks a `POST null-counts` body: `{"columns": [{"table": "public.t", "column": "c"}]}`, 1 to 500 plain names. */
export function validateNullCountsRequest(body: unknown): Validated<NullCountsRequest> {
  if (!isPlainObject(body)) return invalid("invalid-request", "the body must be a JSON object like {\"columns\": [{\"table\": \"public.profiles\", \"column\": \"email\"}]}");
  const unknown = unknownKey(body, ["columns", "meta"], "the body");
  if (unknown) return unknown;
  const meta = validateMeta(body.meta);
  if (!meta.ok) return meta;
  const columns = body.columns;
  if (!Array.isArray(columns) || columns.length === 0 || columns.length > 500) {
    return invalid("invalid-request", "\"columns\" must be an array of 1 to 500 {\"table\", \"column\"}");
  }
  const out: Array<{ table: string; column: string }> = [];
  for (const [index, item] of columns.entries()) {
    const where = `"columns"[${index}]`;
    if (!isPlainObject(item)) return invalid("invalid-request", `${where} must be an object {"table", "column"}`);
    const extra = unknownKey(item, ["table", "column"], where);
    if (extra) return extra;
    const { table, column } = item;
    if (typeof table !== "string" || table.length === 0 || table.length > 200 || table.includes("\u0000")) {
      return invalid("invalid-request", `${where}.table must be a table name such as "public.profiles"`);
    }
    if (typeof column !== "string" || column.length === 0 || column.length > 200 || column.includes("\u0000")) {
      return invalid("invalid-request", `${where}.column must be a column name`);
    }
    out.push({ table, column });
  }
  return { ok: true, value: { columns: out, meta: meta.value } };
}
