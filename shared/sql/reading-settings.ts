/**
 * Settings that change how the server reads SQL text. The engine splits a file with the PostgreSQL 18
 * parser, which reads strings with standard_conforming_strings on and the text as UTF-8; a file that
 * changes either makes the server read later statements differently from the parser — under
 * standard_conforming_strings = off, `select 'a\''; commit; --'` is one string to the parser and a
 * COMMIT to the server. The engine refuses such a file, and sets both at the start of every file.
 */
import { nodeFields } from "./ast.ts";

/** The settings, lower case. */
export const READING_SETTINGS = ["standard_conforming_strings", "client_encoding"] as const;

const MENTION = /\b(standard_conforming_strings|client_encoding)\b/i;

/**
 * The setting a statement may change, or null. Any mention counts (SET, set_config(), ALTER ROLE … SET,
 * a function's SET clause, EXECUTE in a DO block), since a change can hide in a string the parser does
 * not look into; so do SET NAMES (client_encoding) and RESET ALL (back to the role's defaults).
 */
export function readingSettingChange(statement: { readonly text: string; readonly node: Record<string, unknown> | null }): string | null {
  const mention = MENTION.exec(statement.text);
  if (mention) return mention[1].toLowerCase();
  const set = nodeFields(statement.node, "VariableSetStmt");
  if (set?.kind === "VAR_RESET_ALL") return "RESET ALL";
  if (typeof set?.name === "string" && (READING_SETTINGS as readonly string[]).includes(set.name)) return set.name;
  return null;
}
