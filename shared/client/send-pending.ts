/**
 * Sends only what is needed: when a folder's text is large, the HTTP client asks the function's status
 * first and sends the files it reports applied (with the checksum the client computes of its own copy)
 * by checksum only, so 10 MiB of applied migrations do not travel with every apply. The function still
 * checks drift — a checksum that differs from the recorded one is refused as before — and a file sent by
 * checksum that is not applied after all (rolled back meanwhile) is answered 409 `text-needed`: the
 * client then sends those files' text and asks once more.
 */
import { migrationChecksum } from "../migrations/index.ts";
import type { AppliedReference, ApplyRequest, MigrationPayload } from "../protocol/types.ts";
import type { FunctionClient } from "./client.ts";
import { FunctionCallError } from "./errors.ts";

/** Below this many UTF-16 code units of SQL (~256 KiB) everything is sent: one round trip beats two. */
export const SEND_PENDING_ONLY_ABOVE = 256 * 1024;

/** `client` with `apply` and `plan` sending applied files by checksum when the request's text exceeds `threshold`. */
export function sendingOnlyPending(client: FunctionClient, threshold = SEND_PENDING_ONLY_ABOVE): FunctionClient {
  const trimmed = async (request: ApplyRequest): Promise<ApplyRequest> => {
    if (request.applied?.length || textSize(request.migrations) <= threshold) return request;
    return await withoutAppliedText(request, new Map((await client.status()).applied.map((row) => [row.name, row.checksum])));
  };
  /** Calls with the trimmed request; when the function needs some text after all, sends it and calls again. */
  const call = async <T>(request: ApplyRequest, send: (request: ApplyRequest) => Promise<T>): Promise<T> => {
    const sent = await trimmed(request);
    try {
      return await send(sent);
    } catch (error) {
      if (!(error instanceof FunctionCallError && error.code === "text-needed") || sent === request) throw error;
      const needed = new Set([...namesIn(error.details), ...sent.migrations.map((m) => m.name)]);
      return await send({ ...sent, applied: sent.applied?.filter((r) => !needed.has(r.name)), migrations: request.migrations.filter((m) => needed.has(m.name)) });
    }
  };
  return {
    ...client,
    apply: (request, onEvent) => call(request, (sent) => client.apply(sent, onEvent)),
    plan: (request) => call(request, (sent) => client.plan(sent)),
  };
}

/** The request with each file the tracking table holds at the same checksum moved to `applied`. */
export async function withoutAppliedText(request: ApplyRequest, recorded: ReadonlyMap<string, string>): Promise<ApplyRequest> {
  const migrations: MigrationPayload[] = [];
  const applied: AppliedReference[] = [...(request.applied ?? [])];
  const checksums = await Promise.all(request.migrations.map((m) => (recorded.has(m.name) ? migrationChecksum(m.sql) : null)));
  request.migrations.forEach((m, i) => {
    if (checksums[i] !== null && checksums[i] === recorded.get(m.name)) applied.push({ name: m.name, checksum: checksums[i]! });
    else migrations.push(m);
  });
  return applied.length === 0 ? request : { ...request, migrations, applied };
}

function textSize(migrations: readonly MigrationPayload[]): number {
  return migrations.reduce((sum, m) => sum + m.sql.length + (m.rollback?.length ?? 0), 0);
}

function namesIn(details: unknown): string[] {
  const names = (details as { names?: unknown } | null)?.names;
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
}
