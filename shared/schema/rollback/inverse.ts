/** One statement's inverse: which file handles which kind of statement, and the statements handled here. */
import { nodeFields, qualifiedName, quoteIdent, sqlTokens } from "../../sql/names.ts";
import { displayKey, type Json, nameKey, qualifiedKey, relationKey } from "../names.ts";
import { functionKey } from "../walk.ts";
import { invertAlterTable } from "./alter-table.ts";
import { before, createdByThisMigration, definitionText, hand, type Inverse, type InverseContext, nothing, sql, summary, whereDefined } from "./context.ts";
import { invertCreate } from "./create.ts";
import { invertDrop } from "./drop.ts";
import { invertGrant } from "./grant.ts";
import { commentTarget } from "./history.ts";
import { invertRename, invertSetSchema } from "./rename.ts";
import { namesSql, relationSql, withOrReplace } from "./sql-text.ts";

const CANNOT = "supamigrate cannot derive its inverse: write the statements that undo it here.";

export function invertStatement(ctx: InverseContext): Inverse {
  const { statement } = ctx;
  if (!statement.node || !statement.kind) {
    return hand(`line ${lineOf(ctx)} (a syntax error)`, "The statement does not parse, so nothing can be derived from it: fix the migration and generate the rollback again.");
  }
  const kind = statement.kind;
  const body: Json = statement.node[kind];
  const created = invertCreate(ctx, kind, body);
  if (created) return created;
  switch (kind) {
    case "AlterTableStmt":
      return invertAlterTable(ctx, body) ?? hand(summary(ctx), CANNOT);
    case "DropStmt":
      return invertDrop(ctx, body);
    case "RenameStmt":
      return invertRename(body) ?? hand(summary(ctx), CANNOT);
    case "AlterObjectSchemaStmt":
      return invertSetSchema(body) ?? hand(summary(ctx), CANNOT);
    case "GrantStmt":
    case "GrantRoleStmt":
    case "AlterDefaultPrivilegesStmt":
      return invertGrant(statement.text, body);
    case "CommentStmt":
      return invertComment(ctx, body);
    case "AlterEnumStmt":
      return invertAlterEnum(ctx, body);
    case "AlterFunctionStmt":
      return invertAlterFunction(ctx, body);
    case "AlterPublicationStmt":
      return invertAlterPublication(ctx, body);
    case "InsertStmt":
    case "UpdateStmt":
    case "DeleteStmt":
    case "MergeStmt":
      return invertRowChange(ctx, kind, body);
    case "TruncateStmt":
      return invertTruncate(ctx, body);
    case "SelectStmt":
      return JSON.stringify(body).includes('"FuncCall"')
        ? hand(summary(ctx), "A SELECT that calls functions may change something (cron.schedule, set_config…): undo it here, or delete this marker when it changes nothing.")
        : nothing("a SELECT changes nothing");
    case "VariableSetStmt":
      return nothing("a setting for this run only");
    case "DoStmt":
      return hand("a DO block", "supamigrate cannot see what a DO block changes: write the statements that undo it here.");
    case "DropdbStmt":
      return hand(`DROP DATABASE ${quoteIdent(String(body.dbname))}`, "A dropped database comes back only from a backup.");
    default:
      return hand(summary(ctx), CANNOT);
  }
}

function lineOf(ctx: InverseContext): number {
  return ctx.migration.parsed.index.positionAt(ctx.statement.start).line;
}

/** COMMENT ON → the comment an earlier statement set, or none. */
function invertComment(ctx: InverseContext, body: Json): Inverse {
  const earlier = ctx.history.comments.get(commentTarget(body));
  if (earlier) return sql(earlier);
  const tokens = sqlTokens(ctx.statement.text);
  const is = tokens.findLastIndex((t) => t.keyword === "is");
  if (is < 0) return hand(summary(ctx), CANNOT);
  return sql(`${ctx.statement.text.slice(0, tokens[is].end)} null;`);
}

