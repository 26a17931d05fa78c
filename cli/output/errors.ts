/**
 * How a command ends on an error: a usage or I/O problem exits 2; drift (a deployed file edited)
 * exits 1, as the contract says. The message is printed once, prefixed with the command.
 */
import { FunctionCallError } from "../../shared/client/index.ts";

/** A bad flag or a missing folder: exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ErrorReport {
  readonly exitCode: 1 | 2;
  readonly code: string;
  readonly message: string;
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof FunctionCallError) {
    return { exitCode: error.code === "drift" ? 1 : 2, code: error.code, message: error.message };
  }
  if (error instanceof UsageError) return { exitCode: 2, code: "usage", message: error.message };
  const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "error";
  const message = error instanceof Error ? error.message : String(error);
  if (/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|CONNECT_TIMEOUT)$/.test(code)) {
    return { exitCode: 2, code: "unreachable", message: `could not connect to the database (${code}): check --db-url and that the database is running.` };
  }
  return { exitCode: 2, code, message };
}

/** Prints the error (stderr; plus a JSON line on stdout for `--format json`) and returns the exit code. */
export function reportError(command: string, error: unknown, json: boolean): 1 | 2 {
  const report = describeError(error);
  process.stderr.write(`supamigrate ${command}: ${report.message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ event: "error", code: report.code, message: report.message })}\n`);
  return report.exitCode;
}
