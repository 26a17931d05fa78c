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
} from "../../../sql/names.ts";

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
  /**
   * The object's key for DROP … IF EXISTS guards, or null when it has none. Only worked out for a
   * target that is not `safe` (nothing asks for it then; most statements are safe).
   */
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
  /** For ALTER TYPE … ADD VALUE: the head runs from ALTER through the new value's literal. */
  readonly enumValue?: true;
}

const NONE: readonly Target[] = [];

/** The creations in one statement (several for an ALTER TABLE adding several columns). */
export function createTargets(node: AstNode): readonly Target[] {
  const kind = nodeKind(node);
  const f = kind ? nodeFields(node, kind) ?? {} : {};
  const ifNotExists = f.if_not_exists === true;
  switch (kind) {
    case "AlterTableStmt":
      return addColumnTargets(f);
    case "AlterEnumStmt":
      // ADD VALUE (RENAME VALUE has an oldVal): enum values cannot be dropped, so only IF NOT EXISTS guards it.
      if (typeof f.newVal !== "string" || typeof f.oldVal === "string") return NONE;
      return [{ what: "ALTER TYPE", object: "value", key: null, keywords: [], remedy: "if-not-exists", safe: f.skipIfNewValExists === true, enumValue: true }];
    case "CreateStmt":
      return isTemporary(f.relation) ? NONE : target(node, "CREATE TABLE", "table", ["table"], "if-not-exists", ifNotExists);
    case "CreateForeignTableStmt":
      return target(node, "CREATE FOREIGN TABLE", "foreign table", ["table"], "if-not-exists", (f.base as AstNode | undefined)?.if_not_exists === true);
    case "CreateTableAsStmt": {
      if (isTemporary((f.into as AstNode | undefined)?.rel)) return NONE;
      return f.objtype === "OBJECT_MATVIEW"
        ? target(node, "CREATE MATERIALIZED VIEW", "materialized view", ["view"], "if-not-exists", ifNotExists)
        : target(node, "CREATE TABLE", "table", ["table"], "if-not-exists", ifNotExists);
    }
    case "CreateSeqStmt":
      return isTemporary(f.sequence) ? NONE : target(node, "CREATE SEQUENCE", "sequence", ["sequence"], "if-not-exists", ifNotExists);
    case "IndexStmt":
      return target(node, "CREATE INDEX", "index", ["index"], typeof f.idxname === "string" ? "if-not-exists" : "name-it", ifNotExists);
    case "CreateSchemaStmt":
      return target(node, "CREATE SCHEMA", "schema", ["schema"], "if-not-exists", ifNotExists);
    case "CreateExtensionStmt":
      return target(node, "CREATE EXTENSION", "extension", ["extension"], "if-not-exists", ifNotExists);
    case "CreateFunctionStmt": {
      const object = f.is_procedure === true ? "procedure" : "function";
      return target(node, `CREATE ${object.toUpperCase()}`, object, ["function", "procedure"], "or-replace", f.replace === true);
    }
    case "ViewStmt":
      return isTemporary(f.view) ? NONE : target(node, "CREATE VIEW", "view", ["view"], "or-replace", f.replace === true);
    case "CreateTrigStmt":
      // OR REPLACE is not supported for constraint triggers: drop them first instead.
      return f.isconstraint === true
        ? [{ ...target(node, "CREATE CONSTRAINT TRIGGER", "trigger", ["trigger"], "drop-first", false)[0], dropTarget: dropTarget("trigger", String(f.trigname), f.relation) }]
        : target(node, "CREATE TRIGGER", "trigger", ["trigger"], "or-replace", f.replace === true);
    case "CreatePolicyStmt":
      return [{ ...target(node, "CREATE POLICY", "policy", ["policy"], "drop-first", false)[0], dropTarget: dropTarget("policy", String(f.policy_name), f.table) }];
    case "CreateEnumStmt":
    case "CreateRangeStmt":
    case "CompositeTypeStmt":
      return target(node, "CREATE TYPE", "type", ["type"], "guard", false);
    case "DefineStmt":
      return f.kind === "OBJECT_TYPE" ? target(node, "CREATE TYPE", "type", ["type"], "guard", false) : NONE;
    case "CreateDomainStmt":
      return target(node, "CREATE DOMAIN", "domain", ["domain"], "guard", false);
    default:
      return NONE;
  }
}

/** The one creation of a CREATE statement. */
function target(node: AstNode, what: string, object: string, keywords: readonly string[], remedy: Remedy, safe: boolean): Target[] {
  return [{ what, object, key: safe ? null : createdObjectKeys(node)[0] ?? null, keywords, remedy, safe }];
}

/** Keys of the objects a statement drops with IF EXISTS (guards for a later CREATE of them). */
export function droppedKeys(node: AstNode): readonly string[] {
  const kind = nodeKind(node);
  if (kind === "DropStmt") return nodeFields(node, kind)?.missing_ok === true ? droppedObjects(node)!.keys : NONE_DROPPED;
  const alter = kind === "AlterTableStmt" ? nodeFields(node, kind) : null;
  if (!alter || !Array.isArray(alter.cmds)) return NONE_DROPPED;
  let keys: string[] | null = null;
  for (const cmd of alter.cmds) {
    const c = nodeFields(cmd, "AlterTableCmd");
    if (c?.subtype === "AT_DropColumn" && c.missing_ok === true) (keys ??= []).push(objectKey("column", String(c.name), relationName(alter.relation)));
  }
  return keys ?? NONE_DROPPED;
}

const NONE_DROPPED: readonly string[] = [];

function addColumnTargets(f: AstNode): readonly Target[] {
  if (!Array.isArray(f.cmds) || f.objtype !== "OBJECT_TABLE") return NONE;
  let targets: Target[] | null = null;
  for (const cmd of f.cmds) {
    const c = nodeFields(cmd, "AlterTableCmd");
    const column = nodeFields(c?.def, "ColumnDef");
    if (c?.subtype !== "AT_AddColumn" || !column) continue;
    const safe = c.missing_ok === true;
    (targets ??= []).push({
      what: "ADD COLUMN",
      object: "column",
      key: safe ? null : objectKey("column", String(column.colname), relationName(f.relation)),
      keywords: [],
      remedy: "if-not-exists",
      safe,
      columnLocation: typeof column.location === "number" ? column.location : -1,
    });
  }
  return targets ?? NONE;
}

function dropTarget(kind: DropTarget["kind"], name: string, table: unknown): DropTarget {
  return { kind, name: `"${name.replaceAll('"', '""')}"`, table: relationSql(table) };
}
