/**
 * The contract checksum: SHA-256 (lower-case hex) of the file's UTF-8 text with a leading BOM removed
 * and CRLF turned into LF, so a Windows checkout and a Linux checkout of one file agree.
 */
import { withoutBom } from "./bom.ts";

/** The text the checksum is taken of. */
export function normalizeForChecksum(text: string): string {
  return withoutBom(text).replace(/\r\n/g, "\n");
}

/** SHA-256 hex of the normalized text, via WebCrypto (Node, Deno and VS Code's host alike). */
export async function migrationChecksum(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(normalizeForChecksum(text));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
