/**
 * Table statements judged at their word, where the state before the batch cannot be compared with the
 * state after it: a table no migration creates, a column none adds, a table whose columns the model
 * cannot list. Also the messages both kinds of table findings share.
 */
import { displayKey } from "../names.ts";
import { type Batch, change, columnName, identifier, policyName, stateOf } from "./context.ts";
import { insertMustSet } from "./columns.ts";
import type { At, Event } from "./events.ts";
import { ADDED_NOT_NULL_HINT } from "./hints.ts";
import type { BreakingChange } from "./types.ts";

export type TableEvent = Extract<Event, { readonly table: string }>;

export const BREAK_USE = "clients that select or write it break";

/** In a message about a column of a table no earlier migration creates, or a column none creates. */
export const UNKNOWN_TABLE = (table: string) => `table ${table}, which no earlier migration creates: if the database has it, `;
export const UNKNOWN_COLUMN = () => "no earlier migration creates this column: if the database has it, ";

/** After an object's name in a message, when no earlier migration creates the object. */
export const UNKNOWN_NOTE = ", which no earlier migration creates: if the database has it, ";

export const RLS_OFF = "every row is open to any role with privileges on the table (in an API-exposed schema such as public: anon and authenticated)";

/** True when the last row level security statement of the events disables it. */
export function lastRlsDisables(events: readonly TableEvent[]): boolean {
  const last = [...events].reverse().find((e) => e.type === "rls");
  return last?.type === "rls" && !last.enabled;
}

export function setNotNull(at: At, object: string, liveCheck: BreakingChange["liveCheck"]): BreakingChange {
  return change(at, "not-null-added", object, `makes column ${object} NOT NULL: writes that leave it NULL fail` +
    (liveCheck ? ", and this migration fails if a row holds NULL in it" : ""), { liveCheck });
}

/** A NOT NULL column with no default added; `table` when the table keeps its rows (the migration fails if it has any). */
export function addedNotNull(at: At, object: string, table: string | null, column: string, known = true): BreakingChange {
  return change(at, "not-null-added", object, `adds column ${object} NOT NULL with no default: inserts that do not set it fail` +
    (table ? ", and this migration fails if the table has rows" : ""), {
    known,
    hint: ADDED_NOT_NULL_HINT,
    ...(table ? { liveCheck: { table, column, failsOn: "rows" as const } } : {}),
  });
}

export function unknownPolicyDropped(at: At, object: string): BreakingChange {
  return change(at, "dropped-policy", object, `drops policy ${object}${UNKNOWN_NOTE}the access it granted ends`, { known: false });
}

/**
 * Events judged at their word: the statements of a table no migration creates (made by hand before the
 * migrations were adopted; `known` false), or the column statements of a table whose columns the
 * model cannot list (CREATE TABLE … AS).
 */
export function atTheirWord(batch: Batch, table: string, events: readonly TableEvent[], known: boolean, unknownNote = UNKNOWN_TABLE): BreakingChange[] {
  const { model } = batch;
  const name = displayKey(table);
  const changes: BreakingChange[] = [];
  const options = { known };
  const then = (consequence: string) => (known ? `: ${consequence}` : ` (${unknownNote(name)}${consequence})`);
  const addedBefore = (e: TableEvent, column: string) =>
    events.some((o) => o.at.position < e.at.position && o.type === "add-column" && o.column === column);
  let rlsReported = false;
  for (const e of events) {
    const object = "column" in e ? columnName(table, e.column) : name;
    if ("column" in e && e.type !== "add-column" && addedBefore(e, e.column)) continue;
    switch (e.type) {
      case "drop-table":
      case "rename-table":
        if (model.definitionAt("table", table, batch.end)) continue;
        // The table is gone: what else happened to it does not matter to clients.
        return [e.type === "drop-table"
          ? change(e.at, "dropped-table", name, `drops table ${name}${UNKNOWN_NOTE}clients that read or write it break`, options)
          : change(e.at, "renamed-table", name, `renames table ${name} to ${displayKey(e.to)}${UNKNOWN_NOTE}clients that use the old name break`, options)];
      case "drop-column":
        changes.push(change(e.at, "dropped-column", object, `drops column ${object}${then(BREAK_USE)}`, options));
        break;
      case "rename-column":
        changes.push(change(e.at, "renamed-column", object, `renames column ${object} to ${identifier(e.to)}${then("clients that use the old name break")}`, options));
        break;
      case "alter-type":
        changes.push(change(e.at, "column-type-changed", object, `changes the type of column ${object} to ${e.to}${then("clients that read or write it may break")}`, options));
        break;
      case "set-not-null":
        changes.push(change(e.at, "not-null-added", object,
          `makes column ${object} NOT NULL${then("writes that leave it NULL fail, and this migration fails if a row holds NULL in it")}`,
          { known, liveCheck: { table, column: e.column, failsOn: "nulls" } }));
        break;
      case "add-column":
        if (insertMustSet(e.def, null)) changes.push(addedNotNull(e.at, object, table, e.column, known));
        break;
      case "rls":
        if (!e.enabled && !rlsReported && lastRlsDisables(events)) {
          rlsReported = true;
          changes.push(change(e.at, "rls-disabled", name, `disables row level security on ${name}${then(RLS_OFF)}`, options));
        }
        break;
      case "drop-policy":
        if (!model.definitionAt("policy", e.policy, batch.end) && stateOf(batch, "policy", e.policy, e.at.position) === "unknown") {
          changes.push(unknownPolicyDropped(e.at, policyName(e.policy)));
        }
        break;
    }
  }
  return changes;
}
