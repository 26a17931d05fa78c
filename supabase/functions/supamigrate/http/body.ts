/**
 * Reads a JSON request body under a size limit: the Content-Length is checked first, then bytes are
 * counted while streaming, so an oversized or lying body never sits whole in memory.
 */
import { isJsonContentType } from "../../../../shared/protocol/validate.ts";
import { errorResponse } from "./errors.ts";

export type BodyResult = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly response: Response };

export async function readJsonBody(request: Request, maxBytes: number): Promise<BodyResult> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return refuse(errorResponse(415, "unsupported-media-type", "send the body as JSON with the header `Content-Type: application/json`"));
  }
  const tooLarge = () =>
    refuse(errorResponse(413, "body-too-large", `the body is larger than ${maxBytes} bytes (the CLI and the editor send applied files by checksum only, so this is the pending files' text): apply fewer files per request (e.g. with --to), or raise the limit with \`supabase secrets set SUPAMIGRATE_MAX_BODY_BYTES=<bytes>\``));
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return refuse(errorResponse(400, "invalid-json", "the body is not valid UTF-8 text: send the migration files' text as UTF-8 JSON"));
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    // The parser's message quotes the body, which may hold placeholder values: say only what is wrong.
    return refuse(errorResponse(400, "invalid-json", 'the body is not valid JSON: send a JSON object such as {"migrations": [...]} (check for a truncated or hand-edited body)'));
  }
}

function refuse(response: Response): BodyResult {
  return { ok: false, response };
}
