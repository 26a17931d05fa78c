/**
 * What a policy means to clients, compared between two definitions: the command it covers, whether it
 * is permissive or restrictive, and the roles it applies to (as CREATE POLICY set them, or a later
 * ALTER POLICY … TO). Its USING and WITH CHECK expressions are not compared: refining which rows a
 * role sees is what a policy edit is for; who gets access at all is what clients notice.
 */
import { type Definition, positionOf } from "../model.ts";
import type { Json } from "../names.ts";
import type { Batch } from "./context.ts";
import { roleName } from "./events.ts";

export interface PolicyShape {
  readonly command: string;
  readonly permissive: boolean;
  /** Sorted role names (`public` for PUBLIC). */
  readonly roles: readonly string[];
}

/** A policy definition's shape just before `position`, or null for a definition without its statement. */
export function policyShape(batch: Batch, definition: Definition, position: number): PolicyShape | null {
  const body: Json = (definition.node as Json)?.CreatePolicyStmt;
  if (!body || !definition.place) return null;
  let roles: readonly string[] = Array.isArray(body.roles) ? body.roles.map(roleName) : ["public"];
  const defined = positionOf(definition.place.order, definition.place.statement);
  for (const alter of batch.policyRoles.get(definition.key) ?? []) {
    if (alter.position > defined && alter.position < position) roles = alter.roles;
  }
  return { command: typeof body.cmd_name === "string" ? body.cmd_name : "all", permissive: body.permissive === true, roles: [...roles].sort() };
}

/** What differs between two shapes, for the message: `roles authenticated → anon, authenticated`. */
export function shapeChanges(before: PolicyShape, after: PolicyShape): string[] {
  const changes: string[] = [];
  if (before.command !== after.command) changes.push(`command ${before.command} → ${after.command}`);
  if (before.permissive !== after.permissive) changes.push(`${kind(before)} → ${kind(after)}`);
  if (before.roles.join(",") !== after.roles.join(",")) changes.push(`roles ${before.roles.join(", ")} → ${after.roles.join(", ")}`);
  return changes;
}

function kind(shape: PolicyShape): string {
  return shape.permissive ? "permissive" : "restrictive";
}
