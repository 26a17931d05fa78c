/**
 * Routing: the route is the one path segment after the function's name, so the same handler works
 * behind `…/functions/v1/supamigrate/<route>` (locally) and `/supamigrate/<route>` (on Supabase). Which
 * routes exist, and their methods, is the route table (shared/protocol/routes.ts): nothing here names one.
 */
import { type Route, ROUTE_LIST, routeNamed } from "../../../../shared/protocol/routes.ts";

export const FUNCTION_NAME = "supamigrate";

export type RouteMatch =
  | { readonly kind: "route"; readonly route: Route }
  | { readonly kind: "not-found"; readonly path: string }
  | { readonly kind: "wrong-method"; readonly route: Route; readonly allow: string };

export function matchRoute(method: string, url: URL): RouteMatch {
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  const at = segments.lastIndexOf(FUNCTION_NAME);
  const rest = at >= 0 ? segments.slice(at + 1) : segments;
  const route = rest.length === 1 ? routeNamed(rest[0]) : null;
  if (route === null) return { kind: "not-found", path: rest.join("/") };
  return method === route.method ? { kind: "route", route } : { kind: "wrong-method", route, allow: route.method };
}

/** The routes as a sentence, for 404 messages. */
export function describeRoutes(): string {
  return ROUTE_LIST.map((route) => `${route.method} ${route.name}`).join(", ");
}
