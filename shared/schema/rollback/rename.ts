/** Inverses of renames (RENAME back) and of SET SCHEMA (back to the old schema). */
import { nameList, nodeFields, quoteIdent } from "../../sql/names.ts";
import type { Json } from "../names.ts";
import { type Inverse, sql } from "./context.ts";
import { functionWithArgsSql, relationSql } from "./sql-text.ts";

/** The ALTER keyword of each relation kind. */
const RELATION_WORDS: Readonly<Record<string, string>> = {
  OBJECT_TABLE: "table", OBJECT_VIEW: "view", OBJECT_MATVIEW: "materialized view", OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index", OBJECT_FOREIGN_TABLE: "foreign table",
};

/** The inverse of a RenameStmt, or null for kinds supamigrate does not invert. */
export function invertRename(body: Json): Inverse | null {
  const oldName = typeof body.subname === "string" ? body.subname : null;
  const to = quoteIdent(String(body.newname));
  const type = body.renameType;
  if (RELATION_WORDS[type] && body.relation) {
    // The relation is renamed in its own schema: the new name takes the old one's qualifier.
    const schema = body.relation.schemaname ? `${quoteIdent(body.relation.schemaname)}.` : "";
    return sql(`alter ${RELATION_WORDS[type]} ${schema}${to} rename to ${quoteIdent(body.relation.relname)};`);
  }
  if (type === "OBJECT_COLUMN" && oldName) {
    const word = RELATION_WORDS[body.relationType] ?? "table";
    return sql(`alter ${word} ${relationSql(body.relation)} rename column ${to} to ${quoteIdent(oldName)};`);
  }
  if (type === "OBJECT_TABCONSTRAINT" && oldName) return sql(`alter table ${relationSql(body.relation)} rename constraint ${to} to ${quoteIdent(oldName)};`);
  if (type === "OBJECT_POLICY" && oldName) return sql(`alter policy ${to} on ${relationSql(body.relation)} rename to ${quoteIdent(oldName)};`);
  if (type === "OBJECT_TRIGGER" && oldName) return sql(`alter trigger ${to} on ${relationSql(body.relation)} rename to ${quoteIdent(oldName)};`);
  if (type === "OBJECT_SCHEMA" && oldName) return sql(`alter schema ${to} rename to ${quoteIdent(oldName)};`);
  if (type === "OBJECT_ATTRIBUTE" && oldName) return sql(`alter type ${relationSql(body.relation)} rename attribute ${to} to ${quoteIdent(oldName)};`);
  if (type === "OBJECT_FUNCTION" || type === "OBJECT_PROCEDURE") {
    const owa = nodeFields(body.object, "ObjectWithArgs");
    const names = nameList(owa?.objname);
    if (!owa || names.length === 0) return null;
    const renamed = [...names.slice(0, -1), String(body.newname)].map(quoteIdent).join(".");
    const word = type === "OBJECT_FUNCTION" ? "function" : "procedure";
    return sql(`alter ${word} ${functionWithArgsSql(owa, renamed)} rename to ${quoteIdent(names[names.length - 1])};`);
  }
  if (type === "OBJECT_TYPE" || type === "OBJECT_DOMAIN") {
    const names = nameList(body.object);
    if (names.length === 0) return null;
    const renamed = [...names.slice(0, -1), String(body.newname)].map(quoteIdent).join(".");
    return sql(`alter ${type === "OBJECT_TYPE" ? "type" : "domain"} ${renamed} rename to ${quoteIdent(names[names.length - 1])};`);
  }
  return null;
}

/** The inverse of ALTER … SET SCHEMA: back to the schema it came from (`public` when unqualified). */
export function invertSetSchema(body: Json): Inverse | null {
  const to = quoteIdent(String(body.newschema));
  const word = RELATION_WORDS[body.objectType];
  if (word && body.relation) {
    const from = quoteIdent(body.relation.schemaname || "public");
    return sql(`alter ${word} ${to}.${quoteIdent(body.relation.relname)} set schema ${from};`);
  }
  if (body.objectType === "OBJECT_TYPE" || body.objectType === "OBJECT_DOMAIN") {
    const names = nameList(body.object);
    if (names.length === 0) return null;
    const from = quoteIdent(names.length > 1 ? names[names.length - 2] : "public");
    return sql(`alter ${body.objectType === "OBJECT_TYPE" ? "type" : "domain"} ${to}.${quoteIdent(names[names.length - 1])} set schema ${from};`);
  }
  if (body.objectType === "OBJECT_FUNCTION" || body.objectType === "OBJECT_PROCEDURE") {
    const owa = nodeFields(body.object, "ObjectWithArgs");
    const names = nameList(owa?.objname);
    if (!owa || names.length === 0) return null;
    const from = quoteIdent(names.length > 1 ? names[names.length - 2] : "public");
    const moved = `${to}.${quoteIdent(names[names.length - 1])}`;
    return sql(`alter ${body.objectType === "OBJECT_FUNCTION" ? "function" : "procedure"} ${functionWithArgsSql(owa, moved)} set schema ${from};`);
  }
  return null;
}
