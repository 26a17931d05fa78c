/**
 * A file wrapped whole in BEGIN … COMMIT, as many public Supabase projects write them for the SQL
 * Editor: the pair only repeats what the runner does (one transaction per file), so the engine drops it
 * and the linter warns. Only that exact shape: a COMMIT or ROLLBACK anywhere else still ends the
 * runner's transaction and is refused.
 */
import { nodeFields } from "./ast.ts";

const OPENERS = new Set(["TRANS_STMT_BEGIN", "TRANS_STMT_START"]);

function transactionKind(statement: { readonly node: Record<string, unknown> | null }): string | null {
  const fields = nodeFields(statement.node, "TransactionStmt");
  return fields ? String(fields.kind) : null;
}

/** True when the first statement is BEGIN/START TRANSACTION, the last COMMIT/END, and no other transaction statement is in between. */
export function wrappedInTransaction(statements: readonly { readonly node: Record<string, unknown> | null }[]): boolean {
  if (statements.length < 2) return false;
  if (!OPENERS.has(transactionKind(statements[0]) ?? "") || transactionKind(statements[statements.length - 1]) !== "TRANS_STMT_COMMIT") return false;
  for (let i = 1; i < statements.length - 1; i++) if (transactionKind(statements[i]) !== null) return false;
  return true;
}
