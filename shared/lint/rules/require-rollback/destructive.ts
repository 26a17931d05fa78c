/**
 * Which statements destroy something a rollback would have to restore, and what undoing each takes:
 * SQL when the inverse is mechanical (a rename), otherwise a TODO for the author.
 */
import {
  type AstNode,
  droppedObjects,
  formatQualified,
  nodeFields,
  nodeKind,
  quoteIdent,
  relationName,
  relationSql,
} from "../../../sql/names.ts";

export interface Destructive {
  /** What the statement destroys, for the message: `DROP TABLE public.x`, `DELETE without WHERE on public.t`. */
  readonly what: string;
  /** The undo, as SQL lines (a rename's inverse) or `-- TODO: …` comments. */
  readonly undo: readonly string[];
}

/** Object kinds whose `DROP … IF EXISTS` followed by a CREATE in the same file is a redefinition, not a loss. */
const REDEFINABLE = new Set(["policy", "trigger", "function", "view", "index"]);

const RESTORE_ROWS = "-- TODO: restore the rows from the pre-deployment backup.";

/**
 * The destructive change a statement makes, or null; `recreatedLater(key)` says whether a statement
 * after it in the file creates the object `key` (as `createdObjectKeys` names it).
 */
export function destructiveChange(node: AstNode, recreatedLater: (key: string) => boolean): Destructive | null {
  const kind = nodeKind(node);
  const fields = kind ? nodeFields(node, kind) : null;
  if (!fields) return null;
  switch (kind) {
    case "DropStmt":
      return dropChange(node, recreatedLater);
    case "TruncateStmt": {
      const tables = (Array.isArray(fields.relations) ? fields.relations : []).map((r) => formatQualified(relationName(r)));
      return { what: `TRUNCATE ${tables.join(", ")}`, undo: [RESTORE_ROWS] };
    }
    case "DeleteStmt":
    case "UpdateStmt": {
      if (fields.whereClause) return null;
      const table = formatQualified(relationName(fields.relation));
      const deletes = kind === "DeleteStmt";
      return {
        what: `${deletes ? "DELETE" : "UPDATE"} without WHERE on ${table}`,
        undo: [deletes ? RESTORE_ROWS : "-- TODO: restore the previous values from the pre-deployment backup."],
      };
    }
    case "AlterTableStmt":
      return fields.objtype === "OBJECT_TABLE" && Array.isArray(fields.cmds) ? alterTable(fields) : null;
    case "RenameStmt":
      return renameChange(fields);
    default:
      return null;
  }
}

function dropChange(node: AstNode, recreatedLater: (key: string) => boolean): Destructive | null {
  const drop = droppedObjects(node)!;
  if (drop.ifExists && REDEFINABLE.has(drop.kind) && drop.keys.length > 0 && drop.keys.every(recreatedLater)) return null;
  const kind = String(nodeFields(node, "DropStmt")!.removeType).replace(/^OBJECT_/, "").replace("MATVIEW", "MATERIALIZED_VIEW").replaceAll("_", " ");
  const names = drop.names.join(", ");
  const holdsRows = ["table", "foreign table", "materialized view", "schema", "sequence"].includes(drop.kind);
  return {
    what: `DROP ${kind}${names ? ` ${names}` : ""}`,
    undo: [`-- TODO: recreate ${names || `the ${kind.toLowerCase()}`} as an earlier migration defined it.`, ...(holdsRows ? [RESTORE_ROWS] : [])],
  };
}

function alterTable(alter: AstNode): Destructive | null {
  const changes: string[] = [];
  const undo: string[] = [];
  for (const cmd of alter.cmds as unknown[]) {
    const c = nodeFields(cmd, "AlterTableCmd");
    if (c?.subtype !== "AT_DropColumn" && c?.subtype !== "AT_AlterColumnType") continue;
    const table = relationSql(alter.relation);
    const column = quoteIdent(String(c.name));
    if (c.subtype === "AT_DropColumn") {
      changes.push(`DROP COLUMN ${column}`);
      undo.push(`-- TODO: alter table ${table} add column ${column} <its previous type>; then restore its values from the backup.`);
    } else {
      changes.push(`ALTER COLUMN ${column} TYPE`);
      undo.push(`-- TODO: alter table ${table} alter column ${column} type <its previous type>;`);
    }
  }
  if (changes.length === 0) return null;
  return { what: `${changes.join(", ")} on ${formatQualified(relationName(alter.relation))}`, undo };
}

function renameChange(rename: AstNode): Destructive | null {
  const table = relationName(rename.relation);
  const newName = quoteIdent(String(rename.newname));
  if (rename.renameType === "OBJECT_TABLE") {
    const qualifier = typeof (rename.relation as AstNode | undefined)?.schemaname === "string" ? `${quoteIdent(table.schema)}.` : "";
    return {
      what: `RENAME of table ${formatQualified(table)} to ${newName}`,
      undo: [`alter table ${qualifier}${newName} rename to ${quoteIdent(table.name)};`],
    };
  }
  if (rename.renameType === "OBJECT_COLUMN" && rename.relationType === "OBJECT_TABLE") {
    const oldName = quoteIdent(String(rename.subname));
    return {
      what: `RENAME of column ${oldName} to ${newName} on ${formatQualified(table)}`,
      undo: [`alter table ${relationSql(rename.relation)} rename column ${newName} to ${oldName};`],
    };
  }
  return null;
}
