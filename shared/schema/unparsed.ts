/**
 * What a CREATE that does not parse still declares. The statement is reported once, by syntax-error; if the
 * model left its object out, every later statement that uses it would be reported again as a reference to
 * something no migration creates. Its kind and name are read from its first tokens (the scanner's, up to
 * the column list), as the author wrote them: `create [or replace] [temp|unlogged] table [if not exists] a.b`.
 */
import { foldIdentifier, headTokens, type SqlToken } from "../sql/names.ts";
import type { ObjectKind, Place, SchemaModel } from "./model.ts";
import { displayKey } from "./names.ts";

/** The kinds recovered, by the keyword(s) after CREATE and its modifiers. */
const KINDS: Readonly<Record<string, { readonly kind: ObjectKind; readonly display: string }>> = {
  table: { kind: "table", display: "table" },
  view: { kind: "view", display: "view" },
  "materialized view": { kind: "view", display: "materialized view" },
  sequence: { kind: "sequence", display: "sequence" },
  schema: { kind: "schema", display: "schema" },
  type: { kind: "type", display: "type" },
};

/** Words between CREATE and the object's kind that do not change what is created. */
const MODIFIERS = new Set(["global", "local", "temp", "temporary", "unlogged", "recursive"]);

/** The object a CREATE statement's text names, or null when the text is not such a CREATE (or names nothing readable). */
export function unparsedDeclaration(text: string): { readonly kind: ObjectKind; readonly key: string; readonly display: string } | null {
  if (!/^create\s/i.test(text)) return null;
  const tokens = headTokens(text, 0);
  const word = (i: number) => tokens[i]?.keyword ?? "";
  let at = 1;
  if (word(at) === "or" && word(at + 1) === "replace") at += 2;
  while (MODIFIERS.has(word(at))) at++;
  const two = KINDS[`${word(at)} ${word(at + 1)}`];
  const found = two ?? KINDS[word(at)];
  if (!found) return null;
  at += two ? 2 : 1;
  if (word(at) === "if" && word(at + 1) === "not" && word(at + 2) === "exists") at += 3;
  const parts = nameParts(tokens, at);
  if (parts.length === 0 || (found.kind === "schema" && (parts.length !== 1 || word(at) === "authorization"))) return null;
  const key = found.kind === "schema" ? parts[0] : `${parts.length > 1 ? parts[parts.length - 2] : "public"}.${parts[parts.length - 1]}`;
  return { kind: found.kind, key, display: `${found.display} ${displayKey(key)}` };
}

/** Records the object an unparsed CREATE names, as if it had been created (nothing when it names none). */
export function declareUnparsed(model: SchemaModel, text: string, place: Place, position: number): void {
  const declared = unparsedDeclaration(text);
  if (!declared) return;
  const { kind, key, display } = declared;
  // Its columns are unknown: foreign-key type checks against it are skipped, as for CREATE TABLE … AS.
  const table = kind === "table" || kind === "view" ? { key, columns: new Map(), primaryKey: [], unique: [], columnsKnown: false } : null;
  model.create({ kind, key, display, place, node: null, owner: null }, position, "keep", table);
}

/** The folded parts of a (possibly qualified) name starting at token `at`: `"My".b` → ["My", "b"]. */
function nameParts(tokens: readonly SqlToken[], at: number): string[] {
  const parts: string[] = [];
  if (!tokens[at]?.name) return parts;
  parts.push(foldIdentifier(tokens[at].text));
  while (tokens[at + 1]?.text === "." && tokens[at + 2]?.name) {
    at += 2;
    parts.push(foldIdentifier(tokens[at].text));
  }
  return parts;
}
