/**
 * The one place that talks to libpg-query (the real PostgreSQL parser compiled to WASM). Everything
 * else goes through these functions, so the parser's quirks (byte offsets, code-point error cursors,
 * errors thrown as exceptions) are turned into data here.
 */
type LibPgQuery = typeof import("libpg-query");

// Imported on demand: importing libpg-query starts compiling its 1.7 MB WebAssembly at once, and code that
// only imports the linter (its config, the rule registry, a cached `supamigrate lint`) must not pay for that.
let parser: LibPgQuery | null = null;
let loading: Promise<void> | null = null;

/** Loads the parser's WASM once; every other function here needs it. */
export function loadParser(): Promise<void> {
  loading ??= import("libpg-query").then(async (module) => {
    await module.loadModule();
    parser = module;
  });
  return loading;
}

/** The loaded parser (a bug to call before `loadParser()` resolved, as with libpg-query itself). */
function loaded(): LibPgQuery {
  if (parser === null) throw new Error("the SQL parser is not loaded: await loadParser() first");
  return parser;
}

/** One lexical token; offsets are UTF-8 bytes into the scanned text. */
export interface ScanToken {
  readonly start: number;
  readonly end: number;
  readonly tokenName: string;
  readonly keywordKind: number;
}

/** Scans text into tokens, or returns the scanner's message when the text cannot be tokenized. */
export function scanTokens(text: string): ScanToken[] | { error: string } {
  try {
    return (loaded().scanSync(text) as { tokens?: ScanToken[] }).tokens ?? [];
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

/** A parser rejection: message and 0-based code-point cursor into the parsed text (null when none). */
export interface ParserRejection {
  readonly message: string;
  readonly cursor: number | null;
}

/** The parse tree of one statement's text, or the rejection. */
export function parseStatementText(text: string): { stmts: unknown[] } | { rejection: ParserRejection } {
  try {
    const result = loaded().parseSync(text) as { stmts?: unknown[] };
    return { stmts: result.stmts ?? [] };
  } catch (error) {
    return { rejection: toRejection(error) };
  }
}

/** The PL/pgSQL parse of a CREATE FUNCTION statement (bodies checked as Postgres would at creation). */
export function parsePlpgsqlText(text: string): { functions: unknown[] } | { rejection: ParserRejection } {
  try {
    return { functions: loaded().parsePlPgSQLSync(text) as unknown as unknown[] };
  } catch (error) {
    return { rejection: toRejection(error) };
  }
}

function toRejection(error: unknown): ParserRejection {
  const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
  const cursor = typeof details?.cursorPosition === "number" && details.cursorPosition >= 0
    ? details.cursorPosition
    : null;
  return { message: errorMessage(error), cursor };
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The scanner's own message reaches us cut short inside a JSON.parse failure; the caller gets the
  // exact message and position by parsing the text, so say only what kind of failure this is.
  return /is not valid JSON/.test(message) ? "the text cannot be tokenized" : message;
}
