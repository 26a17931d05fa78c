/**
 * Breaking changes to functions (what clients call with supabase.rpc): a function live when the batch
 * started that is gone at its end, replaced by another signature of the same name, created again with
 * a different result, or renamed. `DROP FUNCTION IF EXISTS f(…)` followed by `CREATE FUNCTION f(…)` with
 * the same arguments and result (the seed's redefinition pattern) breaks nothing; a later `CREATE OR
 * REPLACE FUNCTION` with the same signature never drops anything.
 */
import { type Definition, positionOf } from "../model.ts";
import { type Json, normalizeType } from "../names.ts";
import { liveDefinitions, removedBefore } from "../rollback/objects.ts";
import { type Batch, change, identifier, liveNamed, stateOf } from "./context.ts";
import type { At, Event } from "./events.ts";
import type { BreakingChange } from "./types.ts";

export function functionChanges(batch: Batch): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const judged = new Set<string>();
  for (const event of batch.events) {
    if (event.type === "drop-function") changes.push(...dropped(batch, event, judged));
    else if (event.type === "rename-function") changes.push(...renamed(batch, event, judged));
  }
  return changes;
}

function dropped(batch: Batch, event: Extract<Event, { type: "drop-function" }>, judged: Set<string>): BreakingChange[] {
  const { model } = batch;
  const { target, at } = event;
  const key = target.key!;
  const live = liveDefinitions(model, target, at.position);
  if (live.length === 0) {
    // Nothing of that name live here: dropped earlier, or never made by a migration.
    if (removedBefore(model, target, at.position) || judged.has(key)) return [];
    judged.add(key);
    const base = target.prefix ? key : key.slice(0, key.indexOf("(") + 1);
    // Created again by the batch (the seed's pattern, for a function no earlier migration made): its old form is unknown.
    if (liveNamed(batch, base, batch.end).length > 0) return [];
    return [change(at, "dropped-function", target.display,
      `drops function ${target.display}, which no earlier migration creates: if the database has it, clients that call it break`, { known: false })];
  }
  const changes: BreakingChange[] = [];
  for (const definition of live) {
    if (judged.has(definition.key)) continue;
    judged.add(definition.key);
    const before = model.definitionAt("function", definition.key, batch.start);
    if (!before) continue; // made by the batch
    const found = replaced(batch, at, before);
    if (found) changes.push(found);
  }
  return changes;
}

/** What became of a function the batch dropped: gone, another signature, or back with another result. */
function replaced(batch: Batch, at: At, before: Definition): BreakingChange | null {
  const { key } = before;
  const after = batch.model.definitionAt("function", key, batch.end);
  if (after) {
    const was = resultOf(before);
    const is = resultOf(after);
    if (was === null || is === null || was === is) return null;
    return change(at, "function-signature-changed", key, `changes what function ${key} returns from ${was} to ${is}: clients that read its result may break`);
  }
  const base = key.slice(0, key.indexOf("(") + 1);
  const added = liveNamed(batch, base, batch.end).filter((k) => !batch.model.definitionAt("function", k, batch.start));
  if (added.length > 0) {
    return change(at, "function-signature-changed", key, `replaces function ${key} with ${added.join(", ")}: calls with the old arguments break`);
  }
  return change(at, "dropped-function", key, `drops function ${key}: clients that call it break`);
}

function renamed(batch: Batch, event: Extract<Event, { type: "rename-function" }>, judged: Set<string>): BreakingChange[] {
  const { key, prefix, at } = event;
  const state = stateOf(batch, "function", key, at.position, prefix);
  if ((state !== "existing" && state !== "unknown") || judged.has(key)) return [];
  judged.add(key);
  // The model does not follow a function's rename: a CREATE of the old name later in the batch puts it back.
  const base = prefix ? key : null;
  const again = batch.model.definitions.some((d) =>
    d.kind === "function" && d.place && (base ? d.key.startsWith(base) : d.key === key) &&
    positionOf(d.place.order, d.place.statement) > at.position && positionOf(d.place.order, d.place.statement) < batch.end
  );
  if (again) return [];
  const name = event.display.replace(/^function /, "");
  const note = state === "unknown" ? ", which no earlier migration creates: if the database has it," : ":";
  return [change(at, "renamed-function", name, `renames function ${name} to ${event.to}${note} clients that call the old name break`, { known: state === "existing" })];
}

/** What a function returns, as clients read it: `integer`, `setof public.invoices`, `record (id uuid, total numeric)`. */
export function resultOf(definition: Definition): string | null {
  const body: Json = (definition.node as Json)?.CreateFunctionStmt;
  if (!body) return null;
  const outs: string[] = [];
  let table = false;
  for (const parameter of Array.isArray(body.parameters) ? body.parameters : []) {
    const p = parameter?.FunctionParameter;
    if (p && (p.mode === "FUNC_PARAM_OUT" || p.mode === "FUNC_PARAM_INOUT" || p.mode === "FUNC_PARAM_TABLE")) {
      outs.push(`${p.name ? `${identifier(p.name)} ` : ""}${normalizeType(p.argType)}`);
      table ||= p.mode === "FUNC_PARAM_TABLE";
    }
  }
  if (table) return `table (${outs.join(", ")})`;
  const returns = body.returnType ? `${body.returnType.setof ? "setof " : ""}${normalizeType(body.returnType)}` : "nothing (a procedure)";
  return outs.length ? `${returns} (${outs.join(", ")})` : returns;
}
