/**
 * JSON answers: the contract's error body `{"error": {"code", "message"}}` and plain JSON. Every
 * answer is uncacheable and carries no CORS header (the function is called by the CLI and the
 * extension, never by a browser page).
 */

const BASE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...BASE_HEADERS, ...headers } });
}

/** A refusal: nothing was written. `message` says how to fix it and never echoes an exception. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  options: { headers?: Record<string, string>; details?: unknown } = {},
): Response {
  const error = options.details === undefined ? { code, message } : { code, message, details: options.details };
  return jsonResponse({ error }, status, options.headers);
}

export function internalError(): Response {
  return errorResponse(500, "internal-error", "the function failed unexpectedly; the details are in the function's logs (Supabase dashboard → Edge Functions → supamigrate → Logs). Nothing was applied by this request.");
}
