/**
 * Connection failures (DNS, refused, reset before an answer) as opposed to HTTP errors: the first are
 * retried with exponential backoff — safe, since the function skips applied files and a file that was
 * mid-way is rolled back by its transaction — the second never are.
 */
import { FunctionCallError } from "./errors.ts";

export interface RetryPolicy {
  /** Attempts in all (default 3). */
  readonly tries: number;
  /** Delay before the second attempt; doubles each time (default 500 ms). */
  readonly baseDelayMs: number;
}

export const defaultRetry: RetryPolicy = { tries: 3, baseDelayMs: 500 };

/** Whether fetch failed to connect (a TypeError in Node, Deno and browsers), not timed out or aborted. */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof TypeError;
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** A short reason for a connection failure: the system code (ECONNREFUSED, ENOTFOUND…) when known. */
export function connectionReason(error: unknown): string {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (typeof code === "string") return code;
  if (cause instanceof Error && cause.message) return cause.message;
  const message = error instanceof Error ? error.message : String(error);
  if (/refused/i.test(message)) return "ECONNREFUSED";
  if (/dns|lookup|resolve|not known/i.test(message)) return "ENOTFOUND";
  return message;
}

export function unreachableError(target: string, error: unknown, tries: number): FunctionCallError {
  const attempts = tries > 1 ? ` after ${tries} attempts` : "";
  return new FunctionCallError(
    0,
    "unreachable",
    `could not reach ${target} (${connectionReason(error)})${attempts}: is the function deployed / is \`supamigrate serve\` running? ` +
      "Check --url or SUPAMIGRATE_URL and your network.",
  );
}

export function timeoutError(target: string, timeoutMs: number): FunctionCallError {
  return new FunctionCallError(
    0,
    "timeout",
    `${target} did not answer within ${Math.round(timeoutMs / 1000)} s. Check that the function is healthy (\`GET ${target}/health\`) and try again.`,
  );
}

/** Calls `attempt` until it succeeds or fails other than by a connection failure, at most `policy.tries` times. */
export async function withRetry<T>(policy: RetryPolicy, target: string, attempt: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < policy.tries; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, policy.baseDelayMs * 2 ** (i - 1)));
    try {
      return await attempt();
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      last = error;
    }
  }
  throw unreachableError(target, last, policy.tries);
}
