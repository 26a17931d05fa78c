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

/** True when `presented` equals `expected`, in time that depends on neither value. */
export async function tokensMatch(presented: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  const left = new Uint8Array(a);
  const right = new Uint8Array(b);
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ right[i];
  return difference === 0;
}

/** A new random token: 32 bytes as 43 base64url characters (no padding). */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
