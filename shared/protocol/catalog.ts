/**
 * The database catalog as `GET catalog` answers it and the engine compares it (shared/engine/catalog/):
 * the user's objects, each named the way messages name it, with its compared properties as normalized
 * strings, and the differences between two such snapshots. docs/schema-verify.md says what is in it.
 */

/** What a catalog object is. */
export type CatalogObjectKind =
  | "schema"
  | "extension"
  | "type"
  | "sequence"
  | "table"
  | "column"
  | "constraint"
  | "index"
  | "view"
  | "function"
  | "policy"
  | "trigger";

/** One object of the catalog. */
export interface CatalogObject {
  readonly kind: CatalogObjectKind;
  /**
   * Its name in messages, unique in a snapshot: a table `public.invoices`, a column `public.invoices.status`,
   * others with their kind (`index public.invoices_status_idx`, `policy "x" on public.t`,
   * `function public.f(integer)`). Identifiers are quoted as SQL quotes them (`quote_ident`), policies always.
   */
  readonly name: string;
  /** The object it belongs to (a column's table, a table's schema): a difference of the parent stands for its children. */
  readonly parent?: string;
  /** Its own identifier as SQL writes it (a column's, constraint's, policy's, trigger's name; a table's qualified name). */
  readonly identifier: string;
  /** A column's place in its table (its attnum): not compared (a column re-added by hand moves to the end), used to write a table back. */
  readonly position?: number;
  /** What is compared, each a normalized string (`type`: `varchar(20)`, `not null`: `yes`); a hash is written `md5:<hex>` or `sha256:<hex>`. */
  readonly properties: Readonly<Record<string, string>>;
}

/** `GET catalog` answer. */
export interface CatalogSnapshot {
  /** The format of this answer (1). */
  readonly format: 1;
  /** The server's `server_version` (e.g. `15.8`), for messages only: snapshots of two versions are normalized to compare. */
  readonly server: string;
  /** Every object, ordered by kind and name. */
  readonly objects: readonly CatalogObject[];
}

/** A property that differs between the expected and the actual catalog. */
export interface CatalogChange {
  readonly property: string;
  /** Absent when the expected object lacks the property. */
  readonly expected?: string;
  readonly actual?: string;
}

/**
 * One difference: `extra` — in the actual catalog only (the live database; after a rollback: left
 * behind), `missing` — in the expected one only, `changed` — in both, with properties that differ.
 */
export interface CatalogDifference {
  readonly kind: "extra" | "missing" | "changed";
  /** The object's name (CatalogObject.name). */
  readonly object: string;
  readonly objectKind: CatalogObjectKind;
  /** For `changed`: what differs, e.g. `type text live, varchar(20) expected`; empty otherwise. */
  readonly detail: string;
  readonly changes?: readonly CatalogChange[];
}
