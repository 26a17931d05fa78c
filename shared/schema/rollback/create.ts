/**
 * Inverses of CREATE statements: DROP … IF EXISTS of what did not exist before; nothing for what
 * existed (CREATE … IF NOT EXISTS kept it); the earlier definition for what CREATE OR REPLACE replaced.
 */
import { nodeFields, quoteIdent } from "../../sql/names.ts";
import { type Json, normalizeType, qualifiedKey, relationKey } from "../names.ts";
import { functionKey, parameterTypes } from "../walk.ts";
import type { ObjectKind } from "../model.ts";
import { before, definitionText, hand, type Inverse, type InverseContext, nothing, sql, whereDefined } from "./context.ts";
import { namesSql, relationSql, signatureOfParameters, withOrReplace } from "./sql-text.ts";

/** Extensions every Supabase project has installed: a migration's CREATE EXTENSION IF NOT EXISTS of one changes nothing. */
const SUPABASE_EXTENSIONS = new Set(["plpgsql", "pgcrypto", "uuid-ossp", "pg_stat_statements", "pg_graphql", "supabase_vault", "pgjwt"]);

export function invertCreate(ctx: InverseContext, kind: string, body: Json): Inverse | null {
  switch (kind) {
    case "CreateStmt":
      if (body.relation?.relpersistence === "t") return nothing("a temporary table vanishes with the session");
      return dropUnlessExisted(ctx, "table", relationKey(body.relation), `drop table if exists ${relationSql(body.relation)};`);
    case "CreateTableAsStmt": {
      const matview = body.objtype === "OBJECT_MATVIEW";
      if (body.into?.rel?.relpersistence === "t") return nothing("a temporary table vanishes with the session");
      const what = matview ? "materialized view" : "table";
      return dropUnlessExisted(ctx, matview ? "view" : "table", relationKey(body.into?.rel), `drop ${what} if exists ${relationSql(body.into?.rel)};`);
    }
    case "CreateSeqStmt":
      if (body.sequence?.relpersistence === "t") return nothing("a temporary sequence vanishes with the session");
      return dropUnlessExisted(ctx, "sequence", relationKey(body.sequence), `drop sequence if exists ${relationSql(body.sequence)};`);
    case "ViewStmt":
      return replaceable(ctx, "view", relationKey(body.view), `drop view if exists ${relationSql(body.view)};`, true);
    case "CreateFunctionStmt": {
      const routine = body.is_procedure ? "procedure" : "function";
      const key = functionKey(qualifiedKey(body.funcname), parameterTypes(body.parameters));
      const drop = `drop ${routine} if exists ${namesSql(body.funcname)}(${signatureOfParameters(body.parameters)});`;
      const previous = before(ctx, "function", key);
      // CREATE OR REPLACE cannot change a function's result type: drop it first when the earlier one returned another.
      if (previous?.node && resultOf(previous.node.CreateFunctionStmt) !== resultOf(body)) return replaceable(ctx, "function", key, drop, true);
      return replaceable(ctx, "function", key, drop, false);
    }
    case "CreateTrigStmt": {
      const table = relationKey(body.relation);
      const drop = `drop trigger if exists ${quoteIdent(body.trigname)} on ${relationSql(body.relation)};`;
      return replaceable(ctx, "trigger", table && `${table}/${body.trigname}`, drop, true);
    }
    case "CreatePolicyStmt":
      return sql(`drop policy if exists ${quoteIdent(body.policy_name)} on ${relationSql(body.table)};`);
    case "IndexStmt": {
      if (!body.idxname) {
        return hand(
          `CREATE INDEX on ${relationSql(body.relation)} without a name`,
          "PostgreSQL named the index: drop it by that name (\\d in psql shows it), or name it in the migration (CREATE INDEX IF NOT EXISTS name ON …) and generate the rollback again.",
        );
      }
      const table = relationKey(body.relation);
      const schema = body.relation?.schemaname;
      const name = `${schema ? `${quoteIdent(schema)}.` : ""}${quoteIdent(body.idxname)}`;
      const key = table ? `${table.slice(0, table.indexOf("."))}.${body.idxname}` : null;
      return dropUnlessExisted(ctx, "index", key, `drop index${body.concurrent ? " concurrently" : ""} if exists ${name};`);
    }
    case "CreateSchemaStmt":
      if (typeof body.schemaname !== "string") return null;
      return dropUnlessExisted(ctx, "schema", body.schemaname, `drop schema if exists ${quoteIdent(body.schemaname)}${body.schemaElts ? " cascade" : ""};`);
    case "CreateExtensionStmt":
      if (body.if_not_exists && SUPABASE_EXTENSIONS.has(body.extname)) return nothing(`Supabase installs ${body.extname} on every project`);
      return dropUnlessExisted(ctx, "extension", body.extname, `drop extension if exists ${quoteIdent(body.extname)};`);
    case "CreateEnumStmt":
    case "CreateRangeStmt":
      return dropUnlessExisted(ctx, "type", qualifiedKey(body.typeName), `drop type if exists ${namesSql(body.typeName)};`);
    case "CompositeTypeStmt":
      return dropUnlessExisted(ctx, "type", relationKey(body.typevar), `drop type if exists ${relationSql(body.typevar)};`);
    case "CreateDomainStmt":
      return dropUnlessExisted(ctx, "type", qualifiedKey(body.domainname), `drop domain if exists ${namesSql(body.domainname)};`);
    case "DefineStmt":
      return body.kind === "OBJECT_TYPE" ? dropUnlessExisted(ctx, "type", qualifiedKey(body.defnames), `drop type if exists ${namesSql(body.defnames)};`) : null;
    case "CreatePublicationStmt":
      return sql(`drop publication if exists ${quoteIdent(body.pubname)};`);
    case "CreateRoleStmt":
      return body.stmt_type === "ROLESTMT_ROLE" || body.stmt_type === "ROLESTMT_USER" ? sql(`drop role if exists ${quoteIdent(body.role)};`) : null;
    default:
      return null;
  }
}