function invertAlterEnum(ctx: InverseContext, body: Json): Inverse {
  const type = namesSql(body.typeName);
  const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
  if (typeof body.oldVal === "string") return sql(`alter type ${type} rename value ${literal(body.newVal)} to ${literal(body.oldVal)};`);
  const key = qualifiedKey(body.typeName);
  if (key && createdByThisMigration(ctx, "type", key)) return nothing(`type ${displayKey(key)} is new in this migration: its rollback drops it`);
  return hand(
    `ALTER TYPE ${type} ADD VALUE ${literal(String(body.newVal))}`,
    "PostgreSQL cannot remove a value from an enum type: leave it (and make sure no row uses it), or recreate the type without it and convert the columns that use it.",
  );
}

/** ALTER FUNCTION … (SECURITY DEFINER, SET search_path…) → the function's earlier definition, restated. */
function invertAlterFunction(ctx: InverseContext, body: Json): Inverse {
  const owa = body.func;
  const key = owa?.args_unspecified ? null : functionKey(nameKey(qualifiedName(owa?.objname)), Array.isArray(owa?.objargs) ? owa.objargs.map((a: Json) => a?.TypeName ?? a) : []);
  const previous = before(ctx, "function", key);
  const text = previous ? definitionText(ctx, previous) : null;
  if (!previous || text === null) return hand(summary(ctx), "No earlier migration defines the function: set back what this ALTER FUNCTION changed.");
  return { sql: [withOrReplace(text)], handWritten: [], notes: [`restores the definition from ${whereDefined(ctx, previous)}`] };
}

/** ALTER PUBLICATION … ADD TABLE ↔ DROP TABLE. */
function invertAlterPublication(ctx: InverseContext, body: Json): Inverse {
  const objects: string[] = [];
  for (const item of Array.isArray(body.pubobjects) ? body.pubobjects : []) {
    const spec: Json = nodeFields(item, "PublicationObjSpec");
    if (spec?.pubobjtype === "PUBLICATIONOBJ_TABLE" && spec.pubtable?.relation && !spec.pubtable.columns && !spec.pubtable.whereClause) {
      objects.push(`table ${relationSql(spec.pubtable.relation)}`);
    } else if (spec?.pubobjtype === "PUBLICATIONOBJ_TABLES_IN_SCHEMA" && typeof spec.name === "string") {
      objects.push(`tables in schema ${quoteIdent(spec.name)}`);
    } else {
      return hand(summary(ctx), CANNOT);
    }
  }
  const publication = quoteIdent(String(body.pubname));
  if (body.action === "AP_AddObjects") return sql(`alter publication ${publication} drop ${objects.join(", ")};`);
  if (body.action === "AP_DropObjects") return sql(`alter publication ${publication} add ${objects.join(", ")};`);
  const earlier = ctx.history.publications.get(String(body.pubname));
  if (earlier) return { sql: [`drop publication if exists ${publication};`, ...earlier], handWritten: [], notes: ["restores the publication as the earlier statements defined it"] };
  return hand(summary(ctx), "No earlier migration defines the publication: set its tables back here.");
}

function invertRowChange(ctx: InverseContext, kind: string, body: Json): Inverse {
  const key = relationKey(body.relation);
  const table = key ? displayKey(key) : "the table";
  if (key && createdByThisMigration(ctx, "table", key)) return nothing(`${table} is new in this migration: its rollback drops it`);
  switch (kind) {
    case "InsertStmt":
      return hand(`INSERT INTO ${table}`, `Delete the rows it inserted (delete from ${relationSql(body.relation)} where …), or delete this marker if they may stay.`);
    case "DeleteStmt":
      return hand(`DELETE FROM ${table}`, "Restore the deleted rows from the pre-deployment backup.");
    case "UpdateStmt":
      return hand(`UPDATE ${table}`, "Restore the previous values from the pre-deployment backup.");
    default:
      return hand(`MERGE INTO ${table}`, "Restore the rows it changed from the pre-deployment backup.");
  }
}

function invertTruncate(ctx: InverseContext, body: Json): Inverse {
  const tables = (Array.isArray(body.relations) ? body.relations : []).map((r: Json) => relationKey(r));
  const old = tables.filter((key: string | null) => !(key && createdByThisMigration(ctx, "table", key)));
  if (old.length === 0) return nothing("the tables are new in this migration: its rollback drops them");
  return hand(`TRUNCATE ${old.map((k: string | null) => displayKey(k ?? "")).join(", ")}`, "Restore the rows from the pre-deployment backup.");
}
