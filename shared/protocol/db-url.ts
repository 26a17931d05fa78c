/**
 * Database URLs carry a password, so nothing here ever repeats one: a malformed URL is described by what
 * is wrong with it (which character, which part), never by quoting it. Runtime-neutral: the function
 * checks SUPABASE_DB_URL with it, the CLI checks `--db-url` and `serve --db-url`.
 *
 * Why check at all before handing the URL to the driver: postgres.js parses it with `new URL`, and a
 * password holding `#`, `/` or `?` (or a port that is not a number) makes that throw
 * `TypeError: Invalid URL: 'postgresql://user:<password>…'` in Deno — the whole URL, password included,
 * in the error message and so in every log that prints it.
 */

export type DbUrlCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** Characters that end the user-info part of a URL, or cannot stand in it, and their percent-encoding. */
const ENCODINGS: ReadonlyArray<readonly [string, string]> = [
  ["@", "%40"], ["#", "%23"], ["/", "%2F"], ["?", "%3F"], ["[", "%5B"], ["]", "%5D"], [" ", "%20"], ["\\", "%5C"],
];

const HOW_TO_ENCODE = "percent-encode them in the URL (encodeURIComponent(password) in JavaScript, " +
  "urllib.parse.quote(password, safe='') in Python), or reset the database password to letters and digits " +
  "(Dashboard → Project Settings → Database)";

const NOT_SHOWN = "(the URL is not shown here: it holds the password)";

/**
 * Null when `text` is a Postgres URL postgres.js (and libpq) read the way it was meant; else what is wrong
 * and how to fix it, without quoting any of it. `problem` reads after the name of the setting:
 * "SUPABASE_DB_URL <problem>", "--db-url <problem>".
 */
export function checkDbUrl(text: string): DbUrlCheck {
  if (!/^postgres(?:ql)?:\/\//i.test(text)) {
    return fail(`does not start with postgresql:// ${NOT_SHOWN}: give a connection string like ` +
      "postgresql://postgres:<password>@db.<project-ref>.supabase.co:5432/postgres (Dashboard → Connect)");
  }
  const { user, password, hostPart, hosts } = splitAuthority(text);
  const bad = [...new Set([...`${user ?? ""}${password ?? ""}`].filter((c) => ENCODINGS.some(([raw]) => raw === c)))];
  if (bad.length > 0) {
    const list = bad.map((c) => `${c === " " ? "a space" : `'${c}'`} → ${ENCODINGS.find(([raw]) => raw === c)![1]}`).join(", ");
    return fail(`has characters in its password or user name that a URL cannot carry as they are (${list}) ${NOT_SHOWN}: ` +
      `they cut the password short and the rest is read as the host, port or database; ${HOW_TO_ENCODE}`);
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(`${user ?? ""}${password ?? ""}`)) {
    return fail(`has a '%' in its password or user name that does not start a %XX escape ${NOT_SHOWN}: write a literal % as %25; ${HOW_TO_ENCODE}`);
  }
  for (const { port } of hosts) {
    if (port !== null && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
      return fail(`has a port that is not a number from 1 to 65535 ${NOT_SHOWN}: Supabase's database listens on 5432 ` +
        "(direct connection and session pooler); 6543 is the transaction pooler. If the password holds special characters, " +
        `what looks like the port may be part of it: ${HOW_TO_ENCODE}`);
    }
  }
  try {
    // As postgres.js does: of several hosts ("a:1,b:2") only the first goes through the URL parser.
    new URL(hostPart.includes(",") ? text.replace(hostPart, hostPart.split(",")[0]) : text);
  } catch {
    return fail(`is not a valid URL ${NOT_SHOWN}: copy the connection string again from Dashboard → Connect, and ` +
      `if the password has characters other than letters and digits, ${HOW_TO_ENCODE}`);
  }
  return { ok: true };
}

