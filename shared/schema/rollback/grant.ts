/**
 * GRANT → REVOKE and REVOKE → GRANT (of privileges, of roles, and in ALTER DEFAULT PRIVILEGES), by
 * rewriting the statement's own text: `grant … to r` → `revoke … from r`.
 */
import { sqlTokens, type SqlToken } from "../../sql/names.ts";
import type { Json } from "../names.ts";
import { hand, type Inverse, sql } from "./context.ts";
import { statementSummary } from "./sql-text.ts";

/** The inverse of a GrantStmt, GrantRoleStmt or AlterDefaultPrivilegesStmt (whose `action` is a GrantStmt). */
export function invertGrant(text: string, body: Json): Inverse {
  const isGrant = body.is_grant === true || body.action?.is_grant === true;
  const flipped = isGrant ? grantToRevoke(text) : revokeToGrant(text);
  if (flipped === null) {
    return hand(statementSummary(text), `supamigrate cannot restate this as a ${isGrant ? "REVOKE" : "GRANT"}: write the inverse here.`);
  }
  const inverse = sql(flipped);
  // Supabase's default privileges are privileges on objects: the caution does not apply to a role membership.
  if (!isGrant || body.granted_roles) return inverse;
  return { ...inverse, notes: ["if a role held this privilege before the migration (Supabase grants anon, authenticated and service_role on public by default), delete this revoke"] };
}

/** Depth-0 tokens of a statement (inside no parentheses), with their indexes. */
function topLevel(tokens: readonly SqlToken[]): number[] {
  const out: number[] = [];
  let depth = 0;
  tokens.forEach((t, i) => {
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (depth === 0) out.push(i);
  });
  return out;
}

function grantToRevoke(text: string): string | null {
  const tokens = sqlTokens(text);
  const top = topLevel(tokens);
  const verb = top.find((i) => tokens[i].keyword === "grant");
  const to = [...top].reverse().find((i) => tokens[i].keyword === "to");
  if (verb === undefined || to === undefined || to < verb) return null;
  // `with grant option` / `with admin option` ends the grantee list; REVOKE takes neither (revoking the privilege revokes the option too).
  const option = top.find((i) => i > to && tokens[i].keyword === "with");
  const granted = top.find((i) => i > to && tokens[i].keyword === "granted");
  const end = Math.min(option ?? tokens.length, granted ?? tokens.length);
  const grantees = text.slice(tokens[to].end, end < tokens.length ? tokens[end].start : lastEnd(tokens)).trim().replace(/;$/, "").trim();
  const grantedBy = granted !== undefined ? ` ${text.slice(tokens[granted].start, lastEnd(tokens)).trim().replace(/;$/, "").trim()}` : "";
  return `${text.slice(0, tokens[verb].start)}revoke${text.slice(tokens[verb].end, tokens[to].start)}from ${grantees}${grantedBy};`;
}

function revokeToGrant(text: string): string | null {
  const tokens = sqlTokens(text);
  const top = topLevel(tokens);
  const verb = top.find((i) => tokens[i].keyword === "revoke");
  const from = [...top].reverse().find((i) => tokens[i].keyword === "from");
  if (verb === undefined || from === undefined || from < verb) return null;
  // REVOKE GRANT OPTION FOR / ADMIN OPTION FOR takes back only the option: its inverse is a GRANT … WITH … OPTION.
  const optionFor = tokens[verb + 2]?.keyword === "option" && tokens[verb + 3]?.keyword === "for" ? tokens[verb + 1].keyword : null;
  if (optionFor !== null && optionFor !== "grant" && optionFor !== "admin") return null;
  const privilegesStart = optionFor ? tokens[verb + 4]?.start : tokens[verb].end;
  if (privilegesStart === undefined) return null;
  const granted = top.find((i) => i > from && tokens[i].keyword === "granted");
  const behavior = top.find((i) => i > from && (tokens[i].keyword === "cascade" || tokens[i].keyword === "restrict"));
  const end = Math.min(granted ?? tokens.length, behavior ?? tokens.length);
  const grantees = text.slice(tokens[from].end, end < tokens.length ? tokens[end].start : lastEnd(tokens)).trim().replace(/;$/, "").trim();
  const option = optionFor ? ` with ${optionFor} option` : "";
  const grantedBy = granted !== undefined ? ` ${text.slice(tokens[granted].start, behavior !== undefined && behavior > granted ? tokens[behavior].start : lastEnd(tokens)).trim().replace(/;$/, "").trim()}` : "";
  return `${text.slice(0, tokens[verb].start)}grant ${text.slice(privilegesStart, tokens[from].start).trim()} to ${grantees}${option}${grantedBy};`;
}

function lastEnd(tokens: readonly SqlToken[]): number {
  return tokens.length ? tokens[tokens.length - 1].end : 0;
}
