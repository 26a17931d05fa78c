/**
 * What a catalog difference says, in the two places it is found: a dry run's rollback round trip (the
 * catalog before a file against the one after its rollback) and `verify --schema` (the migrations'
 * catalog against the live one).
 */
import type { CatalogDifference } from "../../protocol/catalog.ts";
import type { SideLabels } from "./compare.ts";

/** A round trip's two sides, as a `changed` detail names them. */
export const BEFORE_AND_AFTER: SideLabels = { expected: "before the migration", actual: "after the rollback" };

/** "rollback/020_x.sql leaves public.invoices.status behind" (`path`: the rollback file, `name`: its migration). */
export function roundTripMessage(path: string, name: string, difference: CatalogDifference): string {
  switch (difference.kind) {
    case "extra":
      return `${path} leaves ${difference.object} behind`;
    case "missing":
      return `${path} drops ${difference.object}, which was there before ${name}`;
    case "changed":
      return `${path} leaves ${difference.object} changed: ${difference.detail}`;
  }
}

/** "public.profiles.nickname is in the live database but not in the applied migrations (…)". */
export function schemaMessage(difference: CatalogDifference): string {
  switch (difference.kind) {
    case "extra":
      return `${difference.object} is in the live database but not in the applied migrations (added by hand or in the dashboard?)`;
    case "missing":
      return `${difference.object} is missing from the live database, though the applied migrations create it (dropped by hand, or a migration half-applied?)`;
    case "changed":
      return `${difference.object}: ${difference.detail}`;
  }
}
