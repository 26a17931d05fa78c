/**
 * The function's HTTP client, shared by the CLI and the extension (Web APIs only: fetch, streams).
 */
import type { StatusResponse } from "../protocol/types.ts";
import { FunctionCallError } from "./errors.ts";

export interface ClientOptions {
  /** The function's base URL, e.g. `https://<ref>.supabase.co/functions/v1/supamigrate`. */
  readonly url: string;
  /** The bearer token (`SUPAMIGRATE_TOKEN`); never logged. */
  readonly token: string | null;
  readonly fetch?: typeof fetch;
  /** Per-request timeout for non-streaming calls (default 30 000 ms). */
  readonly timeoutMs?: number;
}

export interface FunctionClient {
  status(): Promise<StatusResponse>;
}

export function createClient(options: ClientOptions): FunctionClient {
  const base = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const headers = (): Record<string, string> => (options.token ? { authorization: `Bearer ${options.token}` } : {});

  async function getJson<T>(route: string): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${base}/${route}`, {
        headers: headers(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new FunctionCallError(0, "unreachable", `could not reach ${base}: ${error instanceof Error ? error.message : String(error)}. Check the URL and your network.`);
    }
    if (!response.ok) throw await errorFrom(response, base);
    return (await response.json()) as T;
  }

  return {
    status: () => getJson<StatusResponse>("status"),
  };
}

async function errorFrom(response: Response, base: string): Promise<FunctionCallError> {
  const body = await response.text();
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed.error?.code) return new FunctionCallError(response.status, parsed.error.code, parsed.error.message ?? "");
  } catch {
    // not the contract's JSON error: describe the status instead
  }
  if (response.status === 404) {
    return new FunctionCallError(404, "not-found", `${base} answered 404: is the URL the supamigrate function's base URL (…/functions/v1/supamigrate)?`);
  }
  return new FunctionCallError(response.status, `http-${response.status}`, `${base} answered ${response.status} ${response.statusText}`);
}
