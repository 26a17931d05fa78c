/**
 * The function's HTTP client, shared by the CLI and the extension (Web APIs only: fetch, streams).
 * One request per batch: `apply` sends every file at once (a large folder's applied files by checksum
 * only: send-pending.ts) and reads the NDJSON progress stream as it arrives. Each method's path, HTTP method and answer kind (JSON, or an NDJSON stream) come from the
 * route table (shared/protocol/routes.ts, through methods.ts).
 */
import type {
  ApplyEvent, ApplyRequest, BackupsPruneRequest, BackupsPruneResponse, DeployedRequest, NullCountsRequest, NullCountsResponse, DeployedResponse, DoneEvent, PlanResponse, RollbackRequest, StatusResponse,
} from "../protocol/types.ts";
import type {
  BaselineRequest, BaselineResponse, ImportHistoryRequest, ImportHistoryResponse, RepairRequest, RepairResponse,
} from "../protocol/adoption.ts";
import type { CatalogSnapshot } from "../protocol/catalog.ts";
import { ROUTES } from "../protocol/routes.ts";
import { describeRefusal } from "./describe.ts";
import { FunctionCallError, STREAM_ENDED_MESSAGE } from "./errors.ts";
import { clientMethods } from "./methods.ts";
import { readNdjson } from "./ndjson.ts";
import { sendingOnlyPending } from "./send-pending.ts";
import { defaultRetry, isConnectionFailure, isTimeout, type RetryPolicy, timeoutError, withRetry } from "./network.ts";

export interface ClientOptions {
  /** The function's base URL, e.g. `https://<ref>.supabase.co/functions/v1/supamigrate`. */
  readonly url: string;
  /** The bearer token (`SUPAMIGRATE_TOKEN`); never logged. */
  readonly token: string | null;
  readonly fetch?: typeof fetch;
  /** Timeout for non-streaming calls, and for a stream's first answer (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Retries of connection failures (default 3 tries, 500 ms doubling). */
  readonly retry?: RetryPolicy;
  /**
   * The Supabase region to run the function in (sent as `x-region`), e.g. `eu-central-1`: the
   * database's. Supabase runs a function in the region nearest the caller unless told otherwise, and
   * every file of an apply talks to the database.
   */
  readonly region?: string | null;
  /**
   * Above this much SQL text (UTF-16 code units) an apply or plan asks the status first and sends
   * applied files by checksum only (send-pending.ts); default SEND_PENDING_ONLY_ABOVE (~256 KiB).
   */
  readonly sendPendingOnlyAbove?: number;
  /** "session" when `fetch` adds a signed-in user's access token (supabase-js) instead of `token` (for 401 messages). */
  readonly credentials?: "token" | "session";
}

/** Receives every stream event except the last `done` line, which the call returns. */
export type EventHandler = (event: ApplyEvent) => void;

export interface FunctionClient {
  status(): Promise<StatusResponse>;
  /** The deployed text of tracked files (untracked names are left out of the answer). */
  deployed(request: DeployedRequest): Promise<DeployedResponse>;
  /** What a pending NOT NULL would meet: rows and NULLs of each column (read only). */
  nullCounts(request: NullCountsRequest): Promise<NullCountsResponse>;
  /** The live catalog's snapshot (`GET catalog`): what `verify --schema` compares with the migrations. */
  catalog(): Promise<CatalogSnapshot>;
  plan(request: ApplyRequest): Promise<PlanResponse>;
  apply(request: ApplyRequest, onEvent?: EventHandler): Promise<DoneEvent>;
  rollback(request: RollbackRequest, onEvent?: EventHandler): Promise<DoneEvent>;
  /** Adoption (docs/adoption.md): JSON answers; a refusal throws FunctionCallError (details: the comparison report). */
  baseline(request: BaselineRequest): Promise<BaselineResponse>;
  repair(request: RepairRequest): Promise<RepairResponse>;
  importHistory(request: ImportHistoryRequest): Promise<ImportHistoryResponse>;
  /** Drops backup tables (docs/engine.md, "Backups"). */
  pruneBackups(request: BackupsPruneRequest): Promise<BackupsPruneResponse>;
}

export function createClient(options: ClientOptions): FunctionClient {
  const base = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retry = options.retry ?? defaultRetry;
  const context = { target: base, tokenSent: Boolean(options.token), credentials: options.credentials };

  /** Aborts `controller` after the request timeout; the caller clears the timer when its part is done. */
  const armTimeout = (controller: AbortController) =>
    setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), timeoutMs);

  /** Sends one request (retrying connection failures) and returns the 2xx response; the caller's timer aborts it. */
  async function send(route: string, init: RequestInit, controller: AbortController): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json, application/x-ndjson" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.region) headers["x-region"] = options.region;
    let response: Response;
    try {
      response = await withRetry(retry, base, () => doFetch(`${base}/${route}`, { ...init, headers, signal: controller.signal }));
    } catch (error) {
      if (isTimeout(error) || controller.signal.aborted) throw timeoutError(base, timeoutMs);
      throw error;
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  async function errorFrom(response: Response): Promise<FunctionCallError> {
    const text = await response.text().catch(() => "");
    let code = `http-${response.status}`;
    let message = "";
    let details: unknown;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
      if (typeof parsed.error?.code === "string") code = parsed.error.code;
      if (typeof parsed.error?.message === "string") message = parsed.error.message;
      details = parsed.error?.details;
    } catch {
      // not the contract's JSON error (a gateway or proxy page): describe the status instead
    }
    if (response.status === 404 && code === `http-404`) code = "not-found";
    return describeRefusal({ status: response.status, code, message, details }, context);
  }

  async function getJson(route: string, init: RequestInit): Promise<unknown> {
    // One timer for the whole call: headers and body.
    const controller = new AbortController();
    const timer = armTimeout(controller);
    try {
      const response = await send(route, init, controller);
      return await response.json();
    } catch (error) {
      if (!(error instanceof FunctionCallError) && (isTimeout(error) || controller.signal.aborted)) throw timeoutError(base, timeoutMs);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function stream(route: string, init: RequestInit, onEvent: EventHandler = () => {}): Promise<DoneEvent> {
    // The timeout covers the answer's start only: a long apply streams for as long as it runs.
    const controller = new AbortController();
    const timer = armTimeout(controller);
    let response: Response;
    try {
      response = await send(route, init, controller);
    } finally {
      clearTimeout(timer);
    }
    if (!response.body) throw new FunctionCallError(0, "connection-ended", STREAM_ENDED_MESSAGE);
    let done: DoneEvent | null = null;
    try {
      await readNdjson(response.body, (value) => {
        const event = value as ApplyEvent;
        if (event.event === "done") done = event;
        else onEvent(event);
      });
    } catch (error) {
      if (error instanceof FunctionCallError) throw error;
      if (isConnectionFailure(error) || error instanceof Error) {
        throw new FunctionCallError(0, "connection-ended", STREAM_ENDED_MESSAGE);
      }
      throw error;
    }
    if (done === null) throw new FunctionCallError(0, "connection-ended", STREAM_ENDED_MESSAGE);
    return done;
  }

  const client = clientMethods(async (name, request, onEvent) => {
    const route = ROUTES[name];
    const init: RequestInit = route.method === "GET" ? { method: "GET" } : { method: route.method, body: JSON.stringify(request) };
    return route.answer === "ndjson" ? await stream(route.name, init, onEvent) : await getJson(route.name, init);
  });
  return sendingOnlyPending(client, options.sendPendingOnlyAbove);
}
