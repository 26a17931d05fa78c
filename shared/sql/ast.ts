/** Reading libpg-query parse trees: nodes are `{ Kind: { ...fields } }`. */

/** A libpg-query node: `{ Kind: { ...fields } }`. */
export type AstNode = Record<string, unknown>;

/** The node's kind (`CreateStmt` for `{ CreateStmt: {...} }`), or null for anything else. */
export function nodeKind(node: unknown): string | null {
  if (!isRecord(node)) return null;
  // Counts own keys without allocating `Object.keys(node)` (called for every statement by several rules).
  let kind: string | null = null;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    if (kind !== null) return null;
    kind = key;
  }
  return kind;
}

/** The fields of a node of the given kind, or null when the node is of another kind. */
export function nodeFields(node: unknown, kind: string): AstNode | null {
  if (!isRecord(node)) return null;
  const fields = node[kind];
  return isRecord(fields) ? fields : null;
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
