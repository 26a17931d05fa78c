/**
 * Breaking changes to tables: the table as clients saw it when the batch started against the table
 * when it ends. A table dropped (or renamed away) and not created again is one finding; a table the
 * batch recreates (019's pattern) or alters is compared column by column — each column gone, renamed,
 * retyped or made NOT NULL, each new column an insert must set, row level security turned off, and each
 * policy dropped or changed is a finding at the statement that did it. What the batch itself made and
 * then changed breaks nothing. A table no migration creates is judged by its statements alone.
 */
import type { TableFacts } from "../rollback/history.ts";
import { displayKey } from "../names.ts";
import { type Batch, change, columnName, identifier, policyName, stateOf } from "./context.ts";
import { columnDefIn, insertMustSet, widens } from "./columns.ts";
import type { At } from "./events.ts";
import { ADDED_NOT_NULL_HINT } from "./hints.ts";
import { policyShape, shapeChanges } from "./policies.ts";
import type { BreakingChange } from "./types.ts";
import {
  addedNotNull,
  atTheirWord,
  BREAK_USE,
  lastRlsDisables,
  RLS_OFF,
  setNotNull,
  type TableEvent,
  UNKNOWN_COLUMN,
  unknownPolicyDropped,
} from "./table-statements.ts";

export function tableChanges(batch: Batch): BreakingChange[] {
  const byTable = new Map<string, TableEvent[]>();
  for (const event of batch.events) {
    if (!("table" in event)) continue;
    const list = byTable.get(event.table);
    if (list) list.push(event);
    else byTable.set(event.table, [event]);
  }
  const changes: BreakingChange[] = [];
  for (const [table, events] of byTable) {
    const start = batch.model.definitionAt("table", table, batch.start);
    if (start?.kind === "table") changes.push(...existingTable(batch, table, events));
    else if (!start) changes.push(...atTheirWord(batch, table, events.filter((e) => stateOf(batch, "table", table, e.at.position) === "unknown"), false));
  }
  return changes;
}

function existingTable(batch: Batch, table: string, events: readonly TableEvent[]): BreakingChange[] {
  const { model } = batch;
  const name = displayKey(table);
  const gone = events.find((e) => e.type === "drop-table" || e.type === "rename-table");
  const end = model.definitionAt("table", table, batch.end);
  if (end?.kind !== "table") {
    // A view under the old name keeps it answering (a simple view takes writes too): the hint's own advice.
    if (!gone || end?.kind === "view") return [];
    return [gone.type === "rename-table"
      ? change(gone.at, "renamed-table", name, `renames table ${name} to ${displayKey(gone.to)}: clients that use the old name break`)
      : change(gone.at, "dropped-table", name, `drops table ${name}: clients that read or write it break`)];
  }
  // Still there at the end: compare the table clients had with the one they get.
  const context: TableContext = {
    batch,
    table,
    events,
    recreated: gone?.at ?? null,
    startFacts: batch.startFacts(table),
    endFacts: batch.endFacts(table),
  };
  return [...columnChanges(context), ...addedColumns(context), ...rlsChange(context), ...policyChanges(context)];
}

interface TableContext {
  readonly batch: Batch;
  readonly table: string;
  readonly events: readonly TableEvent[];
  /** Where the table clients had went away (dropped or renamed) before one of its name was created again, or null. */
  readonly recreated: At | null;
  readonly startFacts: TableFacts | null;
  readonly endFacts: TableFacts | null;
}

function columnEvents(context: TableContext, column: string): TableEvent[] {
  return context.events.filter((e) => "column" in e && e.column === column);
}

