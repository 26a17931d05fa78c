import { insertLineBefore, keywordCase } from "../../fixes.ts";
import { type LockMode, lockPhrase, strongest } from "../../../sql/lock-modes.ts";
import { relationBefore } from "../../online-safety.ts";
import { type AstNode, dropKind, droppedName, nodeFields, nodeKind, relationSql, transactionRestriction } from "../../../sql/names.ts";
import { positionOf } from "../../../schema/model.ts";
import { nameKey } from "../../../schema/names.ts";
import type { LintFile, LintProject, Rule } from "../../types.ts";

/** A statement that waits for a lock on an existing relation: what it is, which lock (null: the one LOCK TABLE names), on what. */
interface Locking {
  readonly what: string;
  readonly lock: LockMode | null;
  readonly on: string;
}

const ACCESS_EXCLUSIVE = "AccessExclusiveLock";
const SHARE_ROW_EXCLUSIVE = "ShareRowExclusiveLock";
const SHARE_UPDATE_EXCLUSIVE = "ShareUpdateExclusiveLock";

/** ALTER TABLE commands that take less than ACCESS EXCLUSIVE (PostgreSQL's ALTER TABLE notes). */
const ALTER_LOCKS: Readonly<Record<string, LockMode>> = {
  AT_ValidateConstraint: SHARE_UPDATE_EXCLUSIVE,
  AT_SetStatistics: SHARE_UPDATE_EXCLUSIVE,
  AT_SetOptions: SHARE_UPDATE_EXCLUSIVE,
  AT_ResetOptions: SHARE_UPDATE_EXCLUSIVE,
  AT_SetRelOptions: SHARE_UPDATE_EXCLUSIVE,
  AT_ResetRelOptions: SHARE_UPDATE_EXCLUSIVE,
  AT_ClusterOn: SHARE_UPDATE_EXCLUSIVE,
  AT_DropCluster: SHARE_UPDATE_EXCLUSIVE,
  AT_EnableTrig: SHARE_ROW_EXCLUSIVE,
  AT_DisableTrig: SHARE_ROW_EXCLUSIVE,
  AT_EnableAlwaysTrig: SHARE_ROW_EXCLUSIVE,
  AT_EnableReplicaTrig: SHARE_ROW_EXCLUSIVE,
  AT_EnableTrigAll: SHARE_ROW_EXCLUSIVE,
  AT_DisableTrigAll: SHARE_ROW_EXCLUSIVE,
  AT_EnableTrigUser: SHARE_ROW_EXCLUSIVE,
  AT_DisableTrigUser: SHARE_ROW_EXCLUSIVE,
};

export const rule: Rule = {
  id: "require-timeout-settings",
  defaultSeverity: "warning",
  optIn: "online-safety",
  summary: "a statement that locks an existing table with no `set lock_timeout` before it in the file",
  checkFile({ file, project, report }) {
    const { index, statements } = file.parsed;
    let timeout = false;
    // True once a statement clears lock_timeout: a SET at the top would not reach past it.
    let cleared = false;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (!statement.node) continue;
      const set = lockTimeoutSetting(statement.node, statement.text);
      if (set !== null) {
        timeout = set;
        cleared ||= !set;
        continue;
      }
      // A statement that refuses a transaction runs alone in its file, with the runner's lock_timeout; a SET
      // beside it would make the file mix it with another statement (non-transactional-statement).
      if (timeout || transactionRestriction(statement.node)) continue;
      const locking = lockingStatement(project, file, statement.index, statement.node);
      if (!locking) continue;
      const before = cleared ? statement : statements[0];
      const kw = keywordCase(before.text);
      const line = `${kw("set")} lock_timeout = '1s';`;
      const lineEnd = file.text.indexOf("\n", statement.start);
      report({
        at: { start: statement.start, end: lineEnd < 0 || lineEnd > statement.end ? statement.end : lineEnd },
        message: `${locking.what} waits for ${locking.lock === null ? "the lock it names" : lockPhrase(locking.lock)} on existing table ${locking.on}, and nothing in this file sets ` +
          "lock_timeout before it: while it waits behind one long query, every query on the table queues behind it",
        help: `Put \`${line}\` ${cleared ? "before it" : "at the top of the file"} and run the migration again if it times out. supamigrate's runner sets ` +
          "lock_timeout itself (5 s by default); the SET protects the file wherever else it runs (the SQL Editor, psql, supabase db push).",
        fixes: [{ title: "Set lock_timeout", edits: [insertLineBefore(index, before.start, line)] }],
      });
      return; // Once per file: one SET at the top covers every statement.
    }
  },
};

/**
 * True when the statement sets lock_timeout to a limit, false when it clears it (RESET, DEFAULT, 0), null
 * for any other statement. `select set_config('lock_timeout', …)` counts as a limit.
 */
