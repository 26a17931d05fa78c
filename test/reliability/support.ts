/**
 * Helpers for the reliability suite: the built function bundle in real Deno (one temp copy, any number
 * of processes), SIGKILL, before/after snapshots of everything supamigrate could write, the
 * "objects iff tracking row" invariant, a seeded random generator, and NDJSON reading that tolerates a
 * stream cut short.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type postgres from "postgres";
import { functionBundle, type FunctionProcess, startFunctionProcess } from "../../cli/serve/deno.ts";
import { MIGRATION_LOCK_KEY } from "../../shared/engine/index.ts";
import type { ApplyEvent, DoneEvent, MigrationPayload } from "../../shared/protocol/types.ts";
import { waitUntil } from "../support/wait-until.ts";

/** The function's token in this suite (≥ 32 characters, as the function requires). */
export const TOKEN = "reliability-token-Zq7xW3vN9pL2mK8sT4yB6cD1fG5hJ0";

export const LOCK_CLASSID = Number(MIGRATION_LOCK_KEY >> 32n);
export const LOCK_OBJID = Number(MIGRATION_LOCK_KEY & 0xffffffffn);

/** mulberry32: a small deterministic generator, so a failing schedule can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { sleep, waitUntil } from "../support/wait-until.ts";

/** One copy of the built bundle (main.js + wasm) in a temp folder, from which many processes can run. */
export interface BundleCopy {
  readonly folder: string;
  /** Starts the function from the copy; every line it writes is kept (and passed to `onOutput`). */
  start(env: Record<string, string>, onOutput?: (line: string) => void): Promise<Fn>;
  /** Stops every process started from it that is still running, then removes the folder. */
  cleanup(): Promise<void>;
}

export interface Fn {
  readonly base: string;
  readonly process: FunctionProcess;
  /** SIGKILL, no warning; resolves once the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function copyBundle(): BundleCopy {
  const folder = mkdtempSync(join(tmpdir(), "supamigrate-rel-"));
  cpSync(join(functionBundle(), ".."), folder, { recursive: true });
  const running = new Set<Fn>();
  return {
    folder,
    async start(env, onOutput) {
      const process = await startFunctionProcess({ entry: join(folder, "main.js"), cwd: folder, env, onOutput, startTimeoutMs: 60_000 });
      let gone = false;
      void process.exited.then(() => {
        gone = true;
      });
      const fn: Fn = {
        base: `${process.origin}/functions/v1/supamigrate`,
        process,
        async kill() {
          if (!gone) {
            try {
              globalThis.process.kill(process.pid, "SIGKILL");
            } catch {
              // already gone
            }
          }
          await process.exited;
          running.delete(fn);
        },
        async stop() {
          await process.stop();
          running.delete(fn);
        },
      };
      running.add(fn);
      return fn;
    },
    async cleanup() {
      await Promise.all([...running].map((fn) => fn.kill().catch(() => {})));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function authHeaders(token = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

export function postJson(base: string, route: string, body: unknown, init: { token?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${base}/${route}`, { method: "POST", headers: authHeaders(init.token), body: JSON.stringify(body), signal: init.signal });
}

export interface StreamRead {
  readonly events: ApplyEvent[];
  readonly done: DoneEvent | null;
  /** Set when the stream broke (the process died) before it ended. */
  readonly error: unknown;
}

/** Reads an NDJSON body line by line, calling `onEvent` as each arrives; never throws on a cut stream. */
export async function readStream(response: Response, onEvent?: (event: ApplyEvent) => void): Promise<StreamRead> {
  const events: ApplyEvent[] = [];
  let error: unknown = null;
  let buffer = "";
  const decoder = new TextDecoder();
  try {
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === "") continue;
        const event = JSON.parse(line) as ApplyEvent;
        events.push(event);
        onEvent?.(event);
      }
    }
  } catch (caught) {
    error = caught;
  }
  const last = events.at(-1);
  return { events, done: last?.event === "done" ? last : null, error };
}

