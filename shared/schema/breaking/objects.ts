/**
 * Breaking changes to views, types and schemas: live when the batch started and gone at its end. One
 * created again by the batch is not reported (its columns or values are not compared).
 */
import type { ObjectKind } from "../model.ts";
import { displayKey } from "../names.ts";
import { type Batch, change, stateOf } from "./context.ts";
import type { At } from "./events.ts";
import type { BreakingChange, BreakingKind } from "./types.ts";

export function objectChanges(batch: Batch): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const judged = new Set<string>();
  for (const event of batch.events) {
    if (event.type === "drop-view") push(changes, judged, gone(batch, "view", event.view, event.at, "dropped-view"));
    else if (event.type === "drop-type") push(changes, judged, gone(batch, "type", event.key, event.at, "dropped-type"));
    else if (event.type === "drop-schema") push(changes, judged, gone(batch, "schema", event.name, event.at, "dropped-schema"));
  }
  return changes;
}

function push(changes: BreakingChange[], judged: Set<string>, found: BreakingChange | null): void {
  if (!found || judged.has(`${found.kind}:${found.object}`)) return;
  judged.add(`${found.kind}:${found.object}`);
  changes.push(found);
}

const BREAKS: Readonly<Record<string, string>> = {
  view: "clients that read it break",
  type: "clients that send or read its values break",
  schema: "clients that use what is in it break",
};

function gone(batch: Batch, kind: ObjectKind, key: string, at: At, found: BreakingKind): BreakingChange | null {
  const state = stateOf(batch, kind, key, at.position);
  if (state !== "existing" && state !== "unknown") return null;
  const live = batch.model.definitionAt(kind, key, batch.end);
  if (live && (kind !== "view" || live.kind === "view")) return null;
  if (kind === "view" && state === "existing" && batch.model.definitionAt(kind, key, batch.start)?.kind !== "view") return null;
  const name = displayKey(key);
  if (state === "unknown") {
    return change(at, found, name, `drops ${kind} ${name}, which no earlier migration creates: if the database has it, ${BREAKS[kind]}`, { known: false });
  }
  const contents = kind === "schema" ? schemaContents(batch, key) : "";
  return change(at, found, name, `drops ${kind} ${name}${contents}: ${BREAKS[kind]}`);
}

/** ` with its 3 tables, 1 view and 2 functions` (what the schema held when the batch started), or "". */
function schemaContents(batch: Batch, schema: string): string {
  const counts = new Map<string, Set<string>>();
  for (const d of batch.model.definitions) {
    if (!d.key.startsWith(`${schema}.`) || !["table", "view", "function"].includes(d.kind)) continue;
    if (batch.model.definitionAt(d.kind, d.key, batch.start)?.kind !== d.kind) continue;
    const set = counts.get(d.kind) ?? new Set();
    counts.set(d.kind, set.add(d.key));
  }
  const parts = (["table", "view", "function"] as const)
    .map((kind) => ({ kind, n: counts.get(kind)?.size ?? 0 }))
    .filter((p) => p.n > 0)
    .map((p) => `${p.n} ${p.kind}${p.n === 1 ? "" : "s"}`);
  if (parts.length === 0) return "";
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return ` with its ${list}`;
}
