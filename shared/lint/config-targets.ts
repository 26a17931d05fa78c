/**
 * The `"targets"` key of supamigrate.json: named places to apply to (docs/configuration.md, "Targets").
 *   "targets": {
 *     "staging":    { "url": "https://…/functions/v1/supamigrate", "tokenEnv": "SUPAMIGRATE_STAGING_TOKEN" },
 *     "production": { "url": "https://…/functions/v1/supamigrate", "tokenEnv": "SUPAMIGRATE_PRODUCTION_TOKEN", "requires": "staging" },
 *     "local":      { "dbUrlEnv": "LOCAL_DB_URL" }
 *   }
 * The file is committed with the project, so it names environment variables and never holds a secret:
 * a key or value that looks like one is refused without being repeated.
 */
import type { TargetConfig } from "./config-file.ts";

const TARGET_KEYS = ["url", "tokenEnv", "region", "dbUrlEnv", "requires"] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;
/** An environment variable's name, in capitals: a token or a URL never looks like one. */
const VARIABLE = /^[A-Z_][A-Z0-9_]{0,99}$/;
const REGION = /^[a-z]{2}-[a-z]+-[0-9]{1,2}$/;
/** Keys that would hold a secret, and the key that names its variable instead. */
const SECRET_KEYS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(db|database)_?url$|^connection_?string$|^password$|^dsn$/i, "dbUrlEnv"],
  [/token|secret|key|password|jwt|credential/i, "tokenEnv"],
];

/** `--targets all` means every target: no target may be called that. */
export const ALL_TARGETS = "all";

export interface TargetsResult {
  readonly targets: Record<string, TargetConfig>;
  readonly errors: string[];
}

/** Validates the value of `"targets"`; `source` names the file in messages. */
export function parseTargets(value: unknown, source: string): TargetsResult {
  const errors: string[] = [];
  const targets: Record<string, TargetConfig> = {};
  if (!isObject(value)) {
    return { targets, errors: [`${source}: "targets" must be an object of target name → {"url", "tokenEnv"} or {"dbUrlEnv"}`] };
  }
  for (const [name, given] of Object.entries(value)) {
    const where = `${source}: target ${JSON.stringify(name)}`;
    if (!NAME.test(name)) {
      errors.push(`${where}: a target name is letters, digits, "-" and "_" (at most 50), such as "staging"`);
      continue;
    }
    if (name === ALL_TARGETS) {
      errors.push(`${where}: "${ALL_TARGETS}" is reserved (--targets all means every target); pick another name`);
      continue;
    }
    if (!isObject(given)) {
      errors.push(`${where} must be an object such as {"url": "https://<project-ref>.supabase.co/functions/v1/supamigrate", "tokenEnv": "SUPAMIGRATE_TOKEN"}`);
      continue;
    }
    const target = parseTarget(given, where, errors);
    if (target) targets[name] = target;
  }
  for (const [name, target] of Object.entries(targets)) {
    const required = target.requires;
    if (required === undefined) continue;
    if (required === name) errors.push(`${source}: target "${name}" requires itself; "requires" names another target, such as "staging"`);
    else if (!Object.hasOwn(value, required)) {
      errors.push(`${source}: target "${name}" requires "${required}", which is not a target; the targets are ${quotedList(Object.keys(value))}`);
    } else if (requiresChain(targets, name).includes(name)) {
      errors.push(`${source}: target "${name}" requires itself through ${requiresChain(targets, name).slice(0, -1).map((n) => `"${n}"`).join(" → ")}; remove one "requires"`);
    }
  }
  return { targets, errors };
}

