/**
 * PL/pgSQL compiles of statements (DO blocks, `language plpgsql` functions), by the text compiled: two
 * rules need them (require-if-not-exists reads the statements a DO block runs, syntax-error checks every
 * body), and the parser is the costliest part of a lint, so a text is compiled once for both of them.
 * Texts are compiled ahead of use several per parser call (`preparePlpgsql`); each result equals
 * compiling the text alone.
 */
import { parsePlpgsqlText, type ParserRejection } from "./parser.ts";
import { TextCache } from "./text-cache.ts";

/** libpg-query's PL/pgSQL parse of a text (`{ plpgsql_funcs: [...] }`), or the parser's rejection. */
export type PlpgsqlCompile = { readonly functions: unknown } | { readonly rejection: ParserRejection };

/**
 * Compiles by text. The editor re-lints on every keystroke, but each rule keeps what it derives by text
 * itself: this cache only has to carry a lint's compiles from one rule to the next.
 */
const compiled = new TextCache<PlpgsqlCompile>(2048);

/**
 * Text per joint parse. The parser's cost per call grows faster than its input (measured on 8,000 small
 * DO blocks: 0.2 s in calls of at most 8 KB, 1.3 s in calls of 256 KB, 7 s in one call), so one call
 * for all of a big file's texts would make linting quadratic in their number.
 */
const BATCH_CHARS = 8 * 1024;

/** The compile of one statement's text (a DO block or a CREATE FUNCTION): cached, else compiled on its own. */
export function compilePlpgsql(text: string): PlpgsqlCompile {
  return compiled.get(text, () => parsePlpgsqlText(text));
}

/** True when `text`'s compile is cached (then `compilePlpgsql` costs a look-up). */
export function isPlpgsqlCompiled(text: string): boolean {
  return compiled.has(text);
}

/**
 * Compiles the texts not yet cached, in calls of up to BATCH_CHARS. A joint call that fails (one text
 * is broken) or does not give one function per text caches nothing: its texts are compiled one by one
 * when asked for.
 */
export function preparePlpgsql(texts: Iterable<string>): void {
  let batch: string[] = [];
  let size = 0;
  const seen = new Set<string>();
  for (const text of texts) {
    if (seen.has(text) || compiled.has(text)) continue;
    seen.add(text);
    if (batch.length > 0 && size + text.length > BATCH_CHARS) {
      compileTogether(batch);
      batch = [];
      size = 0;
    }
    batch.push(text);
    size += text.length + 3;
  }
  compileTogether(batch);
}

function compileTogether(texts: readonly string[]): void {
  if (texts.length < 2) return;
  // `\n;\n` ends each statement even after a line comment without a newline.
  const result = parsePlpgsqlText(texts.join("\n;\n"));
  if (!("functions" in result)) return;
  const functions = (result.functions as { plpgsql_funcs?: unknown } | null)?.plpgsql_funcs;
  if (!Array.isArray(functions) || functions.length !== texts.length) return;
  texts.forEach((text, i) => compiled.set(text, { functions: { plpgsql_funcs: [functions[i]] } }));
}
