/**
 * Who may do what (docs/identity.md), shared by the function and its clients: the two scopes and how a
 * verified identity is written into `applied_by`. Which route needs which scope is the route table's
 * `access` (routes.ts).
 */

/**
 * A machine token's scopes: `read` for the routes that only look, `write` for those that change the
 * database or the tracking table (dry runs included: they run the SQL, or compare, then roll back);
 * write implies read. Each route's is its `access` in the route table (routes.ts). A signed-in user has
 * no scopes: a migration admin may call every route, anyone else none (status and plan show who applied
 * what, so a self-signed-up or anonymous user must not read them).
 */
export type Scope = "read" | "write";

export const SCOPES: readonly Scope[] = ["read", "write"];

/** The scopes a token holds, with write implying read. */
export function effectiveScopes(scopes: readonly Scope[]): Scope[] {
  return scopes.includes("write") ? ["read", "write"] : scopes.includes("read") ? ["read"] : [];
}

/** A machine token's name: what `applied_by` shows (`token:<name>`), never the token. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The `applied_by` text: the verified identity first, then what the client said about itself (its
 * `meta.actor`, e.g. the GitHub actor), which is unverified and only kept as extra information.
 */
export function actorText(verified: string, claimed: string | null | undefined): string {
  const extra = typeof claimed === "string" ? claimed.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, 200) : "";
  return extra && extra !== verified ? `${verified} (client: ${extra})` : verified;
}