/** DROP … IF EXISTS, or nothing when the object existed before (the CREATE … IF NOT EXISTS kept it). */
function dropUnlessExisted(ctx: InverseContext, kind: ObjectKind, key: string | null, drop: string): Inverse {
  const existing = before(ctx, kind, key);
  if (existing) return nothing(`it existed before (${whereDefined(ctx, existing)}), so this statement kept it`);
  return sql(drop);
}

/**
 * The inverse of a CREATE [OR REPLACE] of a view, function or trigger: its earlier definition when one
 * was live (after dropping the new one, when `dropFirst`), else a DROP … IF EXISTS.
 */
function replaceable(ctx: InverseContext, kind: ObjectKind, key: string | null, drop: string, dropFirst: boolean): Inverse {
  const previous = before(ctx, kind, key);
  if (!previous) return sql(drop);
  const text = definitionText(ctx, previous);
  if (text === null) {
    return hand(`the replaced ${kind} ${key}`, `Its earlier definition is Supabase's, not in the migrations: restate it here (pg_get_functiondef / pg_get_viewdef on a database before this migration shows it).`);
  }
  const restore = dropFirst ? [drop, text] : [withOrReplace(text)];
  return { sql: restore, handWritten: [], notes: [`restores the definition from ${whereDefined(ctx, previous)}`] };
}

/** A function's result as comparable text: its return type, or its OUT/TABLE parameters' types. */
function resultOf(body: Json): string {
  if (!body) return "";
  const outs = (Array.isArray(body.parameters) ? body.parameters : [])
    .map((p: Json) => nodeFields(p, "FunctionParameter"))
    .filter((p: Json) => p && (p.mode === "FUNC_PARAM_OUT" || p.mode === "FUNC_PARAM_INOUT" || p.mode === "FUNC_PARAM_TABLE"))
    .map((p: Json) => normalizeType(p.argType));
  const returns = body.returnType ? `${body.returnType.setof ? "setof " : ""}${normalizeType(body.returnType)}` : "";
  return `${returns}(${outs.join(",")})`;
}
