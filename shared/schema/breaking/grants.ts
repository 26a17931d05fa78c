/**
 * Privileges revoked: a REVOKE on an object clients had when the batch started (or one no migration
 * creates), from roles that a later GRANT of the batch does not give the privileges back to. A REVOKE
 * on what the batch itself created (the usual `revoke all on function f from public` right after
 * creating f) takes nothing from clients. Revoking role memberships and default privileges (future
 * objects only) is not reported.
 */
import { type Batch, change, stateOf } from "./context.ts";
import type { Event, GrantObject } from "./events.ts";
import type { BreakingChange } from "./types.ts";

type GrantEvent = Extract<Event, { type: "grant" }>;

export function grantChanges(batch: Batch): BreakingChange[] {
  const grants = batch.events.filter((e): e is GrantEvent => e.type === "grant");
  const changes: BreakingChange[] = [];
  for (const revoke of grants) {
    if (revoke.grant) continue;
    for (const object of revoke.objects) {
      const state = object.kind && object.key ? stateOf(batch, object.kind, object.key, revoke.at.position, object.prefix) : "unknown";
      if (state === "new" || state === "gone") continue;
      const later = grants.filter((g) => g.grant && g.at.position > revoke.at.position && g.objects.some((o) => sameObject(o, object)));
      const roles = revoke.grantees.filter((role) => !later.some((g) => g.grantees.includes(role) && covers(g.privileges, revoke.privileges)));
      if (roles.length === 0) continue;
      const privileges = revoke.privileges ? revoke.privileges.join(", ") : "all privileges";
      const unknown = state === "unknown" && object.kind !== null;
      const who = roles.length === 1 ? "that role" : "those roles";
      changes.push(change(revoke.at, "grant-revoked", object.display,
        `revokes ${privileges} on ${object.display} from ${roles.join(", ")}${unknown ? " (no earlier migration creates it)" : ""}: ` +
          `clients using ${who} lose ${revoke.privileges?.length === 1 ? "it" : "them"}`,
        { known: !unknown }));
    }
  }
  return changes;
}

function sameObject(a: GrantObject, b: GrantObject): boolean {
  return a.key !== null && b.key !== null ? a.kind === b.kind && a.key === b.key : a.display === b.display;
}

/** True when `granted` gives back every privilege in `revoked` (null: ALL). */
function covers(granted: readonly string[] | null, revoked: readonly string[] | null): boolean {
  if (granted === null || granted.includes("all")) return true;
  if (revoked === null) return false;
  return revoked.every((p) => granted.includes(p));
}
