// The function connection without VS Code: a fake secret store, sign-in sessions and client makers
// that record which client was made with which credentials. Run by the root's Node test runner.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionClient } from "../../shared/client/index.ts";
import type { SupabaseClient } from "../../shared/client/supabase.ts";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import type { SignedIn } from "./auth.ts";
import { type ConnectedFolder, type ConnectionSettings, FunctionConnection, TOKEN_KEY } from "./function-connection.ts";
import { UserError } from "./user-error.ts";

const FUNCTION_URL = "http://127.0.0.1:54321/functions/v1/supamigrate";
const PROJECT_URL = "https://abcdefghijklmnop.supabase.co";
const ANON_KEY = "sb_publishable_x";
const FETCHED_AT = new Date("2025-01-02T03:04:05Z");
const STATUS: StatusResponse = {
  applied: [{
    name: "001_a.sql", checksum: "c".repeat(64), appliedAt: "2025-01-01T00:00:00Z", appliedBy: "ci", durationMs: 5,
    hasRollback: false, transactional: true, gitSha: null, ciRun: null,
  }],
  lock: null,
};

/** The supabase-js client the fake sessions hand out for the project. */
const SUPABASE = { fake: "supabase-js client" } as unknown as SupabaseClient;

let secrets: Map<string, string>;
let signedIn: SignedIn | null;
let status: () => Promise<StatusResponse>;
/** Every client made, with what it was made with. */
let made: Record<string, unknown>[];
/** Every question put to the sign-in sessions. */
let asked: string[];
let logged: string[];
let connection: FunctionConnection;

beforeEach(() => {
  secrets = new Map();
  signedIn = null;
  status = async () => STATUS;
  made = [];
  asked = [];
  logged = [];
  const client = { status: () => status() } as unknown as FunctionClient;
  connection = new FunctionConnection({
    secrets: {
      get: async (key) => secrets.get(key),
      store: async (key, value) => void secrets.set(key, value),
    },
    auth: {
      client: async (projectUrl, anonKey) => {
        asked.push(`client ${projectUrl} ${anonKey}`);
        return SUPABASE;
      },
      current: async (projectUrl, anonKey) => {
        asked.push(`current ${projectUrl} ${anonKey}`);
        return signedIn;
      },
    },
    log: (line) => logged.push(line),
    clients: {
      direct: (options) => {
        made.push({ via: "url", ...options });
        return client;
      },
      supabase: (options) => {
        assert.equal(options.supabase, SUPABASE, "the project's supabase-js client, with its session");
        const { supabase: _, ...rest } = options;
        made.push({ via: "supabase-js", ...rest });
        return client;
      },
    },
    now: () => FETCHED_AT,
  });
});

function folder(settings: Partial<ConnectionSettings>): ConnectedFolder {
  return {
    config: { functionUrl: null, projectUrl: null, anonKey: null, functionRegion: null, ...settings },
    appliedState: { kind: "unknown", reason: "not fetched yet" },
  };
}

/** The UserError's message `fn` rejects with. */
async function refusal(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof UserError, `not a UserError: ${String(error)}`);
    return error.message;
  }
  return assert.fail("did not throw");
}

test("functionUrl and a stored token: the plain client with that token (and the region, when set)", async () => {
  await connection.storeToken("machine-token");
  assert.deepEqual([...secrets], [[TOKEN_KEY, "machine-token"]]);
  assert.equal(TOKEN_KEY, "supamigrate.token");
  await connection.client(folder({ functionUrl: FUNCTION_URL }));
  await connection.client(folder({ functionUrl: FUNCTION_URL, functionRegion: "ap-southeast-2" }));
  assert.deepEqual(made, [
    { via: "url", url: FUNCTION_URL, token: "machine-token", region: null },
    { via: "url", url: FUNCTION_URL, token: "machine-token", region: "ap-southeast-2" },
  ]);
  assert.deepEqual(asked, [], "no sign-in session is looked at");
});

test("projectUrl + anonKey, signed in: supabase-js with the user's session; a stored token is not sent", async () => {
  secrets.set(TOKEN_KEY, "machine-token");
  signedIn = { email: "admin@example.com", userId: "u1" };
  await connection.client(folder({ projectUrl: PROJECT_URL, anonKey: ANON_KEY, functionUrl: FUNCTION_URL, functionRegion: "eu-central-1" }));
  assert.deepEqual(made, [{ via: "supabase-js", projectUrl: PROJECT_URL, session: true, region: "eu-central-1" }]);
  assert.deepEqual(asked, [`client ${PROJECT_URL} ${ANON_KEY}`, `current ${PROJECT_URL} ${ANON_KEY}`]);
});

