/**
 * Turns a migration file's bytes into text. Migrations are UTF-8 (the checksum is of the UTF-8 text):
 * bytes that are not valid UTF-8 are reported as a finding instead of being guessed at.
 */

export interface DecodedFile {
  /** The text (a leading BOM removed); replacement characters stand in for bad bytes when `error` is set. */
  readonly text: string;
  /** Why the bytes are not a migration's text, or null. */
  readonly error: string | null;
}

/** Decodes UTF-8 strictly; on failure says where the first bad byte is and how to fix it. */
export function decodeSqlBytes(bytes: Uint8Array): DecodedFile {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), error: null };
  } catch {
    return {
      text: new TextDecoder("utf-8").decode(bytes),
      error: `the file is not valid UTF-8 text (first bad byte at offset ${firstBadByte(bytes)}); ` +
        "save it as UTF-8 (in VS Code: \"Reopen with Encoding\", then \"Save with Encoding\" → UTF-8) so it can be linted and applied",
    };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstBadByte(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return at;
    for (let k = 1; k < length; k++) {
      if (at + k >= bytes.length || (bytes[at + k] & 0xc0) !== 0x80) return at;
    }
    at += length;
  }
  return at;
}
