/**
 * Where a command sends its work: the function (`--url`, default `$SUPAMIGRATE_URL`, token from
 * `$SUPAMIGRATE_TOKEN`), the function reached through supabase-js (`--project-url` + `--anon-key`,
 * default `$SUPABASE_URL` + `$SUPABASE_ANON_KEY`; docs/identity.md) or the same engine run here
 * against a database (`--db-url`); or a target named in supamigrate.json (`--target NAME`, cli/targets.ts).
 */
import { createClient, createEngineClient, type FunctionClient, isRegionName } from "../shared/client/index.ts";
import { checkDbUrl, connectionFailureReason, dbUrlSecrets, redactDbUrl, scrubSecrets } from "../shared/protocol/db-url.ts";
import { explainInterruption, INTERRUPTED_DIRECT_RUN, INTERRUPTED_FUNCTION_RUN } from "./interrupt.ts";
import { nodeFetch } from "./node-fetch.ts";
import { type ErrorFormat, NOT_AUTHORIZED, reportError, UsageError } from "./output/errors.ts";
import { openProject as openLocalProject } from "./project.ts";
import { namedTarget, type NamedTarget } from "./targets.ts";

export interface TargetFlags {
  readonly url?: string;
  readonly dbUrl?: string;
  /** The Supabase project URL (`https://<ref>.supabase.co`): call the function with supabase-js. */
  readonly projectUrl?: string;
  /** The project's publishable / anon key (public; sent as `apikey`). */
  readonly anonKey?: string;
  /** The Supabase region to run the function in (`x-region`): the database's. */
  readonly region?: string;
  /** A target named in supamigrate.json's "targets": its URL and token variable, or its database URL variable. */
  readonly target?: string;
}

export interface Target {
  readonly client: FunctionClient;
  /** Where the work goes, for messages (never with a password or the token). */
  readonly description: string;
  /** What stopping the CLI in the middle of a run does to it (see cli/interrupt.ts). */
  readonly whenInterrupted: string;
  /** An error as the user should see it (a database target's: without its URL's password). */
  readonly cleanError?: (error: unknown) => unknown;
  close(): Promise<void>;
}