function columnChanges(context: TableContext): BreakingChange[] {
  const { batch, table, recreated } = context;
  const before = batch.model.relationAt(table, batch.start)!;
  const after = batch.model.relationAt(table, batch.end)!;
  if (!before.columnsKnown || !after.columnsKnown) {
    // Columns the model cannot list (CREATE TABLE … AS, INHERITS): each column statement at its word; a recreated one cannot be compared.
    return recreated ? [] : atTheirWord(batch, table, context.events.filter((e) => "column" in e), true);
  }
  const changes: BreakingChange[] = [];
  const name = displayKey(table);
  for (const [column, info] of before.columns) {
    const object = columnName(table, column);
    const events = columnEvents(context, column);
    const now = after.columns.get(column);
    if (!now) {
      const removal = events.find((e) => e.type === "drop-column" || e.type === "rename-column");
      if (removal?.type === "rename-column") {
        changes.push(change(removal.at, "renamed-column", object, `renames column ${object} to ${identifier(removal.to)}: clients that use the old name break`));
      } else if (removal) {
        changes.push(change(removal.at, "dropped-column", object, `drops column ${object}: ${BREAK_USE}`));
      } else if (recreated) {
        changes.push(change(recreated, "dropped-column", object, `recreates table ${name} without column ${identifier(column)}: ${BREAK_USE}`));
      }
      continue;
    }
    if (!widens(info.type, now.type)) {
      const at = events.find((e) => e.type === "alter-type" || e.type === "drop-column")?.at ?? recreated;
      const consequence = "clients that read or write it may break";
      if (at) {
        changes.push(change(at, "column-type-changed", object, recreated === at
          ? `recreates table ${name} with column ${identifier(column)} as ${now.type} (was ${info.type}): ${consequence}`
          : `changes the type of column ${object} from ${info.type} to ${now.type}: ${consequence}`));
      }
    }
    const notNull = notNullChange(context, column, events);
    if (notNull) changes.push(notNull);
  }
  changes.push(...atTheirWord(batch, table, unknownColumnEvents(context, before.columns), false, UNKNOWN_COLUMN));
  return changes;
}

/**
 * Statements on columns the model does not know the table had (added by hand, in the dashboard): each
 * must exist for the statement to run, so it is judged at its word. Not a DROP COLUMN IF EXISTS (the
 * column may be gone already), nor a column the batch added or renamed into, nor one of a recreated table.
 */
function unknownColumnEvents(context: TableContext, known: ReadonlyMap<string, unknown>): TableEvent[] {
  const { events, recreated } = context;
  return events.filter((e) => {
    if (!("column" in e) || e.type === "add-column" || known.has(e.column)) return false;
    if (e.type === "drop-column" && e.ifExists) return false;
    if (recreated && e.at.position >= recreated.position) return false;
    return !events.some((o) =>
      o.at.position < e.at.position && ((o.type === "add-column" && o.column === e.column) || (o.type === "rename-column" && o.to === e.column))
    );
  });
}

/** NOT NULL where the column allowed NULL when the batch started. */
function notNullChange(context: TableContext, column: string, events: readonly TableEvent[]): BreakingChange | null {
  const { batch, table, recreated, startFacts, endFacts } = context;
  const object = columnName(table, column);
  const set = events.find((e) => e.type === "set-not-null");
  const liveCheck = { table, column, failsOn: "nulls" as const };
  if (!startFacts || !endFacts) {
    // Facts unknown (a Supabase table, CREATE TABLE … AS): a SET NOT NULL is taken at its word.
    return set ? setNotNull(set.at, object, recreated ? undefined : liveCheck) : null;
  }
  const was = startFacts.columns.get(column)?.notNull ?? false;
  const is = endFacts.columns.get(column)?.notNull ?? false;
  if (was || !is) return null;
  if (set && !(recreated && recreated.position > set.at.position)) {
    return setNotNull(set.at, object, recreated && recreated.position < set.at.position ? undefined : liveCheck);
  }
  // Dropped and added again, or recreated with the table: a break when inserts must now set it.
  const added = [...events].reverse().find((e) => e.type === "add-column");
  const def = added?.type === "add-column" ? added.def : columnDefIn(batch.model.definitionAt("table", table, batch.end)?.node ?? null, column);
  if (!insertMustSet(def, endFacts.columns.get(column))) return null;
  if (added) return addedNotNull(added.at, object, recreated ? null : table, column);
  return recreated
    ? change(recreated, "not-null-added", object, `recreates table ${displayKey(table)} with column ${identifier(column)} NOT NULL and no default: inserts that do not set it fail`)
    : null;
}