/** The URL with its password replaced by `***` and any query string by `?…`, for messages. */
export function redactDbUrl(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0];
  if (!scheme) return "(a database URL)";
  const rest = text.slice(scheme.length);
  const at = rest.lastIndexOf("@");
  const userinfo = at >= 0 ? rest.slice(0, at) : null;
  const after = at >= 0 ? rest.slice(at + 1) : rest;
  const user = userinfo === null ? "" : `${userinfo.split(":")[0]}${userinfo.includes(":") ? ":***" : ""}@`;
  const query = after.search(/[?#]/);
  return `${scheme}${user}${query >= 0 ? `${after.slice(0, query)}?…` : after}`;
}

/**
 * Every string of `text` that is or may be (part of) its password — raw, decoded and encoded, and the
 * pieces a mis-parse would cut it into — longest first, for scrubbing logs (`scrubSecrets`). Pieces
 * shorter than 4 characters are left out: they say nothing about the password and would blank out
 * ordinary words.
 */
export function dbUrlSecrets(text: string): string[] {
  const found = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value) return;
    for (const form of [value, safeDecode(value), encodeURIComponent(value)]) if (form && form.length >= 4) found.add(form);
  };
  add(text);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  const rest = text.slice(scheme.length);
  // Each '@' could be where the user info ends (libpq takes the first, URL parsers the last).
  for (let at = rest.indexOf("@"); at >= 0; at = rest.indexOf("@", at + 1)) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(":");
    if (colon < 0) continue;
    const password = userinfo.slice(colon + 1);
    add(password);
    for (const piece of password.split(/[@#/?:]/)) add(piece);
  }
  // libpq (and some drivers) also take `?password=…`.
  const query = rest.indexOf("?");
  if (query >= 0) {
    for (const pair of rest.slice(query + 1).split("&")) {
      const [name, value] = pair.split("=", 2);
      if (/pass|secret|token|key/i.test(safeDecode(name) ?? name)) add(value);
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every secret replaced by `***` (longest first). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join("***");
  }
  return out;
}

/** What a failed connection attempt means, by its error code (Node/Deno socket codes, postgres.js codes, SQLSTATE). */
export function connectionFailureReason(code: string): string | null {
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return `its host name was not found (${code}): check the host in the URL (db.<project-ref>.supabase.co, or the pooler's host from Dashboard → Connect)`;
    case "ECONNREFUSED":
      return "the connection was refused (ECONNREFUSED): check the host and port in the URL, and that the database is running";
    case "ETIMEDOUT":
    case "CONNECT_TIMEOUT":
    case "EHOSTUNREACH":
      return `the database did not answer (${code}): check the host and port in the URL, and that this machine can reach it (network, firewall, IPv6-only host)`;
    case "28P01":
      return "the password was rejected (28P01): check the password in the URL (percent-encoded where it has special characters), or reset it (Dashboard → Project Settings → Database)";
    case "28000":
      return "the server refused the login (28000): check the user name in the URL (on the pooler it is postgres.<project-ref>) and the server's allowed addresses";
    case "3D000":
      return "the database named in the URL does not exist (3D000): on Supabase it is postgres";
    case "53300":
      return "the database has no connection slot free (53300): retry in a moment, or lower other clients' pool sizes";
    case "57P01":
    case "57P03":
      return `the database is shutting down or starting up (${code}): retry in a moment`;
    default:
      return null;
  }
}

function fail(problem: string): DbUrlCheck {
  return { ok: false, problem };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The user, password and hosts as a person meant them: the user info ends at the **last** '@' (a
 * password with an unencoded '@' keeps it, and so does the diagnosis), the host part at the first '/',
 * '?' or '#' after that; several hosts are separated by ','.
 */
function splitAuthority(text: string): {
  user: string | null;
  password: string | null;
  hostPart: string;
  hosts: Array<{ host: string; port: string | null }>;
} {
  const rest = text.slice(text.indexOf("://") + 3);
  // The user info ends before the query string: a '@' in the query (rare) does not end it.
  const query = rest.indexOf("?");
  const scope = query >= 0 && rest.lastIndexOf("@", query) >= 0 ? rest.slice(0, query) : rest;
  const at = scope.lastIndexOf("@");
  const userinfo = at >= 0 ? rest.slice(0, at) : null;
  const hostPart = (at >= 0 ? rest.slice(at + 1) : rest).split(/[/?#]/)[0];
  const colon = userinfo?.indexOf(":") ?? -1;
  const user = userinfo === null ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = userinfo !== null && colon >= 0 ? userinfo.slice(colon + 1) : null;
  const hosts = hostPart.split(",").map((one) => {
    // [IPv6]:port or host:port
    const ipv6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(one);
    if (ipv6) return { host: ipv6[1], port: ipv6[2] || null };
    const last = one.lastIndexOf(":");
    return last >= 0 ? { host: one.slice(0, last), port: one.slice(last + 1) || null } : { host: one, port: null };
  });
  return { user, password, hostPart, hosts };
}
