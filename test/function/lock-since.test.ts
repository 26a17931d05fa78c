// A 409 lock-held says since when the lock has been held: the moment it was taken, not when the holder's
// connection opened. The function's pool keeps connections open (idle_timeout 30 s), so the connection
// that takes the lock is often much older than the lock. Two function processes (the built bundle in real
// Deno) on one real PostgreSQL 15: A, with a pool of one connection opened long before it takes the lock,
// holds it; B is refused and reports the holder.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { MIGRATION_LOCK_KEY } from "../../shared/engine/index.ts";
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { authHeaders, events, post, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

const CLASSID = Number(MIGRATION_LOCK_KEY >> 32n);
const OBJID = Number(MIGRATION_LOCK_KEY & 0xffffffffn);
/** How long A's connection sits open before it takes the lock. */
const CONNECTION_AGE_MS = 2500;

let pg: PostgresServer;
let holder: RunningFunction;
let other: RunningFunction;
let sql: postgres.Sql;

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  // A pool of one: the connection its first request opens is the one that later takes the lock.
  holder = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN, SUPAMIGRATE_DB_POOL_SIZE: "1" });
  other = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await sql?.end();
  await holder?.stop();
  await other?.stop();
  await pg?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The backend holding the migration lock and when its connection opened, once someone holds it. */
async function lockHolderBackend(): Promise<{ pid: number; backendStart: Date }> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql`select l.pid, a.backend_start from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.classid = ${CLASSID} and l.objid = ${OBJID} and l.granted`;
    if (row) return { pid: row.pid as number, backendStart: row.backend_start as Date };
    await sleep(20);
  }
  throw new Error("nobody took the migration lock");
}

/**
 * A's old connection takes the lock for a slow `request`; B's apply is refused. Returns when the request
 * was sent, when A's connection opened, and the `since` of B's 409 and of B's GET status.
 */
async function holdAndAsk(request: Record<string, unknown>) {
  // Open (or reuse) A's one connection, then let it age.
  assert.equal((await fetch(`${holder.base}/status`, { headers: authHeaders() })).status, 200);
  await sleep(CONNECTION_AGE_MS);
  const sentAt = Date.now();
  const holding = post(holder.base, "apply", request);
  const backend = await lockHolderBackend();
  assert.ok(sentAt - backend.backendStart.getTime() >= CONNECTION_AGE_MS - 200, `the holder's connection opened before the request (${backend.backendStart.toISOString()})`);

  const refused = await post(other.base, "apply", request);
  const body = (await refused.json()) as { error: { code: string; message: string; details: { holder: string; since: string } } };
  assert.equal(refused.status, 409, JSON.stringify(body));
  assert.equal(body.error.code, "lock-held");
  const status = (await (await fetch(`${other.base}/status`, { headers: authHeaders() })).json()) as { lock: { holder: string; since: string } | null };
  const answeredAt = Date.now();
  const list: ApplyEvent[] = await events(await holding);
  assert.equal(list.at(-1)?.event, "done");
  return { sentAt, answeredAt, backendStart: backend.backendStart, refusal: body.error, statusLock: status.lock };
}

/** `since` is a time between sending the request that took the lock and the refusal — not the connection's start. */
function assertSinceIsLockTime(since: string, at: { sentAt: number; answeredAt: number; backendStart: Date }, where: string): void {
  const time = Date.parse(since);
  assert.ok(!Number.isNaN(time), `${where}: since is a time: ${since}`);
  // 250 ms of slack: Postgres's clock and this process's are the same machine's, read a moment apart.
  assert.ok(time >= at.sentAt - 250, `${where}: since ${since} is before the request that took the lock (${new Date(at.sentAt).toISOString()}); the connection opened at ${at.backendStart.toISOString()}`);
  assert.ok(time <= at.answeredAt + 250, `${where}: since ${since} is in the future`);
  assert.ok(time - at.backendStart.getTime() >= CONNECTION_AGE_MS - 500, `${where}: since ${since} is the connection's start, not the lock's`);
}

test("a dry run on a database without the tracking schema (the holder is never recorded): since is when the lock was taken, not backend_start", { timeout: 60_000 }, async () => {
  const slow = { name: "001_slow.sql", sql: "select pg_sleep(3);\n", rollback: null };
  const at = await holdAndAsk({ migrations: [slow], dryRun: true });
  assert.match(at.refusal.details.holder, /^session \d+, supamigrate$/, "an unrecorded holder is named by its session");
  assertSinceIsLockTime(at.refusal.details.since, at, "the 409's details");
  assert.match(at.refusal.message, new RegExp(`has held the migration lock since ${at.refusal.details.since.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  assert.ok(at.statusLock, "GET status shows the lock");
  assertSinceIsLockTime(at.statusLock.since, at, "GET status");
});

test("an apply (the holder is recorded in supamigrate.lock_holder): since is when the lock was taken", { timeout: 60_000 }, async () => {
  const first = { name: "001_first.sql", sql: "create table if not exists public.first (id int);\n", rollback: null };
  assert.equal((await events(await post(holder.base, "apply", { migrations: [first] }))).at(-1)?.event, "done");
  const slow = { name: "002_slow.sql", sql: "select pg_sleep(3);\n", rollback: null };
  const at = await holdAndAsk({ migrations: [first, slow], meta: { actor: "slow-caller" } });
  assert.equal(at.refusal.details.holder, "token:default (client: slow-caller)");
  assertSinceIsLockTime(at.refusal.details.since, at, "the 409's details");
  assertSinceIsLockTime(at.statusLock!.since, at, "GET status");
  const [row] = await sql`select count(*)::int as n from supamigrate.lock_holder`;
  assert.equal(row.n, 0, "the holder row is gone with the lock");
});
