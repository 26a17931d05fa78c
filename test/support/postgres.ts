/**
 * A real PostgreSQL 15 server for tests: a fresh cluster in a temp dir, listening on 127.0.0.1 only,
 * on a free port, with the Supabase-like bootstrap applied to a template database so each test can
 * have a database of its own in ~100 ms. initdb refuses root, so as root the server runs as the
 * `postgres` user (created by Debian's postgresql-15 package).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
const BOOTSTRAP = new URL("../../supabase/local/supabase-bootstrap.sql", import.meta.url);
const TEMPLATE = "supabase_template";

export interface PostgresServer {
  readonly port: number;
  /** URL of the `postgres` database (superuser `postgres`, trust auth on loopback). */
  readonly adminUrl: string;
  /** Creates a fresh database with the Supabase bootstrap applied and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes its files. */
  stop(): Promise<void>;
  /** Restarts the server in place (same port and data): for fault tests. */
  restart(): Promise<void>;
  /** The server's data directory, for fault tests. */
  readonly dataDir: string;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function asServerUser(command: string, args: string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command, args };
  return { command: "runuser", args: ["-u", "postgres", "--", command, ...args] };
}

function run(command: string, args: string[]): void {
  const wrapped = asServerUser(command, args);
  const result = spawnSync(wrapped.command, wrapped.args, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

let counter = 0;

export interface StartPostgresOptions {
  /** Where the server's temp dir (data directory, socket, log) goes; the OS temp dir by default. */
  readonly parentDir?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const root = mkdtempSync(join(options.parentDir ?? tmpdir(), "supamigrate-pg-"));
  chmodSync(root, 0o777);
  const dataDir = join(root, "data");
  const logFile = join(root, "server.log");
  writeFileSync(logFile, "");
  chmodSync(logFile, 0o666);
  run(join(BIN, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const start = () =>
    run(join(BIN, "pg_ctl"), [
      "-D", dataDir, "-l", logFile, "-w", "-t", "30", "start",
      "-o", `-p ${port} -c listen_addresses=127.0.0.1 -k ${root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    ]);
  start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE}`);
  const template = postgres(`postgres://postgres@127.0.0.1:${port}/${TEMPLATE}`, { max: 1, onnotice: () => {} });
  await template.unsafe(readFileSync(BOOTSTRAP, "utf8"));
  await template.end();
  await admin.end();

  return {
    port,
    adminUrl,
    dataDir,
    async createDatabase(name = `test_${process.pid}_${++counter}`) {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`create database "${name}" template ${TEMPLATE}`);
      } finally {
        await sql.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async restart() {
      run(join(BIN, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      start();
    },
    async stop() {
      try {
        run(join(BIN, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs psql against a URL (for tests that act as a team applying files by hand). */
export function psql(url: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(join(BIN, "psql"), [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", ...args], { encoding: "utf8", input });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