export async function openTarget(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (flags.target !== undefined) {
    const others = [flags.url && "--url", flags.dbUrl && "--db-url", flags.projectUrl && "--project-url", flags.anonKey && "--anon-key", flags.region && "--region"].filter(Boolean);
    if (others.length > 0) throw new UsageError(`--target ${flags.target} takes where to go from supamigrate.json: drop ${others.join(" and ")}.`);
    return await openNamedTarget(await namedTarget(flags.target), env);
  }
  if (flags.url && flags.dbUrl) throw new UsageError("give either --url (the function) or --db-url (a database), not both.");
  const given = [flags.url && "--url", flags.dbUrl && "--db-url", flags.projectUrl && "--project-url"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of --url (the function), --project-url (the project, through supabase-js) or --db-url (a database), not ${given.join(" and ")}.`);
  if (flags.dbUrl) {
    // Only the flag is refused: a CI job may set SUPAMIGRATE_REGION for all its steps.
    if (flags.region) throw new UsageError("--region places the function near the database; with --db-url no function runs: drop --region.");
    return await openDatabase(flags.dbUrl);
  }
  const region = checkedRegion(flags.region ?? env.SUPAMIGRATE_REGION);
  if (flags.anonKey && !flags.projectUrl && !env.SUPABASE_URL) throw new UsageError("--anon-key goes with --project-url https://<project-ref>.supabase.co.");
  if (flags.projectUrl || (!flags.url && !env.SUPAMIGRATE_URL && env.SUPABASE_URL)) {
    return await openProject(flags.projectUrl ?? env.SUPABASE_URL!, flags.anonKey ?? env.SUPABASE_ANON_KEY, region, env);
  }
  const url = flags.url ?? env.SUPAMIGRATE_URL;
  if (!url) {
    throw new UsageError(
      "no function URL: pass --url https://<project-ref>.supabase.co/functions/v1/supamigrate or set SUPAMIGRATE_URL " +
        "(or pass --db-url to run the engine directly against a database).",
    );
  }
  const base = functionBaseUrl(url);
  const client = createClient({ url: base, token: env.SUPAMIGRATE_TOKEN || null, fetch: nodeFetch, region });
  return { client, description: base, whenInterrupted: INTERRUPTED_FUNCTION_RUN, close: async () => {} };
}

/**
 * The function's base URL, checked: http(s), and no query string, fragment or user info — a token put
 * there would end up in logs and in our own messages, so the URL is refused without being repeated.
 */
export function functionBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("--url is not a URL: give the function's base URL, https://<project-ref>.supabase.co/functions/v1/supamigrate.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError("--url must be an http(s) URL ending in /functions/v1/supamigrate.");
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new UsageError(
      "--url must not carry a query string, fragment or user info (not repeated here, in case it holds a secret): " +
        "give the bare base URL and put the token in $SUPAMIGRATE_TOKEN.",
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The function through supabase-js: `functions.invoke` builds `<project>/functions/v1/supamigrate` and the apikey header. */
async function openProject(projectUrlText: string, anonKey: string | undefined, region: string | null, env: NodeJS.ProcessEnv): Promise<Target> {
  const projectUrl = checkedUrl(projectUrlText, "--project-url", "https://<project-ref>.supabase.co");
  if (!anonKey) {
    throw new UsageError("--project-url needs the project's publishable (anon) key: pass --anon-key <key> or set SUPABASE_ANON_KEY (Dashboard → Project Settings → API Keys).");
  }
  const supabase = await import("../shared/client/supabase.ts");
  const client = supabase.createSupabaseFunctionClient({
    supabase: await supabase.createSupabase(projectUrl, anonKey),
    projectUrl,
    token: env.SUPAMIGRATE_TOKEN || null,
    region,
  });
  return { client, description: supabase.functionsUrl(projectUrl), whenInterrupted: INTERRUPTED_FUNCTION_RUN, close: async () => {} };
}

function checkedUrl(text: string, flag: string, example: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} is not a URL: give ${example}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`${flag} must be an http(s) URL like ${example}.`);
  if (url.search || url.hash || url.username || url.password) {
    throw new UsageError(`${flag} must not carry a query string, fragment or user info (not repeated here, in case it holds a secret): give ${example}.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** A Supabase region name (`eu-central-1`), or null when none is given. */
function checkedRegion(text: string | undefined): string | null {
  if (!text) return null;
  if (!isRegionName(text)) {
    throw new UsageError(
      "--region (or SUPAMIGRATE_REGION) takes a Supabase region like eu-central-1 or us-east-1 (the value is not repeated " +
        "here, in case it is a secret put in the wrong place): give the region your project's database runs in.",
    );
  }
  return text;
}

/**
 * A target of supamigrate.json: the function at its `url` with the token from its `tokenEnv` variable and
 * its `region`, or the engine run here against the database whose URL is in its `dbUrlEnv` variable.
 */
export async function openNamedTarget(target: NamedTarget, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const { name, config } = target;
  if (config.dbUrlEnv !== undefined) {
    const dbUrl = env[config.dbUrlEnv];
    if (!dbUrl) throw new UsageError(`target ${name} reads its database URL from $${config.dbUrlEnv}, which is not set: set it (a CI secret) and run again.`);
    const opened = await openDatabase(dbUrl, `$${config.dbUrlEnv} (target ${name})`);
    return { ...opened, description: `${name} (${opened.description})` };
  }
  const token = env[config.tokenEnv!];
  if (!token) {
    throw Object.assign(new Error(`target ${name} reads its function's token from $${config.tokenEnv}, which is not set: set it to the value given to ` +
      "`supabase secrets set SUPAMIGRATE_TOKEN=…` on that project (a CI secret) and run again."), { code: NOT_AUTHORIZED });
  }
  const base = functionBaseUrl(config.url!);
  const client = createClient({ url: base, token, fetch: nodeFetch, region: config.region ?? null });
  return { client, description: `${name} (${base})`, whenInterrupted: INTERRUPTED_FUNCTION_RUN, close: async () => {} };
}

async function openDatabase(dbUrl: string, source = "--db-url"): Promise<Target> {
  // Checked before postgres.js sees it: its "Invalid URL" errors quote the whole URL, password included.
  const checked = checkDbUrl(dbUrl);
  if (!checked.ok) throw new UsageError(`${source} ${checked.problem}.`);
  const description = redactDbUrl(dbUrl);
  const [{ default: postgres }, { createEngine, ENGINE_SESSION_PARAMETERS }, { engineOptionsFromEnv }] =
    await Promise.all([import("postgres"), import("../shared/engine/index.ts"), import("../shared/engine/env-options.ts")]);
  // The engine's settings from the same variables the function reads (lock_timeout, backups, …): docs/function.md.
  const settings = engineOptionsFromEnv((name) => process.env[name], (name) => `export ${name}=…`);
  if (!settings.ok) throw new UsageError(`${settings.message}.`);
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {}, connect_timeout: 10, connection: { application_name: "supamigrate-cli", ...ENGINE_SESSION_PARAMETERS } });
  const engine = createEngine(sql, {
    ...settings.options,
    defaultActor: "supamigrate-cli",
    farFromDatabaseAdvice: "With --db-url the files go from here to the database one by one: apply through the function " +
      "(--url), which runs next to it, sends them in one request (docs/deploy.md).",
  });
  return {
    client: createEngineClient(engine, description), description, whenInterrupted: INTERRUPTED_DIRECT_RUN, close: () => engine.close(),
    cleanError: (error) => withoutDbSecrets(error, dbUrl, source),
  };
}