/** Columns clients did not have that every insert must now set. */
function addedColumns(context: TableContext): BreakingChange[] {
  const { batch, table, recreated, endFacts } = context;
  const before = batch.model.relationAt(table, batch.start)!;
  const after = batch.model.relationAt(table, batch.end)!;
  if (!before.columnsKnown || !after.columnsKnown) return [];
  const renamedTo = new Set(context.events.flatMap((e) => (e.type === "rename-column" ? [e.to] : [])));
  const changes: BreakingChange[] = [];
  for (const column of after.columns.keys()) {
    if (before.columns.has(column) || renamedTo.has(column)) continue;
    const object = columnName(table, column);
    const added = [...columnEvents(context, column)].reverse().find((e) => e.type === "add-column");
    const addedAfterRecreate = added?.type === "add-column" && !(recreated && recreated.position > added.at.position) ? added : null;
    const def = addedAfterRecreate ? addedAfterRecreate.def : columnDefIn(batch.model.definitionAt("table", table, batch.end)?.node ?? null, column);
    if (!def || !insertMustSet(def, endFacts?.columns.get(column))) continue;
    // Added nullable, then made NOT NULL: the SET NOT NULL is what breaks inserts.
    const set = columnEvents(context, column).find((e) => e.type === "set-not-null" && addedAfterRecreate && e.at.position > addedAfterRecreate.at.position);
    if (set) {
      changes.push(change(set.at, "not-null-added", object, `makes new column ${object} NOT NULL with no default: inserts that do not set it fail` +
        (recreated ? "" : ", and this migration fails if the table has rows"), {
        hint: ADDED_NOT_NULL_HINT,
        ...(recreated ? {} : { liveCheck: { table, column, failsOn: "rows" as const } }),
      }));
    } else if (addedAfterRecreate) changes.push(addedNotNull(addedAfterRecreate.at, object, recreated ? null : table, column));
    else if (recreated) {
      changes.push(change(recreated, "not-null-added", object,
        `recreates table ${displayKey(table)} with new column ${identifier(column)} NOT NULL and no default: inserts that do not set it fail`, { hint: ADDED_NOT_NULL_HINT }));
    }
  }
  return changes;
}

function rlsChange(context: TableContext): BreakingChange[] {
  const { table, events, recreated, startFacts, endFacts } = context;
  const name = displayKey(table);
  const disabled = events.find((e) => e.type === "rls" && !e.enabled);
  if (startFacts && endFacts) {
    if (!startFacts.rls || endFacts.rls) return [];
    if (disabled && !(recreated && recreated.position > disabled.at.position)) {
      return [change(disabled.at, "rls-disabled", name, `disables row level security on ${name}: ${RLS_OFF}`)];
    }
    return recreated ? [change(recreated, "rls-disabled", name, `recreates table ${name} without row level security: ${RLS_OFF}`)] : [];
  }
  return lastRlsDisables(events) && disabled ? [change(disabled.at, "rls-disabled", name, `disables row level security on ${name}: ${RLS_OFF}`)] : [];
}

function policyChanges(context: TableContext): BreakingChange[] {
  const { batch, table, events, recreated } = context;
  const { model } = batch;
  const keys = new Set(batch.index.policiesOf.get(table) ?? []);
  for (const e of events) if (e.type === "drop-policy" || e.type === "alter-policy") keys.add(e.policy);
  const changes: BreakingChange[] = [];
  for (const key of keys) {
    const object = policyName(key);
    const own = events.filter((e) => (e.type === "drop-policy" || e.type === "alter-policy") && e.policy === key);
    const before = model.definitionAt("policy", key, batch.start);
    const after = model.definitionAt("policy", key, batch.end);
    if (!before) {
      const drop = own.find((e) => e.type === "drop-policy");
      if (drop && !after && stateOf(batch, "policy", key, drop.at.position) === "unknown") changes.push(unknownPolicyDropped(drop.at, object));
      continue;
    }
    const at = own[0]?.at ?? recreated;
    if (!at) continue;
    if (!after) {
      const dropped = own.some((e) => e.type === "drop-policy");
      changes.push(change(at, "dropped-policy", object, dropped
        ? `drops policy ${object}: the access it granted ends (with row level security on, clients lose those rows)`
        : `recreates table ${displayKey(table)} without policy ${object}: the access it granted ends`));
      continue;
    }
    const was = policyShape(batch, before, batch.start);
    const is = policyShape(batch, after, batch.end);
    const differences = was && is ? shapeChanges(was, is) : [];
    if (differences.length) changes.push(change(at, "policy-changed", object, `redefines policy ${object}: ${differences.join("; ")}`));
  }
  return changes;
}
