/**
 * 400 `token-in-url`: a token in the query string ends up in access logs, proxies and browser history,
 * so the request is refused (and the token should be rotated). Checked before anything else, on every
 * route including `health`.
 *
 * Every part of the query is looked at — names and values, as parsed and as written — because a token
 * can arrive as a bare key (`?s3cr3t-token`), and URL parsing changes it: `+` becomes a space, and a
 * base64 token's `=` padding splits it into a name and a value.
 */
import { tokenMatcher } from "../../../../shared/protocol/auth.ts";
import { looksLikeJwt } from "../identity/jwt.ts";
import { errorResponse } from "./errors.ts";

const TOKEN_PARAMS = new Set(["token", "access_token", "apikey", "api_key", "key", "auth", "authorization", "bearer", "secret"]);

export async function refuseTokenInUrl(url: URL, tokens: readonly string[]): Promise<Response | null> {
  if (url.search.length <= 1) return null;
  let found = false;
  for (const name of url.searchParams.keys()) if (TOKEN_PARAMS.has(name.toLowerCase())) found = true;
  const isToken = await tokenMatcher(tokens);
  for (const candidate of queryParts(url)) {
    if (looksLikeJwt(candidate)) found = true;
    // Compared with every configured token (no early exit): timing says nothing about which one.
    if (await isToken(candidate)) found = true;
  }
  if (!found) return null;
  return errorResponse(400, "token-in-url", "do not put a token in the URL: send it in the Authorization header (Authorization: Bearer <token>); query strings end up in logs. If this token was real, rotate it (`supabase secrets set SUPAMIGRATE_TOKEN=<new token>`, or the entry in SUPAMIGRATE_TOKENS; a user signs out and in again).");
}

/** Each non-empty name, value and whole `name=value` piece of the query, parsed and raw, split on spaces too (`Bearer <token>`). */
function queryParts(url: URL): Set<string> {
  const parts = new Set<string>();
  const add = (text: string | null) => {
    if (!text) return;
    parts.add(text);
    for (const word of text.split(/\s+/)) if (word) parts.add(word);
  };
  for (const [name, value] of url.searchParams) {
    add(name);
    add(value);
  }
  for (const piece of url.search.replace(/^\?/, "").split("&")) {
    add(piece);
    add(decode(piece));
    const equals = piece.indexOf("=");
    if (equals >= 0) {
      add(piece.slice(0, equals));
      add(piece.slice(equals + 1));
      add(decode(piece.slice(0, equals)));
      add(decode(piece.slice(equals + 1)));
    }
  }
  return parts;
}

/** Percent-decoding without turning `+` into a space (a base64 token keeps its `+`). */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