/**
 * An error from a `--db-url` run as the user should see it: a failed connection says why and what to
 * check, and no message shows the URL's password (a driver's error can quote the URL).
 */
function withoutDbSecrets(error: unknown, dbUrl: string, source = "--db-url"): unknown {
  const code = typeof (error as { code?: unknown } | null)?.code === "string" ? (error as { code: string }).code : null;
  const reason = code === null ? null : connectionFailureReason(code);
  // A refused login is a credential problem (exit 3), like the function's 401.
  const refused = code === "28P01" || code === "28000";
  if (reason !== null) return Object.assign(new Error(`could not connect to the database given with ${source}: ${reason}.`), { code: refused ? NOT_AUTHORIZED : "unreachable" });
  if (!(error instanceof Error)) return error;
  const message = scrubSecrets(error.message, dbUrlSecrets(dbUrl));
  return message === error.message ? error : Object.assign(new Error(message), { code });
}

/** Adds `--url`, `--project-url`, `--anon-key`, `--region`, `--db-url` and `--target` to a command. */
export function withTargetOptions<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option("--url <url>", "the function's base URL, …/functions/v1/supamigrate (default: $SUPAMIGRATE_URL; token from $SUPAMIGRATE_TOKEN)")
    .option("--project-url <url>", "the Supabase project URL, https://<ref>.supabase.co: call the function through supabase-js (default: $SUPABASE_URL when $SUPAMIGRATE_URL is unset)")
    .option("--anon-key <key>", "the project's publishable (anon) key, with --project-url (default: $SUPABASE_ANON_KEY)")
    .option("--region <region>", "run the function in this Supabase region, your database's, e.g. eu-central-1 (sent as x-region; default: $SUPAMIGRATE_REGION)")
    .option("--db-url <url>", "run the engine here, directly against this database, instead of through the function")
    .option("--target <name>", "a target named in supamigrate.json's \"targets\" (its function URL and token variable, or its database URL variable)");
}

/**
 * Opens the target, runs `work`, closes the target; errors become a message and exit code (`format`
 * json: plus a JSON line; github: plus `::error` annotations; `true` means json). With `runsFiles`
 * (apply, rollback), Ctrl-C / SIGTERM during the work say what the interrupted run leaves.
 */
export async function runWithTarget(
  command: string,
  flags: TargetFlags & { readonly dir?: string },
  format: boolean | ErrorFormat,
  work: (client: FunctionClient) => Promise<number>,
  options: { readonly runsFiles?: boolean } = {},
): Promise<number> {
  let target: Target | null = null;
  let stopExplaining = () => {};
  const json = format === true || format === "json";
  try {
    target = await openTarget(flags);
    if (options.runsFiles) stopExplaining = explainInterruption(command, target.whenInterrupted, json);
    return await work(target.client);
  } catch (error) {
    // github: the annotations name the files a refusal is about, in the folder as the user sees it.
    const dir = format === "github" ? await openLocalProject(flags.dir).then((project) => project.dir, () => null) : null;
    const cleaned = target?.cleanError ? target.cleanError(error) : flags.dbUrl ? withoutDbSecrets(error, flags.dbUrl) : error;
    return reportError(command, cleaned, { format: format === true ? "json" : format || "text", dir });
  } finally {
    stopExplaining();
    await target?.close().catch(() => {});
  }
}
