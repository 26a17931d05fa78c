/**
 * Calling the function through supabase-js: `supabase.functions.invoke` builds the functions URL
 * (`<project>/functions/v1/supamigrate/<route>`) and the `apikey` / `Authorization` headers (the
 * signed-in user's access token, refreshed by supabase-js, or a machine token given here).
 *
 * invoke reads an answer it does not know (our `application/x-ndjson` stream) to the end as text
 * before it returns, which would turn apply's live progress into one burst at the end. So the
 * supabase-js client made by `createSupabase` gets a fetch that hands the raw response to the call
 * waiting for it (keyed by the call's AbortSignal) and gives invoke a body-less copy: the same client
 * code as the plain-URL path then reads JSON and the NDJSON stream from the raw response as it arrives.
 *
 * Web APIs only; `@supabase/supabase-js` by bare name (Node/esbuild resolve it from node_modules).
 * Not re-exported from index.ts, and supabase-js itself is imported on first use (a dynamic import a
 * bundle keeps lazy), so the plain-URL path never loads it.
 */
import type { SupabaseClient, SupportedStorage } from "@supabase/supabase-js";
import { type ClientOptions, createClient, type FunctionClient } from "./client.ts";

export type { SupabaseClient, SupportedStorage };

interface Waiting {
  resolve(response: Response): void;
  reject(error: unknown): void;
}

/** Calls waiting for their raw response, by the AbortSignal they passed to invoke. */
const waiting = new WeakMap<AbortSignal, Waiting>();

function capturingFetch(base: typeof fetch): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const waiter = init?.signal ? waiting.get(init.signal) : undefined;
    if (!waiter) return await base(input, init); // auth and anything else: untouched
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      waiter.reject(error);
      throw error;
    }
    waiter.resolve(response);
    const headers = new Headers(response.headers);
    headers.delete("content-type"); // invoke then reads the empty copy as "" at once
    return new Response(null, { status: response.status, statusText: response.statusText, headers });
  };
}

/** supabase-js never opens Realtime here; Node 20 has no WebSocket for it to find. */
class NoRealtime {
  constructor() {
    throw new Error("supamigrate does not use Supabase Realtime");
  }
}

export interface SupabaseOptions {
  /** Where supabase-js keeps the session (the extension: SecretStorage); none: no session kept. */
  readonly storage?: SupportedStorage;
  /** Let supabase-js refresh the session before it expires (default: when a storage is given). */
  readonly autoRefreshToken?: boolean;
  /** The key supabase-js stores the session under (default: derived from the project URL). */
  readonly storageKey?: string;
  readonly fetch?: typeof fetch;
}

let loaded: Promise<typeof import("@supabase/supabase-js")> | null = null;

/** Loads supabase-js once, without the warning it prints on load under Node 20 (which supamigrate supports). */
function supabaseJs(): Promise<typeof import("@supabase/supabase-js")> {
  loaded ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === "string" && args[0].includes("Node.js 20 and below are deprecated")) return;
      warn(...args);
    };
    try {
      return await import("@supabase/supabase-js");
    } finally {
      console.warn = warn;
    }
  })();
  return loaded;
}

/** A supabase-js client for `projectUrl` and its publishable/anon key, ready for `createSupabaseFunctionClient`. */
export async function createSupabase(projectUrl: string, anonKey: string, options: SupabaseOptions = {}): Promise<SupabaseClient> {
  const { createClient: createSupabaseJs } = await supabaseJs();
  const base = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const persist = options.storage !== undefined;
  return createSupabaseJs(projectUrl, anonKey, {
    auth: {
      storage: options.storage,
      storageKey: options.storageKey,
      persistSession: persist,
      autoRefreshToken: options.autoRefreshToken ?? persist,
      detectSessionInUrl: false,
    },
    global: { fetch: capturingFetch(base) },
    realtime: { transport: NoRealtime as never },
  });
}

/** `<project>/functions/v1/<name>`: what invoke calls, and what messages name. */
export function functionsUrl(projectUrl: string, functionName = "supamigrate"): string {
  return new URL(`functions/v1/${functionName}`, projectUrl.endsWith("/") ? projectUrl : `${projectUrl}/`).href;
}

export interface SupabaseFunctionClientOptions extends Pick<ClientOptions, "timeoutMs" | "retry" | "region"> {
  /** Made by `createSupabase` (its fetch is what hands the raw response over). */
  readonly supabase: SupabaseClient;
  readonly projectUrl: string;
  /** A machine token (or an access token) to send instead of the session's; null: the session's. */
  readonly token?: string | null;
  readonly functionName?: string;
  /** True when the supabase client holds a signed-in session (its access token is what is sent). */
  readonly session?: boolean;
}

/** The function's client (same interface and behaviour as `createClient`), every call made with `functions.invoke`. */
export function createSupabaseFunctionClient(options: SupabaseFunctionClientOptions): FunctionClient {
  const name = options.functionName ?? "supamigrate";
  const base = functionsUrl(options.projectUrl, name);

  async function invokeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = String(input);
    const route = url.startsWith(`${base}/`) ? url.slice(base.length + 1) : "";
    const signal = init.signal ?? new AbortController().signal;
    let waiter!: Waiting;
    const raw = new Promise<Response>((resolve, reject) => (waiter = { resolve, reject }));
    waiting.set(signal, waiter);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const invoked = options.supabase.functions.invoke(`${name}/${route}`, {
      method: (init.method ?? "GET") as "GET" | "POST",
      headers,
      body: init.body as string | undefined,
      signal,
    });
    // invoke settles after our fetch has seen the response; if it settles without one (it failed
    // before fetching), pass its error on.
    void invoked.then(({ error }) => waiter.reject(error ?? new TypeError("supabase-js made no request")));
    try {
      return await raw;
    } finally {
      if (waiting.get(signal) === waiter) waiting.delete(signal);
    }
  }

  return createClient({
    url: base,
    token: options.token ?? null,
    fetch: invokeFetch,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    region: options.region,
    credentials: options.token ? "token" : options.session ? "session" : "token",
  });
}
