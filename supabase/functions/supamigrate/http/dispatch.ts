/**
 * The one path every engine route of the table (shared/protocol/routes.ts) takes once the caller is
 * admitted: read the body and check it with the route's validator (when it takes one), put the
 * verified caller into `meta.actor` (when the route records who ran it), make the route's engine call,
 * then answer the engine's JSON or stream its run as NDJSON. A refusal, by the validator or the engine,
 * is answered before anything ran and keeps its status, code, message and details.
 */
import type { AcceptedRun, Refusal, RouteEngine } from "../../../../shared/protocol/route-engine.ts";
import type { CarriesMeta, EngineRoute } from "../../../../shared/protocol/routes.ts";
import { type Identity, withVerifiedActor } from "../identity/identity.ts";
import { readJsonBody } from "./body.ts";
import { errorResponse, jsonResponse } from "./errors.ts";

export interface Dispatch {
  /** The engine for this configuration; asked for only once the body has passed its checks. */
  readonly engine: () => RouteEngine;
  readonly identity: Identity;
  readonly maxBodyBytes: number;
  /** Streams an accepted run (the handler's, which logs when the run ends and keeps the isolate alive for it). */
  readonly stream: (route: EngineRoute, run: AcceptedRun) => Response;
}

export async function dispatch(route: EngineRoute, request: Request, how: Dispatch): Promise<Response> {
  let value: CarriesMeta | undefined;
  if (route.validate !== null) {
    const body = await readJsonBody(request, how.maxBodyBytes);
    if (!body.ok) return body.response;
    const checked = route.validate(body.json);
    if (!checked.ok) return errorResponse(400, checked.code, checked.message);
    // applied_by, the lock holder and the events' actor come from the verified identity, never from the client's meta.actor.
    value = route.verifiedActor && checked.value !== undefined
      ? { ...checked.value, meta: withVerifiedActor(checked.value.meta, how.identity) }
      : checked.value;
  }
  const engine = how.engine();
  if (route.answer === "ndjson") {
    const prepared = await route.call(engine, value);
    return prepared.ok ? how.stream(route, prepared.value) : rejected(prepared.rejection);
  }
  const answered = await route.call(engine, value);
  return answered.ok ? jsonResponse(answered.value) : rejected(answered.rejection);
}

function rejected(rejection: Refusal): Response {
  return errorResponse(rejection.status, rejection.code, rejection.message, { details: rejection.details });
}
