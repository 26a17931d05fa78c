/**
 * Turns a refusal (an HTTP error answer or an engine Rejection) into a FunctionCallError whose message
 * says what went wrong and how to fix it. The token is never part of a message.
 */
import type { Refusal } from "../protocol/route-engine.ts";
import { FunctionCallError } from "./errors.ts";

export interface RefusalContext {
  /** The function's base URL (or a description of the database in `--db-url` mode). */
  readonly target: string;
  /** Whether a token was sent (401 says "missing" or "wrong"). */
  readonly tokenSent: boolean;
  /** "session": the call carried a signed-in user's session (the extension), not SUPAMIGRATE_TOKEN. */
  readonly credentials?: "token" | "session";
}

export function describeRefusal(refusal: Refusal, context: RefusalContext): FunctionCallError {
  const { status, code, details } = refusal;
  const serverMessage = refusal.message.trim();
  const make = (message: string) => new FunctionCallError(status, code, message, details);
  // The function's own 401 says which check failed (expired, wrong project, anon key…): pass it on.
  const said = status === 401 && code === "unauthorized" && serverMessage ? ` The function said: ${sentence(serverMessage)}` : "";
  if (status === 401 && context.credentials === "session") {
    return make(`${context.target} refused your Supabase session (401). Sign in again (“Supamigrate: Sign In”).${said}`);
  }
  if (status === 401) {
    const what = context.tokenSent ? "wrong" : "missing (SUPAMIGRATE_TOKEN is not set)";
    return make(
      `SUPAMIGRATE_TOKEN is missing or wrong: ${context.target} refused the call (401) — the token is ${what}. ` +
        "Set SUPAMIGRATE_TOKEN to the value given to `supabase secrets set SUPAMIGRATE_TOKEN=…` (or printed by `supamigrate serve`). " +
        "If the gateway answered (\"Invalid JWT\"), deploy the function with verify_jwt = false (see docs/deploy.md)." + said,
    );
  }
  if (status === 404) {
    return make(
      `${context.target} answered 404: the URL should be the supamigrate function's base URL, ending in /functions/v1/supamigrate ` +
        "(e.g. https://<project-ref>.supabase.co/functions/v1/supamigrate), and the function must be deployed (`supabase functions deploy supamigrate`)." +
        (serverMessage && code !== "not-found" ? ` The function said: ${serverMessage}` : ""),
    );
  }
  if (status === 409 && /drift/.test(code)) {
    const files = driftedNames(details).filter((name) => !serverMessage.includes(name));
    const list = files.length > 0 ? ` Drifted: ${files.join(", ")}.` : "";
    return make(
      `${sentence(serverMessage || "deployed files were edited after they were applied")}${list}` +
        (/put back|restore|new migration/i.test(serverMessage) ? "" : " Put back the deployed text and make the change in a new migration; `supamigrate verify` lists every drifted file."),
    );
  }
  if (status === 409 && /lock/.test(code)) {
    const holder = lockHolder(details);
    const who = holder && !serverMessage.includes(holder.holder) ? ` It is held by ${holder.holder} since ${holder.since}.` : "";
    return make(
      `${sentence(serverMessage || "another apply or rollback holds the migration lock")}${who}` +
        (/again|wait/i.test(serverMessage) ? "" : " Wait for it to finish, then run the command again."),
    );
  }
  if (status === 413) {
    return make(
      `the request is too large for the function (413)${serverMessage ? `: ${serverMessage}` : ""}. ` +
        "Apply in smaller batches with --to NAME (files already applied are skipped).",
    );
  }
  if (serverMessage) return make(serverMessage);
  return make(`${context.target} answered ${status}${code ? ` (${code})` : ""}`);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function driftedNames(details: unknown): string[] {
  const entries = Array.isArray(details)
    ? details
    : isRecord(details) && Array.isArray(details.drifted)
      ? details.drifted
      : [];
  return entries
    .map((entry) => (typeof entry === "string" ? entry : isRecord(entry) && typeof entry.name === "string" ? entry.name : null))
    .filter((name): name is string => name !== null);
}

function lockHolder(details: unknown): { holder: string; since: string } | null {
  const record = isRecord(details) && isRecord(details.lock) ? details.lock : details;
  if (!isRecord(record)) return null;
  const holder = record.holder ?? record.actor ?? record.by;
  const since = record.since ?? record.acquiredAt;
  return typeof holder === "string" ? { holder, since: typeof since === "string" ? since : "an unknown time" } : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
