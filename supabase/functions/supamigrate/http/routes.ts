/**
 * Routing: the route is the one path segment after the function's name, so the same handler works
 * behind `…/functions/v1/supamigrate/<route>` (locally) and `/supamigrate/<route>` (on Supabase).
 */

export type RouteName = "health" | "status" | "plan" | "apply" | "rollback" | "baseline" | "repair" | "import-history";

const ROUTES: Record<RouteName, "GET" | "POST"> = {
  health: "GET",
  status: "GET",
  plan: "POST",
  apply: "POST",
  rollback: "POST",
  // adoption (docs/adoption.md): write scope / admin, like apply
  baseline: "POST",
  repair: "POST",
  "import-history": "POST",
};

export const FUNCTION_NAME = "supamigrate";

export type RouteMatch =
  | { readonly kind: "route"; readonly route: RouteName }
  | { readonly kind: "not-found"; readonly path: string }
  | { readonly kind: "wrong-method"; readonly route: RouteName; readonly allow: string };

export function matchRoute(method: string, url: URL): RouteMatch {
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  const at = segments.lastIndexOf(FUNCTION_NAME);
  const rest = at >= 0 ? segments.slice(at + 1) : segments;
  const name = rest.length === 1 ? rest[0] : "";
  if (!Object.hasOwn(ROUTES, name)) return { kind: "not-found", path: rest.join("/") };
  const route = name as RouteName;
  const allow = ROUTES[route];
  return method === allow ? { kind: "route", route } : { kind: "wrong-method", route, allow };
}

/** The routes as a sentence, for 404 messages. */
export function describeRoutes(): string {
  return Object.entries(ROUTES).map(([name, method]) => `${method} ${name}`).join(", ");
}