test("projectUrl + anonKey, not signed in: supabase-js with the stored token; with neither, it says to sign in", async () => {
  const settings = { projectUrl: PROJECT_URL, anonKey: ANON_KEY };
  assert.equal(
    await refusal(() => connection.client(folder(settings))),
    "Not signed in: run “Supamigrate: Sign In” (or “Supamigrate: Set Token” for a machine token).",
  );
  assert.deepEqual(made, []);
  secrets.set(TOKEN_KEY, "machine-token");
  await connection.client(folder(settings));
  assert.deepEqual(made, [{ via: "supabase-js", projectUrl: PROJECT_URL, token: "machine-token", region: null }]);
});

test("what is missing is said, and no client is made", async () => {
  assert.equal(
    await refusal(() => connection.client(folder({}))),
    "Set supamigrate.functionUrl to the function's base URL (…/functions/v1/supamigrate) first.",
  );
  assert.equal(
    await refusal(() => connection.client(folder({ projectUrl: PROJECT_URL }))),
    "Set supamigrate.anonKey (the project's publishable key) to go with supamigrate.projectUrl.",
  );
  assert.equal(await refusal(() => connection.client(folder({ functionUrl: FUNCTION_URL }))), "No token yet: run “Supamigrate: Set Token” first.");
  // projectUrl without its key, but a functionUrl: the plain path.
  secrets.set(TOKEN_KEY, "machine-token");
  await connection.client(folder({ projectUrl: PROJECT_URL, functionUrl: FUNCTION_URL }));
  assert.deepEqual(made, [{ via: "url", url: FUNCTION_URL, token: "machine-token", region: null }]);
});

test("a malformed region is refused before any session is asked or client made", async () => {
  secrets.set(TOKEN_KEY, "machine-token");
  for (const settings of [{ functionUrl: FUNCTION_URL }, { projectUrl: PROJECT_URL, anonKey: ANON_KEY }]) {
    assert.equal(
      await refusal(() => connection.client(folder({ ...settings, functionRegion: "somewhere" }))),
      "supamigrate.functionRegion must be a Supabase region like eu-central-1 (your database's), or empty.",
    );
  }
  assert.deepEqual([made, asked], [[], []]);
});

test("target: the project's functions URL when signing in through it, else functionUrl", () => {
  assert.equal(connection.target(folder({ projectUrl: PROJECT_URL, anonKey: ANON_KEY, functionUrl: FUNCTION_URL })), `${PROJECT_URL}/functions/v1/supamigrate`);
  assert.equal(connection.target(folder({ projectUrl: PROJECT_URL, functionUrl: FUNCTION_URL })), FUNCTION_URL);
  assert.equal(connection.target(folder({})), null);
});

test("refreshStatus reads the status into the folder's deploy state", async () => {
  secrets.set(TOKEN_KEY, "machine-token");
  const f = folder({ functionUrl: FUNCTION_URL });
  await connection.refreshStatus(f);
  assert.deepEqual(f.appliedState, { kind: "known", status: STATUS, fetchedAt: FETCHED_AT });
  assert.deepEqual(logged, [`status of ${FUNCTION_URL}: 1 applied`]);
});

test("refreshStatus: quietly, what is missing or what failed becomes the unknown state's reason; else a UserError", async () => {
  const f = folder({ functionUrl: FUNCTION_URL });
  await connection.refreshStatus(f);
  assert.deepEqual(f.appliedState, { kind: "unknown", reason: "no token set" });
  assert.equal(await refusal(() => connection.refreshStatus(f, false)), "No token yet: run “Supamigrate: Set Token” first.");
  assert.deepEqual(made, [], "nothing was called without a token");

  const g = folder({ projectUrl: PROJECT_URL, anonKey: ANON_KEY });
  await connection.refreshStatus(g);
  assert.deepEqual(g.appliedState, { kind: "unknown", reason: "not signed in" });
  const h = folder({ projectUrl: PROJECT_URL });
  await connection.refreshStatus(h);
  assert.deepEqual(h.appliedState, { kind: "unknown", reason: "supamigrate.anonKey is not set" });
  const i = folder({});
  await connection.refreshStatus(i);
  assert.deepEqual(i.appliedState, { kind: "unknown", reason: "supamigrate.functionUrl is not set" });

  secrets.set(TOKEN_KEY, "machine-token");
  status = async () => {
    throw new Error("401: the token was refused");
  };
  await connection.refreshStatus(f);
  assert.deepEqual(f.appliedState, { kind: "unknown", reason: "401: the token was refused" });
  assert.equal(await refusal(() => connection.refreshStatus(f, false)), "401: the token was refused");
  assert.deepEqual(logged, [`status of ${FUNCTION_URL} failed: 401: the token was refused`, `status of ${FUNCTION_URL} failed: 401: the token was refused`]);
});