function parseTarget(given: Record<string, unknown>, where: string, errors: string[]): TargetConfig | null {
  const before = errors.length;
  let secrets = 0;
  for (const key of Object.keys(given)) {
    if ((TARGET_KEYS as readonly string[]).includes(key)) continue;
    const secret = SECRET_KEYS.find(([pattern]) => pattern.test(key));
    if (secret) secrets++;
    errors.push(secret
      ? `${where}: "${key}" would put a secret in the committed supamigrate.json (the value is not repeated here): ` +
        `keep it in an environment variable and name the variable with "${secret[1]}"`
      : `${where}: unknown key "${key}"; a target's keys are ${quotedList([...TARGET_KEYS])}`);
  }
  const text = (key: string): string | undefined => {
    const value = given[key];
    if (value === undefined) return undefined;
    if (typeof value === "string" && value.trim() !== "") return value;
    errors.push(`${where}: "${key}" must be a non-empty string`);
    return undefined;
  };
  const url = text("url");
  const tokenEnv = text("tokenEnv");
  const dbUrlEnv = text("dbUrlEnv");
  const region = text("region");
  const requires = text("requires");
  if (url !== undefined) checkFunctionUrl(url, where, errors);
  for (const [key, value, example] of [["tokenEnv", tokenEnv, "SUPAMIGRATE_STAGING_TOKEN"], ["dbUrlEnv", dbUrlEnv, "STAGING_DB_URL"]] as const) {
    if (value !== undefined && !VARIABLE.test(value)) {
      errors.push(`${where}: "${key}" names the environment variable that holds the ${key === "tokenEnv" ? "token" : "database URL"}, ` +
        `in capitals, such as "${example}" (the value is not repeated here, in case it is the secret itself)`);
    }
  }
  // A secret in the file is the one thing to fix first: its message says which key to use instead.
  if (secrets === 0) errors.push(...addressProblems(given, where));
  if (region !== undefined && !REGION.test(region)) {
    errors.push(`${where}: "region" is a Supabase region such as "eu-central-1" (the database's)`);
  }
  if (errors.length > before) return null;
  return {
    ...(url !== undefined ? { url } : {}),
    ...(tokenEnv !== undefined ? { tokenEnv } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(dbUrlEnv !== undefined ? { dbUrlEnv } : {}),
    ...(requires !== undefined ? { requires } : {}),
  };
}

/** A target is reached one way: the function (`url` with its `tokenEnv`, maybe a `region`) or a database (`dbUrlEnv`). */
function addressProblems(given: Record<string, unknown>, where: string): string[] {
  const function_ = given.url !== undefined;
  const database = given.dbUrlEnv !== undefined;
  if (!function_ && !database) {
    return [`${where}: give "url" (the function's URL, with "tokenEnv") or "dbUrlEnv" (a variable holding a database URL: the engine runs here)`];
  }
  if (function_ && database) return [`${where}: give either "url" (the function) or "dbUrlEnv" (a database), not both`];
  if (function_ && given.tokenEnv === undefined) {
    return [`${where}: "url" needs "tokenEnv", the environment variable holding that function's token, such as "SUPAMIGRATE_STAGING_TOKEN"`];
  }
  if (!database) return [];
  return ["tokenEnv", "region"].filter((key) => given[key] !== undefined)
    .map((key) => `${where}: "${key}" goes with "url"; with "dbUrlEnv" no function is called`);
}

/** The function's base URL: http(s), nothing that could hold a secret (user info, query, fragment). */
function checkFunctionUrl(text: string, where: string, errors: string[]): void {
  if (/^postgres(ql)?:/i.test(text.trim())) {
    errors.push(`${where}: "url" is a database URL, which carries its password (not repeated here): ` +
      `put it in an environment variable and name the variable with "dbUrlEnv"`);
    return;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    errors.push(`${where}: "url" is not a URL; give the function's, https://<project-ref>.supabase.co/functions/v1/supamigrate`);
    return;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    errors.push(`${where}: "url" must be an http(s) URL ending in /functions/v1/supamigrate`);
  } else if (url.username || url.password || url.search || url.hash) {
    errors.push(`${where}: "url" must not carry user info, a query string or a fragment (not repeated here, in case it holds a secret): ` +
      `give the bare URL and the token's variable in "tokenEnv"`);
  }
}

/** The targets `name` requires, one after the other, stopping at the first repeat. */
function requiresChain(targets: Record<string, TargetConfig>, name: string): string[] {
  const chain: string[] = [];
  for (let at = targets[name]?.requires; at !== undefined && Object.hasOwn(targets, at); at = targets[at].requires) {
    chain.push(at);
    if (at === name || chain.indexOf(at) !== chain.length - 1) break;
  }
  return chain;
}

function quotedList(items: readonly string[]): string {
  const quoted = items.map((item) => `"${item}"`);
  return quoted.length <= 1 ? (quoted[0] ?? "none") : `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
