/**
 * `supamigrate serve` as a library: the function in real Deno at
 * http://127.0.0.1:<port>/functions/v1/supamigrate, against `dbUrl` or an embedded PGlite database.
 * Tests and `npm start` call `startServe` in-process and `stop()` when done.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { generateToken, MIN_TOKEN_LENGTH } from "../../shared/protocol/auth.ts";
import { checkDbUrl } from "../../shared/protocol/db-url.ts";
import { functionBundle, functionConfig, functionSource, type FunctionProcess, startFunctionProcess } from "./deno.ts";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "./pglite.ts";

export const DEFAULT_PGLITE_DIR = ".supamigrate/pglite";

export interface ServeOptions {
  /** A Postgres URL; omitted: the embedded PGlite database in `pgliteDir`. */
  readonly dbUrl?: string;
  /** 0 or omitted: a free port. */
  readonly port?: number;
  /** Default `SUPAMIGRATE_TOKEN` from the environment, else a generated one. */
  readonly token?: string;
  /** Where PGlite keeps its files (default `.supamigrate/pglite` under the current directory). */
  readonly pgliteDir?: string;
  /** SQL run on the embedded database after its bootstrap, before the function starts (ignored with `dbUrl`). */
  readonly embeddedSeedSql?: string;
  /** Run the function's source instead of the built bundle (default: the bundle when built). */
  readonly source?: boolean;
  /** Extra environment for the function (e.g. SUPAMIGRATE_TIME_BUDGET_MS). */
  readonly env?: Readonly<Record<string, string>>;
  /** The function's request log lines; default: discarded. */
  readonly onOutput?: (line: string) => void;
  /** V8 flags for the function's Deno (default FUNCTION_V8_FLAGS in deno.ts). */
  readonly v8Flags?: readonly string[];
}

export interface Serve {
  /** The function's base URL: `http://127.0.0.1:<port>/functions/v1/supamigrate`. */
  readonly url: string;
  readonly token: string;
  /** True when the token was generated here (the CLI prints it). */
  readonly tokenGenerated: boolean;
  /** The database the function uses (the PGlite socket's URL when embedded). */
  readonly dbUrl: string;
  readonly embedded: boolean;
  /** Resolves with Deno's exit code if the function process ends on its own (or when stopped). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startServe(options: ServeOptions = {}): Promise<Serve> {
  const given = options.token ?? process.env.SUPAMIGRATE_TOKEN ?? "";
  if (given !== "" && given.length < MIN_TOKEN_LENGTH) {
    throw new Error(`SUPAMIGRATE_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters: unset it to have serve generate one, or use a longer one`);
  }
  // Refused here, described and never repeated (it holds the password), rather than started and failing on
  // every request.
  if (options.dbUrl) {
    const checked = checkDbUrl(options.dbUrl);
    if (!checked.ok) throw new Error(`--db-url ${checked.problem}.`);
  }
  const token = given || generateToken();
  let database: EmbeddedDatabase | null = null;
  if (!options.dbUrl) database = await startEmbeddedDatabase({ dataDir: resolve(options.pgliteDir ?? DEFAULT_PGLITE_DIR), seedSql: options.embeddedSeedSql });
  const dbUrl = options.dbUrl ?? database!.url;
  const useSource = options.source ?? !existsSync(functionBundle());
  let fn: FunctionProcess;
  try {
    fn = await startFunctionProcess({
      entry: useSource ? functionSource() : functionBundle(),
      config: useSource ? functionConfig() : undefined,
      port: options.port ?? 0,
      onOutput: options.onOutput,
      v8Flags: options.v8Flags,
      env: {
        ...options.env,
        SUPABASE_DB_URL: dbUrl,
        SUPAMIGRATE_TOKEN: token,
        // PGlite is one session behind a socket that takes one connection.
        ...(database ? { SUPAMIGRATE_DB_POOL_SIZE: "1" } : {}),
      },
    });
  } catch (error) {
    await database?.stop();
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    url: `${fn.origin}/functions/v1/supamigrate`,
    token,
    tokenGenerated: given === "",
    dbUrl,
    embedded: database !== null,
    exited: fn.exited,
    stop() {
      stopping ??= (async () => {
        await fn.stop();
        await database?.stop();
      })();
      return stopping;
    },
  };
}