/** Asserts a complete 200 NDJSON answer and returns its done line. */
export async function expectDone(response: Response): Promise<{ events: ApplyEvent[]; done: DoneEvent }> {
  assert.equal(response.status, 200, response.status === 200 ? "" : await response.clone().text());
  assert.equal(response.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
  const read = await readStream(response);
  assert.equal(read.error, null, `the stream ended cleanly: ${String(read.error)}`);
  assert.ok(read.done, `the last line is done: ${JSON.stringify(read.events.at(-1))}`);
  assert.equal(read.events.filter((e) => e.event === "done").length, 1);
  return { events: read.events, done: read.done };
}

/** Everything supamigrate could write, as comparable data. */
export interface Snapshot {
  readonly schemaExists: boolean;
  readonly tracking: Array<{ name: string; checksum: string }>;
  readonly events: { count: number; maxId: string | null };
  readonly publicTables: string[];
  readonly schemas: string[];
}

export async function snapshot(sql: postgres.Sql): Promise<Snapshot> {
  const [{ exists }] = await sql`select exists (select 1 from pg_namespace where nspname = 'supamigrate') as exists`;
  const [{ tracked }] = await sql`select to_regclass('supamigrate.migrations') is not null as tracked`;
  const tracking = tracked
    ? (await sql`select name, checksum from supamigrate.migrations order by name`).map((r) => ({ name: r.name as string, checksum: r.checksum as string }))
    : [];
  const [{ logged }] = await sql`select to_regclass('supamigrate.events') is not null as logged`;
  const events = logged
    ? await sql`select count(*)::int as count, max(id)::text as "maxId" from supamigrate.events`.then(([r]) => ({ count: r.count as number, maxId: r.maxId as string | null }))
    : { count: 0, maxId: null };
  const publicTables = (await sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`).map((r) => r.table_name as string);
  const schemas = (await sql`select nspname from pg_namespace order by nspname`).map((r) => r.nspname as string);
  return { schemaExists: exists as boolean, tracking, events, publicTables, schemas };
}

/** Granted session advisory locks on the migration key, with the pid holding each. */
export async function migrationLockHolders(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql`select pid from pg_locks
    where locktype = 'advisory' and classid = ${LOCK_CLASSID} and objid = ${LOCK_OBJID} and objsubid = 1 and granted`;
  return rows.map((r) => Number(r.pid));
}

/** Backends of the function (application_name `supamigrate`) connected to the current database. */
export async function functionBackends(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql`select pid from pg_stat_activity where datname = current_database() and application_name = 'supamigrate'`;
  return rows.map((r) => Number(r.pid));
}

/**
 * Terminates the session of the current database that is running a slow file (`pg_sleep`), as a DBA
 * stops a stuck migration, once it shows (within `timeoutMs`); there must be exactly one. Returns its pid.
 */
export async function terminateSleepingSession(sql: postgres.Sql, timeoutMs = 5_000): Promise<number> {
  let pids: number[] = [];
  await waitUntil(async () => {
    const rows = await sql`select pid from pg_stat_activity
      where datname = current_database() and state = 'active' and query like '%pg_sleep(%' and pid <> pg_backend_pid()`;
    pids = rows.map((r) => Number(r.pid));
    return pids.length > 0;
  }, timeoutMs);
  assert.equal(pids.length, 1, `one session running a slow file, found ${pids.length}`);
  await sql`select pg_terminate_backend(${pids[0]})`;
  return pids[0];
}

/**
 * A slow migration: a table, a sleep, an index, three rows. No primary key, so a file that ran twice
 * would leave six rows — the row count proves "exactly once".
 */
export function slowFile(number: number, sleepSeconds: number): MigrationPayload {
  const table = `k_${number}`;
  return {
    name: `${number}_slow_${number}.sql`,
    sql: `-- slow migration ${number}\ncreate table if not exists public.${table} (id int, v text);\nselect pg_sleep(${sleepSeconds.toFixed(3)});\n` +
      `create index if not exists ${table}_v_idx on public.${table} (v);\ninsert into public.${table} (id, v) values (1, 'a'), (2, 'b'), (3, 'c');\n`,
    rollback: `drop table if exists public.${table};\n`,
  };
}

export interface FileState {
  readonly name: string;
  readonly table: boolean;
  readonly index: boolean;
  readonly rows: number;
  readonly tracked: number;
  readonly appliedEvents: number;
}

/** The state of every slow file: its objects, its tracking rows and its `applied` events. */
export async function fileStates(sql: postgres.Sql, files: readonly MigrationPayload[]): Promise<FileState[]> {
  const names = files.map((f) => f.name);
  const numbers = names.map((n) => n.split("_")[0]);
  const tables = new Set((await sql`select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'k\\_%'`).map((r) => r.relname as string));
  const indexes = new Set((await sql`select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'i' and c.relname like 'k\\_%'`).map((r) => r.relname as string));
  const [{ tracked: hasTracking }] = await sql`select to_regclass('supamigrate.migrations') is not null as tracked`;
  const tracked = new Map<string, number>();
  const applied = new Map<string, number>();
  if (hasTracking) {
    for (const r of await sql`select name, count(*)::int as n from supamigrate.migrations group by name`) tracked.set(r.name, r.n);
    for (const r of await sql`select name, count(*)::int as n from supamigrate.events where event = 'applied' group by name`) applied.set(r.name, r.n);
  }
  // Row counts of every existing table in one round trip.
  const present = numbers.map((n) => `k_${n}`).filter((t) => tables.has(t));
  const counts = new Map<string, number>();
  if (present.length > 0) {
    const rows = await sql.unsafe(present.map((t) => `select '${t}' as t, count(*)::int as n from public.${t}`).join(" union all "));
    for (const r of rows) counts.set(r.t as string, Number(r.n));
  }
  return names.map((name, i) => {
    const table = `k_${numbers[i]}`;
    return {
      name,
      table: tables.has(table),
      index: indexes.has(`${table}_v_idx`),
      rows: counts.get(table) ?? 0,
      tracked: tracked.get(name) ?? 0,
      appliedEvents: applied.get(name) ?? 0,
    };
  });
}

/**
 * The invariant: a file's objects exist if and only if its tracking row does — all of them (table,
 * index, exactly three rows, one `applied` event) or none of them. Returns the tracked names.
 */
export function assertAllOrNothing(states: readonly FileState[], context: string): string[] {
  const inconsistent = states.filter((s) => {
    const all = s.table && s.index && s.rows === 3 && s.tracked === 1 && s.appliedEvents === 1;
    const none = !s.table && !s.index && s.rows === 0 && s.tracked === 0 && s.appliedEvents === 0;
    return !all && !none;
  });
  assert.deepEqual(inconsistent, [], `${context}: files half-applied or applied twice`);
  return states.filter((s) => s.tracked === 1).map((s) => s.name);
}

/** The error body of a refusal; asserts the contract's shape. */
export async function errorBody(response: Response): Promise<{ status: number; code: string; message: string; text: string }> {
  const text = await response.text();
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/, `JSON error body expected, got ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof body.error?.code, "string", text.slice(0, 300));
  assert.equal(typeof body.error?.message, "string", text.slice(0, 300));
  return { status: response.status, code: body.error!.code as string, message: body.error!.message as string, text };
}

/** A message that says something: a sentence with several words, not an echo of a secret. */
export function assertSentence(message: string, secrets: readonly string[]): void {
  assert.ok(message.length >= 20 && /[a-z]{2,} [a-z]{2,}/i.test(message), `a sentence: ${JSON.stringify(message.slice(0, 200))}`);
  for (const secret of secrets) {
    if (secret.length >= 8) assert.ok(!message.includes(secret), `the message must not echo a token: ${message.slice(0, 200)}`);
  }
}
