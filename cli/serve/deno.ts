/**
 * Runs the supamigrate function in a real Deno process on 127.0.0.1 and stops it cleanly. Used by
 * `supamigrate serve` and by the end-to-end tests. Deno comes from the `deno` npm package (or
 * $DENO_BIN); it fetches the function's `npm:` imports into its cache ($DENO_DIR, default
 * ~/.cache/deno) on the first run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { packageRoot } from "./package-root.ts";

const functionDir = () => join(packageRoot(), "supabase", "functions", "supamigrate");

/** The built, self-contained bundle (what `supabase functions deploy` ships). */
export const functionBundle = () => join(functionDir(), "dist", "main.js");
/** The function's source entry, run with its deno.json (for development). */
export const functionSource = () => join(functionDir(), "main.ts");
export const functionConfig = () => join(functionDir(), "deno.json");

export interface FunctionProcessOptions {
  /** The entry to run: a bundle (run with --no-config) or the source (run with `config`). */
  readonly entry: string;
  /** deno.json for the source entry; omitted for the bundle. */
  readonly config?: string;
  /** The function's environment (SUPABASE_DB_URL, SUPAMIGRATE_TOKEN, …), added to this process's. */
  readonly env: Readonly<Record<string, string>>;
  /** 0 or omitted: a free port. */
  readonly port?: number;
  readonly cwd?: string;
  /** How long to wait for the server to listen (the first run downloads npm packages). */
  readonly startTimeoutMs?: number;
  /** Each line the function writes (its request log); default: discarded. */
  readonly onOutput?: (line: string) => void;
  /** V8 flags for Deno; default FUNCTION_V8_FLAGS, [] for V8's own defaults. */
  readonly v8Flags?: readonly string[];
}

/**
 * Deno runs the function with WebAssembly kept at baseline (Liftoff) code. By default the first apply's
 * parse makes V8 recompile the SQL parser's two largest functions with TurboFan in background threads:
 * ~0.5 s of CPU, taken from Postgres on a small machine, that an apply's parsing (~0.3 ms a file) never
 * earns back. Measured (100 generated files, one apply): the function used 0.27–0.33 s of CPU instead of
 * 0.87–0.95 s; 300 files, 0.51–0.55 s instead of 1.40–1.48 s. Deno ignores flags set from code once V8
 * runs, so this needs the command line: a function deployed to Supabase runs with the Edge Runtime's own
 * flags and pays that compile once per fresh worker.
 */
export const FUNCTION_V8_FLAGS: readonly string[] = ["--liftoff-only"];

export interface FunctionProcess {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the function wrote so far (stdout and stderr), for test failure messages. */
  output(): string;
  /** Resolves with the exit code when the process ends (for whatever reason). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * $DENO_BIN, else the `deno` npm package (an optional peer dependency of the installed package: CI's
 * lint/apply never need it), else `deno` on PATH; none: an error saying how to get it.
 */
export function denoBinary(): string {
  if (process.env.DENO_BIN) return process.env.DENO_BIN;
  const require = createRequire(import.meta.url);
  let installApi: { runInstall(): string } | null = null;
  try {
    installApi = require("deno/install_api.cjs") as { runInstall(): string };
  } catch {
    const onPath = (process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== "")
      .map((dir) => join(dir, process.platform === "win32" ? "deno.exe" : "deno")).find((path) => existsSync(path));
    if (onPath) return onPath;
    throw new Error("the function runs in Deno, which was not found: install it in your project with `npm install -D deno` (or put deno on PATH, or set DENO_BIN)");
  }
  return installApi.runInstall();
}

export async function startFunctionProcess(options: FunctionProcessOptions): Promise<FunctionProcess> {
  if (!existsSync(options.entry)) {
    throw new Error(`${options.entry} does not exist: build the function bundle with \`npm run build\``);
  }
  const args = ["run", "--quiet", "--allow-net", "--allow-env", "--allow-read", "--allow-sys"];
  const v8Flags = options.v8Flags ?? FUNCTION_V8_FLAGS;
  if (v8Flags.length > 0) args.push(`--v8-flags=${v8Flags.join(",")}`);
  args.push(...(options.config ? ["--config", options.config] : ["--no-config"]), options.entry);
  const child = spawn(denoBinary(), args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, SUPAMIGRATE_PORT: String(options.port ?? 0), NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start listening within ${options.startTimeoutMs ?? 120_000} ms`), options.startTimeoutMs ?? 120_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`the function process ${why}:\n${output}`));
    };
    const onLine = (line: string) => {
      options.onOutput?.(line);
      const listening = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        output += chunk;
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) onLine(line);
      });
    }
    child.once("error", (error) => fail(`could not start (${error.message})`));
    void exited.then((code) => fail(`exited with code ${code} before listening`));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    output: () => output,
    exited,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
