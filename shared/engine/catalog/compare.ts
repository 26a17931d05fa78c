/**
 * Two catalog snapshots compared object by object (pure): what the actual catalog has that the expected
 * one lacks (`extra`), the reverse (`missing`), and objects in both whose properties differ (`changed`).
 * A difference of an object stands for its children: a table that is extra is one difference, not one
 * per column, index and policy of it.
 */
import type { CatalogChange, CatalogDifference, CatalogObject, CatalogSnapshot } from "../../protocol/catalog.ts";
import { KIND_ORDER } from "./snapshot.ts";

/** How the two sides are called in a `changed` difference's detail: `type text live, varchar(20) expected`. */
export interface SideLabels {
  readonly expected: string;
  readonly actual: string;
}

export const LIVE_VERSUS_EXPECTED: SideLabels = { expected: "expected", actual: "live" };

export function compareCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot, labels: SideLabels = LIVE_VERSUS_EXPECTED): CatalogDifference[] {
  const want = new Map(expected.objects.map((o) => [o.name, o]));
  const have = new Map(actual.objects.map((o) => [o.name, o]));
  const missing = new Set([...want.keys()].filter((name) => !have.has(name)));
  const extra = new Set([...have.keys()].filter((name) => !want.has(name)));
  const differences: Array<{ object: CatalogObject; difference: CatalogDifference }> = [];
  for (const object of expected.objects) {
    if (missing.has(object.name)) {
      if (!underOneOf(object, want, missing)) differences.push({ object, difference: { kind: "missing", object: object.name, objectKind: object.kind, detail: "" } });
      continue;
    }
    const changes = changedProperties(object, have.get(object.name)!);
    if (changes.length > 0) {
      differences.push({
        object,
        difference: { kind: "changed", object: object.name, objectKind: object.kind, detail: describeChanges(changes, labels), changes },
      });
    }
  }
  for (const object of actual.objects) {
    if (extra.has(object.name) && !underOneOf(object, have, extra)) {
      differences.push({ object, difference: { kind: "extra", object: object.name, objectKind: object.kind, detail: "" } });
    }
  }
  const rank = new Map(KIND_ORDER.map((kind, i) => [kind, i]));
  return differences
    .sort((a, b) => rank.get(a.object.kind)! - rank.get(b.object.kind)! || compareText(a.object.name, b.object.name))
    .map((d) => d.difference);
}

/** True when a parent (or its parent…) of `object` is itself in `set`: that difference stands for this one. */
function underOneOf(object: CatalogObject, objects: ReadonlyMap<string, CatalogObject>, set: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  let parent = object.parent;
  while (parent !== undefined && !seen.has(parent)) {
    if (set.has(parent)) return true;
    seen.add(parent);
    parent = objects.get(parent)?.parent;
  }
  return false;
}

function changedProperties(expected: CatalogObject, actual: CatalogObject): CatalogChange[] {
  const keys = [...new Set([...Object.keys(expected.properties), ...Object.keys(actual.properties)])];
  const changes: CatalogChange[] = [];
  for (const property of keys) {
    const want = expected.properties[property];
    const have = actual.properties[property];
    if (want === have) continue;
    changes.push({ property, ...(want === undefined ? {} : { expected: want }), ...(have === undefined ? {} : { actual: have }) });
  }
  return changes;
}

/** `type text live, varchar(20) expected; not null no live, yes expected`; a hash says only that it differs. */
export function describeChanges(changes: readonly CatalogChange[], labels: SideLabels): string {
  return changes.map(({ property, expected, actual }) => {
    if (isHash(expected) && isHash(actual)) return `${property} differs`;
    return `${property} ${shown(actual)} ${labels.actual}, ${shown(expected)} ${labels.expected}`;
  }).join("; ");
}

function isHash(value: string | undefined): boolean {
  return value !== undefined && /^(md5|sha256):[0-9a-f]+$/.test(value);
}

function shown(value: string | undefined): string {
  if (value === undefined) return "(none)";
  const flat = value.replace(/\s+/g, " ");
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
