/**
 * Helpers for the function's end-to-end tests: the built bundle run in real Deno from a temp folder
 * with nothing else of the repo beside it, HTTP calls, NDJSON parsing and the seed migration set.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { seedMigrationFolder } from "../support/seed-scripts.ts";
import { functionBundle, type FunctionProcess, startFunctionProcess } from "../../cli/serve/deno.ts";
import type { ApplyEvent, MigrationPayload } from "../../shared/protocol/types.ts";

/** GET health reports the package version (supabase/functions/supamigrate/version.ts must follow package.json). */
export const packageVersion = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

export const TOKEN = "e2e-token-0123456789abcdefghijklmnopqrstuvwxyz";
export const ADMIN_EMAIL = "admin@example.com";

export interface RunningFunction {
  readonly base: string;
  readonly process: FunctionProcess;
  /** The temp folder the bundle runs from. */
  readonly folder: string;
  stop(): Promise<void>;
}

/** Copies dist/ (main.js + libpg-query.wasm) to an empty temp folder and runs it there. */
export async function startBundledFunction(env: Record<string, string>): Promise<RunningFunction> {
  const dist = join(functionBundle(), "..");
  const folder = mkdtempSync(join(tmpdir(), "supamigrate-fn-"));
  cpSync(dist, folder, { recursive: true });
  assert.deepEqual(readdirSync(folder).sort(), ["libpg-query.wasm", "main.js"], "the bundle is these two files only");
  const process = await startFunctionProcess({ entry: join(folder, "main.js"), cwd: folder, env });
  return {
    base: `${process.origin}/functions/v1/supamigrate`,
    process,
    folder,
    async stop() {
      await process.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function authHeaders(token = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

export async function post(base: string, route: string, body: unknown, token = TOKEN): Promise<Response> {
  return fetch(`${base}/${route}`, { method: "POST", headers: authHeaders(token), body: JSON.stringify(body) });
}

/** Reads an NDJSON answer: asserts 200 and the content type, returns the events in order. */
export async function events(response: Response): Promise<ApplyEvent[]> {
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.equal(response.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
  assert.ok(text.endsWith("\n"), "every line ends with a newline");
  const list = text.trimEnd().split("\n").map((line) => JSON.parse(line) as ApplyEvent);
  assert.equal(list.at(-1)?.event, "done", "the last line is done");
  assert.equal(list.filter((e) => e.event === "done").length, 1, "one done line");
  return list;
}

/** Asserts the contract's error JSON with this status and code; returns the message. */
export async function expectError(response: Response, status: number, code: string): Promise<string> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code, text);
  assert.ok(body.error.message.length > 20, `a message that says how to fix it: ${text}`);
  return body.error.message;
}

/** The seed set from scripts/ as the apply request's migrations. */
export function seedMigrations(): MigrationPayload[] {
  return seedMigrationFolder().migrations.map(({ name, sql, rollback }) => ({ name, sql, rollback }));
}

/** The seed's 012 needs its admin user to exist (created in the Auth dashboard, as the seed says). */
export const CREATE_ADMIN_USER = `insert into auth.users (id, email, aud, role) values ('00000000-0000-4000-8000-000000000001', '${ADMIN_EMAIL}', 'authenticated', 'authenticated')`;
