/**
 * Statements PostgreSQL refuses inside a transaction block. One list for both the linter
 * (non-transactional-statement) and the apply engine (such a statement must run alone, outside a
 * transaction), so the two never disagree.
 */

type Fields = Record<string, unknown>;

function kindOf(node: unknown): string | null {
  if (!node || typeof node !== "object") return null;
  const keys = Object.keys(node);
  return keys.length === 1 ? keys[0] : null;
}

function fieldsOf(node: unknown, kind: string): Fields | null {
  const value = node && typeof node === "object" ? (node as Fields)[kind] : null;
  return value && typeof value === "object" ? (value as Fields) : null;
}

/**
 * Why a statement cannot run inside a transaction block (PostgreSQL's PreventInTransactionBlock),
 * as the statement's name (`CREATE INDEX CONCURRENTLY`), or null when it can. ALTER TYPE … ADD
 * VALUE is allowed in a transaction since PostgreSQL 12 and is not listed.
 */
export function transactionRestriction(node: unknown): string | null {
  const kind = kindOf(node);
  const fields = kind ? fieldsOf(node, kind) ?? {} : {};
  switch (kind) {
    case "IndexStmt":
      return fields.concurrent === true ? "CREATE INDEX CONCURRENTLY" : null;
    case "DropStmt":
      return fields.concurrent === true ? "DROP INDEX CONCURRENTLY" : null;
    case "ReindexStmt": {
      const params = Array.isArray(fields.params) ? fields.params : [];
      const concurrently = params.some((p) => fieldsOf(p, "DefElem")?.defname === "concurrently");
      if (concurrently) return "REINDEX CONCURRENTLY";
      const scope = { REINDEX_OBJECT_SCHEMA: "SCHEMA", REINDEX_OBJECT_SYSTEM: "SYSTEM", REINDEX_OBJECT_DATABASE: "DATABASE" }[
        String(fields.kind)
      ];
      return scope ? `REINDEX ${scope}` : null;
    }
    case "VacuumStmt":
      return fields.is_vacuumcmd === true ? "VACUUM" : null;
    case "ClusterStmt":
      return fields.relation ? null : "CLUSTER (without a table)";
    case "AlterSystemStmt":
      return "ALTER SYSTEM";
    case "CreatedbStmt":
      return "CREATE DATABASE";
    case "DropdbStmt":
      return "DROP DATABASE";
    case "CreateTableSpaceStmt":
      return "CREATE TABLESPACE";
    case "DropTableSpaceStmt":
      return "DROP TABLESPACE";
    // Refused in a transaction when they create or drop a replication slot (the default).
    case "CreateSubscriptionStmt":
      return "CREATE SUBSCRIPTION";
    case "DropSubscriptionStmt":
      return "DROP SUBSCRIPTION";
    default:
      return null;
  }
}
