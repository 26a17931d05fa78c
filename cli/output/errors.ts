/**
 * How a command ends on an error: a usage or I/O problem exits 2; drift (a deployed file edited)
 * exits 1, as the contract says; a refused credential (the function's 401/403, or the database
 * refusing the --db-url login) exits 3, so a CI job can tell "fix the token" from "fix the command".
 * The message is printed once, prefixed with the command.
 */
import { FunctionCallError } from "../../shared/client/index.ts";
import { errorAnnotations } from "./refusal-annotations.ts";

/** A bad flag or a missing folder: exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The exit codes (docs/ci.md): 0 ok; 1 findings, a failed migration or drift; 2 usage or I/O; 3 not authorized. */
export const EXIT_NOT_AUTHORIZED = 3;

export type ErrorExitCode = 1 | 2 | typeof EXIT_NOT_AUTHORIZED;

export interface ErrorReport {
  readonly exitCode: ErrorExitCode;
  readonly code: string;
  readonly message: string;
}

/** The code of an error that refused a credential: `not-authorized` (exit 3). */
export const NOT_AUTHORIZED = "not-authorized";

/** True for the function's 401 (token missing or wrong) and 403 (the token's scope does not allow the call). */
export function isAuthRefusal(error: unknown): boolean {
  return error instanceof FunctionCallError && (error.status === 401 || error.status === 403);
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof FunctionCallError) {
    const exitCode = isAuthRefusal(error) ? EXIT_NOT_AUTHORIZED : error.code === "drift" ? 1 : 2;
    return { exitCode, code: error.code, message: error.message };
  }
  if (error instanceof UsageError) return { exitCode: 2, code: "usage", message: error.message };
  const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "error";
  const message = error instanceof Error ? error.message : String(error);
  if (code === NOT_AUTHORIZED) return { exitCode: EXIT_NOT_AUTHORIZED, code, message };
  if (/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|CONNECT_TIMEOUT)$/.test(code)) {
    return { exitCode: 2, code: "unreachable", message: `could not connect to the database (${code}): check --db-url and that the database is running.` };
  }
  return { exitCode: 2, code, message };
}

/** How an error is shown: `json` adds a JSON line on stdout; `github` adds `::error` workflow commands on stdout. */
export type ErrorFormat = "text" | "json" | "github";

export interface ErrorOutput {
  /** `boolean` for the callers that only know json or not. */
  readonly format?: ErrorFormat | boolean;
  /** For `github`: the migrations folder, so annotations name the file (`scripts/002_x.sql`); null when unknown. */
  readonly dir?: string | null;
}

/** Prints the error (stderr; plus a JSON line or annotations on stdout) and returns the exit code. */
export function reportError(command: string, error: unknown, output: boolean | ErrorOutput = false): ErrorExitCode {
  const { format, dir = null } = typeof output === "boolean" ? { format: output } : output;
  const report = describeError(error);
  process.stderr.write(`supamigrate ${command}: ${report.message}\n`);
  if (format === true || format === "json") process.stdout.write(`${JSON.stringify({ event: "error", code: report.code, message: report.message })}\n`);
  if (format === "github") for (const line of errorAnnotations(error, report, dir)) process.stdout.write(`${line}\n`);
  return report.exitCode;
}
