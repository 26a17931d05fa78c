/**
 * A leading byte-order mark is not part of a migration: editors on Windows add one (VS Code's "UTF-8
 * with BOM"), the checksum leaves it out, and sent to Postgres it would be read as part of the first
 * word (`syntax error at or near "\uFEFFcreate"`).
 */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
