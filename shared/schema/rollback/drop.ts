/**
 * Inverses of DROP statements: the earlier definition of a view, function, trigger, policy, index, type
 * or extension (its CREATE statement's exact text); nothing for what an earlier migration already
 * removed or this migration created; a hand-written inverse for tables, schemas and sequences (their
 * rows go with them) and for anything no migration defines.
 */
import { nodeFields, sqlTokens } from "../../sql/names.ts";
import type { Json } from "../names.ts";
import { combine, definitionText, hand, type Inverse, type InverseContext, nothing, recreatedLater, whereDefined } from "./context.ts";
import { type DropTarget, dropTargets, liveDefinitions, removedBefore } from "./objects.ts";

/** Kinds whose DROP takes rows with it. */
const HOLDS_ROWS = new Set(["OBJECT_TABLE", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_SCHEMA", "OBJECT_FOREIGN_TABLE"]);

/** `DROP TABLE`, `DROP MATERIALIZED VIEW`… for messages. */
export function dropWords(body: Json): string {
  return `DROP ${String(body.removeType).replace(/^OBJECT_/, "").replace("MATVIEW", "MATERIALIZED_VIEW").replaceAll("_", " ")}`;
}

export function invertDrop(ctx: InverseContext, body: Json): Inverse {
  const words = dropWords(body);
  const ifExists = body.missing_ok === true;
  const parts = dropTargets(body).map((target) => invertTarget(ctx, body, target, words, ifExists));
  if (body.behavior === "DROP_CASCADE" && parts.some((p) => p.sql.length > 0)) {
    parts.push(hand(`what ${words} … CASCADE dropped along`, "CASCADE also dropped every object that depended on it: recreate those here too (the restore above brings back only the object itself)."));
  }
  return combine(parts);
}

function invertTarget(ctx: InverseContext, body: Json, target: DropTarget, words: string, ifExists: boolean): Inverse {
  const what = `${words} ${target.display}`;
  if (body.removeType === "OBJECT_PUBLICATION") return invertPublicationDrop(ctx, target, what, ifExists);
  const live = liveDefinitions(ctx.model, target, ctx.position);
  if (live.length > 0 && live.every((d) => d.place?.order === ctx.migration.order)) {
    return nothing(`this migration created it (${live.map((d) => whereDefined(ctx, d)).join(", ")}): it did not exist before`);
  }
  if (live.length === 0 && ifExists) {
    if (removedBefore(ctx.model, target, ctx.position)) return nothing("an earlier statement already removed it, so this drops nothing");
    if (!HOLDS_ROWS.has(body.removeType) && recreatedLater(ctx, target.kind!, target.key)) {
      return nothing("no earlier migration defines it, and this migration creates it again below");
    }
  }
  if (HOLDS_ROWS.has(body.removeType)) {
    const last = live[0] ? ` (its definition: ${whereDefined(ctx, live[0])}, and the ALTERs after it)` : "";
    return hand(what, `Recreate it${last}, then restore its rows from the pre-deployment backup.`);
  }
  if (live.length === 0) {
    return hand(what, "No earlier migration defines it, so supamigrate cannot restore it: recreate it here as it was before this migration.");
  }
  // (A `DROP FUNCTION f` without arguments may also take an overload this migration created: nothing to restore of that one.)
  return combine(live.filter((d) => d.place?.order !== ctx.migration.order).map((definition): Inverse => {
    const text = definitionText(ctx, definition);
    if (text === null) return hand(what, "It is Supabase's own: recreate it here as Supabase defines it.");
    return { sql: [restorable(definition.node, text)], handWritten: [], notes: [`restores the definition from ${whereDefined(ctx, definition)}`] };
  }));
}

/** Publications are not in the schema model: their statements come from the history. */
function invertPublicationDrop(ctx: InverseContext, target: DropTarget, what: string, ifExists: boolean): Inverse {
  const name = target.key ?? "";
  const statements = ctx.history.publications.get(name);
  if (statements) return { sql: statements, handWritten: [], notes: ["restores the publication as the earlier statements defined it"] };
  if (ifExists && laterCreatesPublication(ctx, name)) return nothing("no earlier migration defines it, and this migration creates it again below");
  return hand(what, "No earlier migration defines it: recreate it here (create publication … for table …).");
}

function laterCreatesPublication(ctx: InverseContext, name: string): boolean {
  return ctx.migration.parsed.statements.some((s) => s.index > ctx.statement.index && nodeFields(s.node, "CreatePublicationStmt")?.pubname === name);
}

/** An earlier CREATE as it can run inside the rollback's transaction: CREATE INDEX without CONCURRENTLY. */
function restorable(node: Record<string, unknown> | null, text: string): string {
  if (!nodeFields(node, "IndexStmt")?.concurrent) return text;
  const token = sqlTokens(text).find((t) => t.keyword === "concurrently");
  return token ? `${text.slice(0, token.start).trimEnd()} ${text.slice(token.end).trimStart()}` : text;
}
