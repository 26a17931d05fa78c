/**
 * What a statement creates and how it could be made safe to run twice. Object keys (`table:public.x`)
 * let a `DROP … IF EXISTS` earlier in the file count as the guard.
 */
import {
  type AstNode,
  createdObjectKeys,
  droppedObjects,
  isTemporary,
  nodeFields,
  nodeKind,
  objectKey,
  relationName,
  relationSql,
} from "../../sql-names.ts";

export type Remedy =
  /** Insert IF NOT EXISTS before the name. */
  | "if-not-exists"
  /** Insert OR REPLACE after CREATE. */
  | "or-replace"
  /** Insert a `DROP … IF EXISTS` line before the statement (policies, constraint triggers). */
  | "drop-first"
  /** No mechanical fix: wrap it in a DO block (types, domains). */
  | "guard"
  /** No mechanical fix: the object needs a name first (an unnamed index). */
  | "name-it";

export interface DropTarget {
  readonly kind: "policy" | "trigger";
  /** The object's name, always double-quoted. */
  readonly name: string;
  /** The table as the source wrote it. */
  readonly table: string;
}

export interface Target {
  /** The statement's name for messages, e.g. `CREATE TABLE`, `ADD COLUMN`. */
  readonly what: string;
  /** What kind of object, for messages: `table`, `function`… */
  readonly object: string;
  /** The object's key for DROP … IF EXISTS guards, or null when it has none. */
  readonly key: string | null;
  /** The keyword(s) that introduce the name in the statement's tokens. */
  readonly keywords: readonly string[];
  readonly remedy: Remedy;
  /** True when the statement already says IF NOT EXISTS / OR REPLACE. */
  readonly safe: boolean;
  /** For `drop-first`: what to drop, e.g. policy `"p"` on table `public.t` (as written in the source). */
  readonly dropTarget?: DropTarget;
  /** For ADD COLUMN: the column definition's location (bytes into the statement). */
  readonly columnLocation?: number;
}

/** The creations in one statement (several for an ALTER TABLE adding several columns). */
export function createTargets(node: AstNode): Target[] {
  const kind = nodeKind(node);
  const f = kind ? nodeFields(node, kind) ?? {} : {};
  if (kind === "AlterTableStmt") return addColumnTargets(f);
  const key = createdObjectKeys(node)[0] ?? null;
  const target = (what: string, object: string, keywords: string[], remedy: Remedy, safe: boolean): Target[] =>
    [{ what, object, key, keywords, remedy, safe }];
  const ifNotExists = f.if_not_exists === true;
  switch (kind) {
    case "CreateStmt":
      return isTemporary(f.relation) ? [] : target("CREATE TABLE", "table", ["table"], "if-not-exists", ifNotExists);
    case "CreateForeignTableStmt":
      return target("CREATE FOREIGN TABLE", "foreign table", ["table"], "if-not-exists", (f.base as AstNode | undefined)?.if_not_exists === true);
    case "CreateTableAsStmt": {
      if (isTemporary((f.into as AstNode | undefined)?.rel)) return [];
      return f.objtype === "OBJECT_MATVIEW"
        ? target("CREATE MATERIALIZED VIEW", "materialized view", ["view"], "if-not-exists", ifNotExists)
        : target("CREATE TABLE", "table", ["table"], "if-not-exists", ifNotExists);
    }
    case "CreateSeqStmt":
      return isTemporary(f.sequence) ? [] : target("CREATE SEQUENCE", "sequence", ["sequence"], "if-not-exists", ifNotExists);
    case "IndexStmt":
      return target("CREATE INDEX", "index", ["index"], typeof f.idxname === "string" ? "if-not-exists" : "name-it", ifNotExists);
    case "CreateSchemaStmt":
      return target("CREATE SCHEMA", "schema", ["schema"], "if-not-exists", ifNotExists);
    case "CreateExtensionStmt":
      return target("CREATE EXTENSION", "extension", ["extension"], "if-not-exists", ifNotExists);
    case "CreateFunctionStmt": {
      const object = f.is_procedure === true ? "procedure" : "function";
      return target(`CREATE ${object.toUpperCase()}`, object, ["function", "procedure"], "or-replace", f.replace === true);
    }
    case "ViewStmt":
      return isTemporary(f.view) ? [] : target("CREATE VIEW", "view", ["view"], "or-replace", f.replace === true);
    case "CreateTrigStmt":
      // OR REPLACE is not supported for constraint triggers: drop them first instead.
      return f.isconstraint === true
        ? [{ ...target("CREATE CONSTRAINT TRIGGER", "trigger", ["trigger"], "drop-first", false)[0], dropTarget: dropTarget("trigger", String(f.trigname), f.relation) }]
        : target("CREATE TRIGGER", "trigger", ["trigger"], "or-replace", f.replace === true);
    case "CreatePolicyStmt":
      return [{ ...target("CREATE POLICY", "policy", ["policy"], "drop-first", false)[0], dropTarget: dropTarget("policy", String(f.policy_name), f.table) }];
    case "CreateEnumStmt":
    case "CreateRangeStmt":
    case "CompositeTypeStmt":
      return target("CREATE TYPE", "type", ["type"], "guard", false);
    case "DefineStmt":
      return f.kind === "OBJECT_TYPE" ? target("CREATE TYPE", "type", ["type"], "guard", false) : [];
    case "CreateDomainStmt":
      return target("CREATE DOMAIN", "domain", ["domain"], "guard", false);
    default:
      return [];
  }
}

/** Keys of the objects a statement drops with IF EXISTS (guards for a later CREATE of them). */
export function droppedKeys(node: AstNode): string[] {
  const drop = droppedObjects(node);
  if (drop) return drop.ifExists ? [...drop.keys] : [];
  const alter = nodeFields(node, "AlterTableStmt");
  if (!alter || !Array.isArray(alter.cmds)) return [];
  const table = relationName(alter.relation);
  return alter.cmds.flatMap((cmd) => {
    const c = nodeFields(cmd, "AlterTableCmd");
    return c?.subtype === "AT_DropColumn" && c.missing_ok === true ? [objectKey("column", String(c.name), table)] : [];
  });
}

function addColumnTargets(f: AstNode): Target[] {
  if (!Array.isArray(f.cmds) || f.objtype !== "OBJECT_TABLE") return [];
  const table = relationName(f.relation);
  return f.cmds.flatMap((cmd): Target[] => {
    const c = nodeFields(cmd, "AlterTableCmd");
    const column = nodeFields(c?.def, "ColumnDef");
    if (c?.subtype !== "AT_AddColumn" || !column) return [];
    return [{
      what: "ADD COLUMN",
      object: "column",
      key: objectKey("column", String(column.colname), table),
      keywords: [],
      remedy: "if-not-exists",
      safe: c.missing_ok === true,
      columnLocation: typeof column.location === "number" ? column.location : -1,
    }];
  });
}

function dropTarget(kind: DropTarget["kind"], name: string, table: unknown): DropTarget {
  return { kind, name: `"${name.replaceAll('"', '""')}"`, table: relationSql(table) };
}
