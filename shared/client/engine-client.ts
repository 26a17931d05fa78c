/**
 * The same client interface over an engine in this process (the CLI's `--db-url` mode), so every
 * command and every output format works the same whether the engine runs in the function or here.
 * Each method makes its route's engine call from the route table (shared/protocol/routes.ts), as the
 * function does; there is no verified caller here, so the request's `meta.actor` is used as sent.
 */
import type { MigrationEngine } from "../engine/types.ts";
import type { Refusal } from "../protocol/route-engine.ts";
import { type EngineRoute, ROUTES } from "../protocol/routes.ts";
import type { FunctionClient } from "./client.ts";
import { describeRefusal } from "./describe.ts";
import { clientMethods } from "./methods.ts";

/** `target` names the database in messages (never with its password). */
export function createEngineClient(engine: MigrationEngine, target: string): FunctionClient {
  const refuse = (rejection: Refusal) => describeRefusal(rejection, { target, tokenSent: true });

  return clientMethods(async (name, request, onEvent = () => {}) => {
    const route: EngineRoute = ROUTES[name];
    if (route.answer === "ndjson") {
      const prepared = await route.call(engine, request);
      if (!prepared.ok) throw refuse(prepared.rejection);
      // The stream's last line is what the call returns, as over HTTP.
      return await prepared.value.run((event) => {
        if (event.event !== "done") onEvent(event);
      });
    }
    const answered = await route.call(engine, request);
    if (!answered.ok) throw refuse(answered.rejection);
    return answered.value;
  });
}
