/**
 * Inverses of ALTER TABLE commands, last command first: ADD COLUMN → DROP COLUMN IF EXISTS, ENABLE ROW
 * LEVEL SECURITY → DISABLE, SET/DROP NOT NULL and DEFAULT → the column's earlier state, ADD CONSTRAINT →
 * DROP CONSTRAINT IF EXISTS, DROP CONSTRAINT → its earlier definition. Dropped columns and changed column
 * types lose data: those need a hand-written inverse (except on a table this migration created, which
 * its rollback drops anyway).
 */
import { quoteIdent } from "../../sql/names.ts";
import { displayKey, type Json, relationKey } from "../names.ts";
import { combine, createdByThisMigration, hand, type Inverse, type InverseContext, nothing, sql } from "./context.ts";
import type { TableFacts } from "./history.ts";
import { relationSql } from "./sql-text.ts";

const TRIGGER_TOGGLES: Readonly<Record<string, [string, string]>> = {
  AT_EnableTrig: ["disable trigger", "name"],
  AT_DisableTrig: ["enable trigger", "name"],
  AT_EnableTrigAll: ["disable trigger all", ""],
  AT_DisableTrigAll: ["enable trigger all", ""],
  AT_EnableTrigUser: ["disable trigger user", ""],
  AT_DisableTrigUser: ["enable trigger user", ""],
};

export function invertAlterTable(ctx: InverseContext, body: Json): Inverse | null {
  if (body.objtype !== "OBJECT_TABLE") return null;
  const key = relationKey(body.relation);
  if (!key) return null;
  const table = relationSql(body.relation);
  const facts = ctx.history.tables.get(key) ?? null;
  const isNew = createdByThisMigration(ctx, "table", key);
  const cmds: Json[] = (Array.isArray(body.cmds) ? body.cmds : []).map((c: Json) => c.AlterTableCmd).filter(Boolean);
  const parts: Inverse[] = [];
  for (let i = cmds.length - 1; i >= 0; i--) {
    const part = invertCommand({ ctx, key, table, facts, isNew }, cmds[i]);
    if (part) parts.push(part);
    else parts.push(hand(`ALTER TABLE ${displayKey(key)} (${cmds[i].subtype.replace(/^AT_/, "")})`, "supamigrate cannot derive the inverse of this ALTER TABLE command: write it here."));
  }
  return combine(parts);
}

interface Target {
  readonly ctx: InverseContext;
  /** The table's model key (`public.t`) and its SQL as the migration wrote it. */
  readonly key: string;
  readonly table: string;
  /** What earlier migrations say about it, or null when none created it. */
  readonly facts: TableFacts | null;
  /** True when this migration created the table: its data is not the rollback's to restore. */
  readonly isNew: boolean;
}

