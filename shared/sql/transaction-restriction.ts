/**
 * Statements PostgreSQL refuses inside a transaction block. One list for both the linter
 * (non-transactional-statement) and the apply engine (such a statement must run alone, outside a
 * transaction), so the two never disagree.
 */
import { nodeFields, nodeKind } from "./ast.ts";

/**
 * Why a statement cannot run inside a transaction block (PostgreSQL's PreventInTransactionBlock),
 * as the statement's name (`CREATE INDEX CONCURRENTLY`), or null when it can. ALTER TYPE … ADD
 * VALUE is allowed in a transaction since PostgreSQL 12 and is not listed.
 */
export function transactionRestriction(node: unknown): string | null {
  const kind = nodeKind(node);
  const fields = kind ? nodeFields(node, kind) ?? {} : {};
  switch (kind) {
    case "IndexStmt":
      return fields.concurrent === true ? "CREATE INDEX CONCURRENTLY" : null;
    case "DropStmt":
      return fields.concurrent === true ? "DROP INDEX CONCURRENTLY" : null;
    case "ReindexStmt": {
      const params = Array.isArray(fields.params) ? fields.params : [];
      const concurrently = params.some((p) => nodeFields(p, "DefElem")?.defname === "concurrently");
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
