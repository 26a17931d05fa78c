/**
 * A statement's definition as comparable text: the parse tree's JSON without `location` fields and
 * without the guards that do not change what is defined (IF NOT EXISTS, OR REPLACE), so that
 * whitespace, comments, letter case of keywords and guards never make two definitions differ.
 * Function bodies (`AS $$…$$`) are compared with runs of whitespace collapsed.
 */
import type { Json } from "./names.ts";

const IGNORED_KEYS = new Set(["location", "if_not_exists", "replace", "stmt_location", "stmt_len"]);
const cache = new WeakMap<object, string>();

/** The canonical text of a statement node (cached per node object: parse trees are reused). */
export function fingerprint(node: Record<string, unknown>): string {
  const cached = cache.get(node);
  if (cached !== undefined) return cached;
  const text = canonical(node, false);
  cache.set(node, text);
  return text;
}

function canonical(value: Json, inBody: boolean): string {
  if (value === null || typeof value !== "object") {
    return typeof value === "string" && inBody ? JSON.stringify(value.replace(/\s+/g, " ").trim()) : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, inBody)).join(",")}]`;
  const body = inBody || (value.defname === "as" && "arg" in value);
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    if (IGNORED_KEYS.has(key)) continue;
    parts.push(`${JSON.stringify(key)}:${canonical(value[key], body && key === "arg" ? true : inBody)}`);
  }
  return `{${parts.join(",")}}`;
}
