/**
 * `verify --schema` (and the comparison `diff` starts from): the live catalog (`GET catalog`) against the
 * catalog the applied migrations declare — the local files the tracking table lists as applied, run in
 * the order they were applied on a PGlite shadow (shadow.ts). Each difference is named:
 * "public.profiles.nickname is in the live database but not in the applied migrations (…)".
 */
import type { FunctionClient } from "../../shared/client/index.ts";
import { compareCatalogs } from "../../shared/engine/catalog/compare.ts";
import { schemaMessage } from "../../shared/engine/catalog/messages.ts";
import type { CatalogDifference, CatalogSnapshot } from "../../shared/protocol/catalog.ts";
import { annotation } from "../output/github.ts";
import type { LocalMigrationFolder } from "../project.ts";
import { buildShadow, type ShadowNote } from "./shadow.ts";

export interface SchemaCheck {
  readonly ok: boolean;
  /** The applied migrations the expected catalog was built from, in applied order. */
  readonly applied: readonly string[];
  /** Applied files that are not in the folder: left out of the expected catalog. */
  readonly missingLocally: readonly string[];
  readonly differences: readonly CatalogDifference[];
  /** Statements the shadow could not run (data steps on an empty database): left out of the expected catalog. */
  readonly notes: readonly ShadowNote[];
  /** Objects compared on the live side. */
  readonly objects: number;
  readonly live: CatalogSnapshot;
  readonly expected: CatalogSnapshot;
  /** How long the shadow took to build, ms. */
  readonly shadowMs: number;
}

export async function checkSchema(client: FunctionClient, folder: LocalMigrationFolder, placeholders: Readonly<Record<string, string>>): Promise<SchemaCheck> {
  const [status, live] = await Promise.all([client.status(), client.catalog()]);
  const local = new Map(folder.migrations.map((m) => [m.name, m]));
  const applied = status.applied.map((a) => a.name);
  const files = applied.filter((name) => local.has(name)).map((name) => ({ name, sql: local.get(name)!.sql }));
  const shadow = await buildShadow(files, placeholders);
  const differences = compareCatalogs(shadow.snapshot, live);
  return {
    ok: differences.length === 0,
    applied,
    missingLocally: applied.filter((name) => !local.has(name)),
    differences,
    notes: shadow.notes,
    objects: live.objects.length,
    live,
    expected: shadow.snapshot,
    shadowMs: shadow.durationMs,
  };
}

/** Text lines: notes, one line a difference (`schema: …`), then the verdict. */
export function schemaLines(check: SchemaCheck, dir: string): string[] {
  const folder = dir.replace(/\/+$/, "");
  const lines = [
    ...check.missingLocally.map((name) => `note: ${folder}/${name} is applied but not in the folder: what it declares is not in the expected schema.`),
    ...check.notes.map((n) => `note: ${folder}/${n.name}:${n.line}:${n.column}: left out of the expected schema, it fails on an empty shadow database: ${n.message}`),
    ...check.differences.map((d) => `schema: ${schemaMessage(d)}`),
  ];
  const migrations = `${check.applied.length} applied migration${check.applied.length === 1 ? "" : "s"}`;
  lines.push(check.ok
    ? `Schema verified: the live database matches the ${migrations} (${check.objects} objects compared).`
    : `Schema check failed: ${check.differences.length} difference${check.differences.length === 1 ? "" : "s"} between the live database and the ${migrations}; ` +
      "`supamigrate diff` writes a migration for what was changed on the live database.");
  return lines;
}

/** `--format github`: an `::error` for each difference (no file: the difference is in the database). */
export function schemaAnnotations(check: SchemaCheck): string[] {
  return check.differences.map((d) => annotation("error", { title: `schema ${d.kind}` }, schemaMessage(d)));
}

/** `--format json`: the `schema` member of verify's object. */
export function schemaJson(check: SchemaCheck): Record<string, unknown> {
  return {
    ok: check.ok,
    applied: check.applied.length,
    missingLocally: check.missingLocally,
    differences: check.differences.map((d) => ({ ...d, message: schemaMessage(d) })),
    notes: check.notes,
    objects: check.objects,
  };
}
