/**
 * Which statements destroy something a rollback would have to restore, named for the message. What
 * undoing each takes is the rollback generator's business (shared/schema/rollback/).
 */
import { type AstNode, droppedObjects, formatQualified, nodeFields, nodeKind, quoteIdent, relationName } from "../../../sql/names.ts";

export interface Destructive {
  /** What the statement destroys, for the message: `DROP TABLE public.x`, `DELETE without WHERE on public.t`. */
  readonly what: string;
}

/** What the rule knows around a statement: the rest of its file, and the migrations before it. */
export interface Surroundings {
  /** True when a statement after this one in the file creates `key` (`policy:public.t:p`, `publication:p`, `constraint:public.t:c`). */
  recreatedLater(key: string): boolean;
  /** True when this DROP … IF EXISTS names only objects an earlier migration already removed: it drops nothing. */
  removedEarlier(drop: AstNode): boolean;
}

/** Object kinds whose `DROP … IF EXISTS` followed by a CREATE in the same file is a redefinition, not a loss. */
const REDEFINABLE = new Set(["policy", "trigger", "function", "view", "index"]);

/** The destructive change a statement makes, or null. */
export function destructiveChange(node: AstNode, around: Surroundings): Destructive | null {
  const kind = nodeKind(node);
  const fields = kind ? nodeFields(node, kind) : null;
  if (!fields) return null;
  switch (kind) {
    case "DropStmt":
      return dropChange(fields, around);
    case "DropdbStmt":
      return { what: `DROP DATABASE ${quoteIdent(String(fields.dbname))}` };
    case "TruncateStmt": {
      const tables = (Array.isArray(fields.relations) ? fields.relations : []).map((r) => formatQualified(relationName(r)));
      return { what: `TRUNCATE ${tables.join(", ")}` };
    }
    case "DeleteStmt":
    case "UpdateStmt": {
      if (fields.whereClause) return null;
      return { what: `${kind === "DeleteStmt" ? "DELETE" : "UPDATE"} without WHERE on ${formatQualified(relationName(fields.relation))}` };
    }
    case "AlterTableStmt":
      return fields.objtype === "OBJECT_TABLE" && Array.isArray(fields.cmds) ? alterTable(fields, around) : null;
    case "RenameStmt":
      return renameChange(fields);
    default:
      return null;
  }
}

function dropChange(drop: AstNode, around: Surroundings): Destructive | null {
  const dropped = droppedObjects({ DropStmt: drop })!;
  if (drop.removeType === "OBJECT_PUBLICATION") {
    const names = (Array.isArray(drop.objects) ? drop.objects : []).map((o) => String(nodeFields(o, "String")?.sval));
    // Dropped and created again below: a redefinition, as with policies.
    if (dropped.ifExists && names.length > 0 && names.every((name) => around.recreatedLater(`publication:${name}`))) return null;
    return { what: `DROP PUBLICATION ${names.map(quoteIdent).join(", ")}` };
  }
  if (dropped.ifExists && REDEFINABLE.has(dropped.kind) && dropped.keys.length > 0 && dropped.keys.every((key) => around.recreatedLater(key))) return null;
  // Last, as it reads the schema model: an IF EXISTS drop of what an earlier migration removed drops nothing.
  if (dropped.ifExists && around.removedEarlier(drop)) return null;
  const kind = String(drop.removeType).replace(/^OBJECT_/, "").replace("MATVIEW", "MATERIALIZED_VIEW").replaceAll("_", " ");
  const names = dropped.names.join(", ");
  return { what: `DROP ${kind}${names ? ` ${names}` : ""}` };
}

function alterTable(alter: AstNode, around: Surroundings): Destructive | null {
  const changes: string[] = [];
  const table = relationName(alter.relation);
  const cmds = (alter.cmds as unknown[]).map((cmd) => nodeFields(cmd, "AlterTableCmd"));
  cmds.forEach((c, i) => {
    const column = quoteIdent(String(c?.name));
    if (c?.subtype === "AT_DropColumn") changes.push(`DROP COLUMN ${column}`);
    else if (c?.subtype === "AT_AlterColumnType") changes.push(`ALTER COLUMN ${column} TYPE`);
    else if (c?.subtype === "AT_DropConstraint") {
      // DROP CONSTRAINT IF EXISTS then ADD CONSTRAINT of the same name (later in the statement or the file) redefines it.
      const readded = c.missing_ok === true && (
        cmds.slice(i + 1).some((later) => later?.subtype === "AT_AddConstraint" && nodeFields(later.def, "Constraint")?.conname === c.name) ||
        around.recreatedLater(constraintKey(table, String(c.name)))
      );
      if (!readded) changes.push(`DROP CONSTRAINT ${column}`);
    }
  });
  if (changes.length === 0) return null;
  return { what: `${changes.join(", ")} on ${formatQualified(table)}` };
}

/** The key `recreatedLater` uses for a table's constraint. */
export function constraintKey(table: { schema: string; name: string }, name: string): string {
  return `constraint:${formatQualified(table)}:${name}`;
}

function renameChange(rename: AstNode): Destructive | null {
  const table = relationName(rename.relation);
  const newName = quoteIdent(String(rename.newname));
  if (rename.renameType === "OBJECT_TABLE") return { what: `RENAME of table ${formatQualified(table)} to ${newName}` };
  if (rename.renameType === "OBJECT_COLUMN" && rename.relationType === "OBJECT_TABLE") {
    return { what: `RENAME of column ${quoteIdent(String(rename.subname))} to ${newName} on ${formatQualified(table)}` };
  }
  return null;
}