function invertCommand(t: Target, cmd: Json): Inverse | null {
  const alter = (action: string) => sql(`alter table ${t.table} ${action};`);
  const column = typeof cmd.name === "string" ? quoteIdent(cmd.name) : "";
  const known = typeof cmd.name === "string" ? t.facts?.columns.get(cmd.name) ?? null : null;
  const display = displayKey(t.key);
  switch (cmd.subtype) {
    case "AT_AddColumn": {
      const name = cmd.def?.ColumnDef?.colname;
      if (typeof name !== "string") return null;
      if (cmd.missing_ok && t.ctx.model.relationAt(t.key, t.ctx.position)?.columns.has(name)) {
        return nothing(`column ${quoteIdent(name)} existed before, so ADD COLUMN IF NOT EXISTS kept it`);
      }
      return alter(`drop column if exists ${quoteIdent(name)}`);
    }
    case "AT_DropColumn": {
      if (t.isNew) return nothing(`${display} is new in this migration: its rollback drops it`);
      const table = t.ctx.model.relationAt(t.key, t.ctx.position);
      if (cmd.missing_ok && table?.columnsKnown && !table.columns.has(cmd.name)) return nothing(`no earlier migration left a column ${column} on ${display}`);
      const type = table?.columns.get(cmd.name)?.type;
      return hand(
        `DROP COLUMN ${column} on ${display}`,
        `Add the column back (alter table ${t.table} add column if not exists ${column} ${type ?? "<its type>"} …, with its default and constraints), then restore its values from the pre-deployment backup.`,
      );
    }
    case "AT_AlterColumnType": {
      if (t.isNew) return nothing(`${display} is new in this migration: its rollback drops it`);
      const type = t.ctx.model.relationAt(t.key, t.ctx.position)?.columns.get(cmd.name)?.type;
      return hand(
        `ALTER COLUMN ${column} TYPE on ${display}`,
        `Change it back (alter table ${t.table} alter column ${column} type ${type ?? "<its previous type>"} using …); values the new type changed come back from the pre-deployment backup.`,
      );
    }
    case "AT_SetNotNull":
      if (known?.notNull) return nothing(`column ${column} was already NOT NULL`);
      return alter(`alter column ${column} drop not null`);
    case "AT_DropNotNull":
      if (known && !known.notNull) return nothing(`column ${column} was already nullable`);
      return alter(`alter column ${column} set not null`);
    case "AT_ColumnDefault": {
      if (!known) {
        if (t.isNew) return nothing(`${display} is new in this migration: its rollback drops it`);
        return hand(
          `${cmd.def ? "SET" : "DROP"} DEFAULT of ${column} on ${display}`,
          `No earlier migration defines ${display}.${column}, so its previous default is unknown: set it back here (or drop the default if it had none).`,
        );
      }
      const previous = known.default?.text ?? null;
      if (known.default && previous === null) return hand(`${cmd.def ? "SET" : "DROP"} DEFAULT of ${column} on ${display}`, "Set its previous default back here.");
      if (previous !== null) return alter(`alter column ${column} set default ${previous}`);
      return cmd.def ? alter(`alter column ${column} drop default`) : nothing(`column ${column} had no default`);
    }
    case "AT_AddConstraint": {
      const name = cmd.def?.Constraint?.conname;
      if (typeof name === "string") return alter(`drop constraint if exists ${quoteIdent(name)}`);
      return hand(
        `ADD CONSTRAINT without a name on ${display}`,
        "PostgreSQL named the constraint: drop it by that name (\\d in psql shows it), or name it in the migration (ADD CONSTRAINT name …) and generate the rollback again.",
      );
    }
    case "AT_DropConstraint": {
      if (t.isNew) return nothing(`${display} is new in this migration: its rollback drops it`);
      const definition = t.facts?.constraints.get(cmd.name);
      if (definition === undefined && t.facts && cmd.missing_ok) return nothing(`no earlier migration left a constraint ${column} on ${display}`);
      const text = definition?.text ?? null;
      if (text !== null) return alter(`add ${text}`);
      return hand(`DROP CONSTRAINT ${column} on ${display}`, `Add the constraint back here (alter table ${t.table} add constraint ${column} …) as it was defined.`);
    }
    case "AT_EnableRowSecurity":
      if (t.facts?.rls) return nothing(`row level security was already enabled on ${display}`);
      return alter("disable row level security");
    case "AT_DisableRowSecurity":
      if (t.facts && !t.facts.rls) return nothing(`row level security was already disabled on ${display}`);
      return alter("enable row level security");
    case "AT_ForceRowSecurity":
      if (t.facts?.forceRls) return nothing(`row level security was already forced on ${display}`);
      return alter("no force row level security");
    case "AT_NoForceRowSecurity":
      if (t.facts && !t.facts.forceRls) return nothing(`row level security was not forced on ${display}`);
      return alter("force row level security");
    case "AT_ValidateConstraint":
      return nothing("validating a constraint changes nothing to undo");
    default: {
      const toggle = TRIGGER_TOGGLES[cmd.subtype];
      if (toggle) return alter(toggle[1] ? `${toggle[0]} ${quoteIdent(cmd.name)}` : toggle[0]);
      return null;
    }
  }
}