function lockTimeoutSetting(node: AstNode, text: string): boolean | null {
  const set = nodeFields(node, "VariableSetStmt");
  if (set) {
    if (set.kind === "VAR_RESET_ALL") return false;
    if (set.name !== "lock_timeout") return null;
    if (set.kind !== "VAR_SET_VALUE" || !Array.isArray(set.args)) return false;
    // `0` turns the limit off. The parse tree leaves a zero integer out: `{ ival: {} }`.
    const value = nodeFields(set.args[0], "A_Const");
    if (value?.ival) return Number((value.ival as { ival?: number }).ival ?? 0) !== 0;
    if (value?.sval) return !/^\s*0*\s*[a-z]*\s*$/i.test(String((value.sval as { sval?: string }).sval ?? ""));
    return true;
  }
  return nodeKind(node) === "SelectStmt" && /\bset_config\s*\(\s*'lock_timeout'/i.test(text) ? true : null;
}

/** The lock a statement waits for on an existing relation, or null (no lock, or only on something this file made). */
function lockingStatement(project: LintProject, file: LintFile, index: number, node: AstNode): Locking | null {
  const kind = nodeKind(node);
  const f = kind ? nodeFields(node, kind) ?? {} : {};
  const existing = (relation: unknown, views = false) => {
    const age = relationBefore(project, file, index, relation);
    return age === "table" || (views && age === "view");
  };
  switch (kind) {
    case "AlterTableStmt": {
      if (f.objtype !== "OBJECT_TABLE" || !existing(f.relation)) return null;
      const cmds = Array.isArray(f.cmds) ? f.cmds.map((c) => nodeFields(c, "AlterTableCmd") ?? {}) : [];
      const locks = cmds.map((c): LockMode =>
        ALTER_LOCKS[String(c.subtype)] ??
          (c.subtype === "AT_AddConstraint" && nodeFields(c.def, "Constraint")?.contype === "CONSTR_FOREIGN" ? SHARE_ROW_EXCLUSIVE : ACCESS_EXCLUSIVE)
      );
      return { what: "ALTER TABLE", lock: strongest(locks) ?? SHARE_UPDATE_EXCLUSIVE, on: relationSql(f.relation) };
    }
    case "IndexStmt":
      return f.concurrent !== true && existing(f.relation, true) ? { what: "CREATE INDEX", lock: "ShareLock", on: relationSql(f.relation) } : null;
    case "CreateTrigStmt":
      return existing(f.relation, true) ? { what: "CREATE TRIGGER", lock: SHARE_ROW_EXCLUSIVE, on: relationSql(f.relation) } : null;
    case "CreatePolicyStmt":
    case "AlterPolicyStmt":
      return existing(f.table) ? { what: kind === "CreatePolicyStmt" ? "CREATE POLICY" : "ALTER POLICY", lock: ACCESS_EXCLUSIVE, on: relationSql(f.table) } : null;
    case "TruncateStmt": {
      const relation = (Array.isArray(f.relations) ? f.relations : []).find((r) => existing(r));
      return relation ? { what: "TRUNCATE", lock: ACCESS_EXCLUSIVE, on: relationSql(relation) } : null;
    }
    case "RenameStmt":
      return f.relation && existing(f.relation, true) ? { what: "ALTER TABLE … RENAME", lock: ACCESS_EXCLUSIVE, on: relationSql(f.relation) } : null;
    case "LockStmt": {
      const relation = (Array.isArray(f.relations) ? f.relations : []).find((r) => existing(r, true));
      return relation ? { what: "LOCK TABLE", lock: null, on: relationSql(relation) } : null;
    }
    case "DropStmt":
      return dropLock(project, file, index, f);
    default:
      return null;
  }
}

/** DROP TABLE / INDEX of an existing one, DROP POLICY / TRIGGER on an existing table: ACCESS EXCLUSIVE. */
function dropLock(project: LintProject, file: LintFile, index: number, f: AstNode): Locking | null {
  const kind = dropKind(f);
  if (!Array.isArray(f.objects) || f.concurrent === true) return null;
  for (const object of f.objects) {
    if (!kind) return null;
    const { name, table } = droppedName(kind, object);
    const rangeVar = (n: { schema: string; name: string }) => ({ schemaname: n.schema, relname: n.name });
    if ((kind === "policy" || kind === "trigger") && table && relationBefore(project, file, index, rangeVar(table)) === "table") {
      return { what: `DROP ${kind.toUpperCase()}`, lock: ACCESS_EXCLUSIVE, on: `${table.schema}.${table.name}` };
    }
    if (kind === "table" && relationBefore(project, file, index, rangeVar(name)) === "table") {
      return { what: "DROP TABLE", lock: ACCESS_EXCLUSIVE, on: `${name.schema}.${name.name}` };
    }
    if (kind === "index") {
      const key = nameKey(name);
      const indexDefinition = key ? project.schema.definitionAt("index", key, positionOf(file.order, index)) : null;
      const owner = indexDefinition?.owner;
      if (indexDefinition && indexDefinition.place?.path !== file.path && owner) {
        return { what: "DROP INDEX", lock: ACCESS_EXCLUSIVE, on: owner };
      }
    }
  }
  return null;
}
