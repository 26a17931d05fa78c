/**
 * The client's methods, each named with the route of the table it calls (shared/protocol/routes.ts):
 * the one place that says `importHistory` is the `import-history` route. Both clients — over HTTP
 * (client.ts) and over an engine in this process (engine-client.ts) — build their FunctionClient here
 * from one generic call, which takes the route's method, path and answer kind from the table.
 */
import type { CarriesMeta, RouteAnswer, RouteName, RouteRequest } from "../protocol/routes.ts";
import type { EventHandler, FunctionClient } from "./client.ts";

/** Every route a client calls: all but health, which is for people and monitors. */
export type ClientRoute = Exclude<RouteName, "health">;

/** Calls route `name` with `request` (undefined for a route without a body); a stream's events go to `onEvent`. */
export type RouteCall = (name: ClientRoute, request: CarriesMeta | undefined, onEvent?: EventHandler) => Promise<unknown>;

export function clientMethods(call: RouteCall): FunctionClient {
  // The generic call answers what the table says route N answers (RouteAnswer<N>): the one place that is asserted.
  const route = <N extends ClientRoute>(name: N, request: RouteRequest<N>, onEvent?: EventHandler) =>
    call(name, request, onEvent) as Promise<RouteAnswer<N>>;
  return {
    status: () => route("status", undefined),
    deployed: (request) => route("deployed", request),
    nullCounts: (request) => route("null-counts", request),
    catalog: () => route("catalog", undefined),
    plan: (request) => route("plan", request),
    apply: (request, onEvent) => route("apply", request, onEvent),
    rollback: (request, onEvent) => route("rollback", request, onEvent),
    baseline: (request) => route("baseline", request),
    repair: (request) => route("repair", request),
    importHistory: (request) => route("import-history", request),
    pruneBackups: (request) => route("backups-prune", request),
  };
}
