/** What to do about each kind of breaking change, in a sentence (the finding's help). */
import type { BreakingKind } from "./types.ts";

const HEADER = 'say what breaks in the migration\'s header comment ("Document breaking changes clearly")';

export const HINTS: Readonly<Record<BreakingKind, string>> = {
  "dropped-table": `Ship the clients that no longer use it first, then drop it in a later migration; ${HEADER}.`,
  "renamed-table": `Keep the old name working while clients move (a view under the old name), or ship the clients first; ${HEADER}.`,
  "dropped-column": "Stop selecting and writing it in every client (and regenerate the Supabase types) first, then drop it in a later migration.",
  "renamed-column": "Add the new column beside the old one and write both while clients move, then drop the old one in a later migration.",
  "column-type-changed": "Check every client that reads or writes it (and regenerate the Supabase types); to move without a break, " +
    "add a column of the new type, backfill it, switch the clients, then drop the old one.",
  "not-null-added": "Backfill the NULLs and make every client write the column before deploying (supamigrate plan counts the NULLs " +
    "on the live database), or give the column a DEFAULT.",
  "dropped-function": "Keep the function until no client calls it (supabase.rpc, triggers, other functions), then drop it in a later migration.",
  "renamed-function": "Create the function under the new name beside the old one, switch the callers, then drop the old one in a later migration.",
  "function-signature-changed": "Create the new version beside the old one (an overload or a new name), switch the callers, " +
    "then drop the old one in a later migration.",
  "dropped-policy": "If the access should stay, create the policy again in this migration (drop policy if exists …; create policy …, " +
    'the seed\'s pattern); otherwise check that no client relies on it ("Review RLS policies").',
  "policy-changed": 'Check that each client role still reads and writes the rows it needs ("Review RLS policies").',
  "rls-disabled": `Keep row level security enabled and write policies for the access you need; if opening the table is deliberate, ${HEADER}.`,
  "grant-revoked": "Check that no client using those roles needs the privilege; grant back in this migration what they do need.",
  "dropped-view": `Ship the clients that no longer read it first, then drop it in a later migration; ${HEADER}.`,
  "dropped-type": `Ship the clients that no longer send or read its values first, then drop it in a later migration; ${HEADER}.`,
  "dropped-schema": `Move or drop what clients still use only after the clients stop using it; ${HEADER}.`,
};

/** The hint for a NOT NULL column added with no default. */
export const ADDED_NOT_NULL_HINT = "Give the column a DEFAULT, or add it nullable, backfill it, and set NOT NULL in a later migration " +
  "once every client writes it.";
