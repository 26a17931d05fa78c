/**
 * Bearer-token checks for the function (Web APIs only). Tokens are compared in constant time: both
 * sides are hashed with SHA-256 first (so lengths never leak) and the digests compared with a loop
 * that does not stop at the first difference.
 */

/** The shortest `SUPAMIGRATE_TOKEN` the function accepts (a generated token has 43 characters). */
export const MIN_TOKEN_LENGTH = 32;

/** The token of an `Authorization: Bearer <token>` header, or null when absent or malformed. */
export function bearerToken(header: string | null): string | null {
  if (header === null) return null;
  const match = /^Bearer ([A-Za-z0-9._~+\/=-]+)$/i.exec(header.trim());
  return match ? match[1] : null;
}

/** Whether `token` can travel in an `Authorization: Bearer` header (RFC 6750 token68 characters). */
export function bearerTokenShape(token: string): boolean {
  return /^[A-Za-z0-9._~+\/=-]+$/.test(token);
}

/** True when `presented` equals `expected`, in time that depends on neither value. */
export async function tokensMatch(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return sameDigest(a, b);
}

/**
 * For checking many strings against the same tokens (every part of a query string): each token is hashed
 * once, each candidate once, and a candidate is compared with every token without an early exit.
 */
export async function tokenMatcher(tokens: readonly string[]): Promise<(candidate: string) => Promise<boolean>> {
  const digests = await Promise.all(tokens.map(sha256));
  return async (candidate) => {
    const digest = await sha256(candidate);
    let matched = false;
    for (const token of digests) if (sameDigest(digest, token)) matched = true;
    return matched;
  };
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Compares two SHA-256 digests without stopping at the first difference. */
function sameDigest(left: Uint8Array, right: Uint8Array): boolean {
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ right[i];
  return difference === 0;
}

/**
 * The indexes of every candidate equal to `presented`. Each candidate is compared in constant time and
 * all of them are compared every time (no early exit), so timing says neither which token matched nor
 * how many are configured beyond their count.
 */
export async function matchingTokens(presented: string, candidates: readonly string[]): Promise<number[]> {
  const results = await Promise.all(candidates.map((candidate) => tokensMatch(presented, candidate)));
  const matches: number[] = [];
  results.forEach((matched, i) => {
    if (matched) matches.push(i);
  });
  return matches;
}

/** A new random token: 32 bytes as 43 base64url characters (no padding). */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
