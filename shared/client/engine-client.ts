/**
 * The same client interface over an engine in this process (the CLI's `--db-url` mode), so every
 * command and every output format works the same whether the engine runs in the function or here.
 */
import type { AdoptionResult, MigrationEngine, Prepared, Rejection } from "../engine/types.ts";
import type { DoneEvent } from "../protocol/types.ts";
import type { EventHandler, FunctionClient } from "./client.ts";
import { describeRefusal } from "./describe.ts";

/** `target` names the database in messages (never with its password). */
export function createEngineClient(engine: MigrationEngine, target: string): FunctionClient {
  const refuse = (rejection: Rejection) => describeRefusal(rejection, { target, tokenSent: true });

  function answer<T>(what: string, result: AdoptionResult<T> | null): T {
    if (result === null) throw new Error(`this engine does not support ${what}`);
    if (!result.ok) throw refuse(result.rejection);
    return result.result;
  }

  async function run(prepared: Prepared, onEvent: EventHandler = () => {}): Promise<DoneEvent> {
    if (!prepared.ok) throw refuse(prepared.rejection);
    return await prepared.run.run((event) => {
      if (event.event !== "done") onEvent(event);
    });
  }

  return {
    status: () => engine.status(),
    async plan(request) {
      const result = await engine.plan(request);
      if (!result.ok) throw refuse(result.rejection);
      return result.plan;
    },
    apply: async (request, onEvent) => await run(await engine.prepareApply(request), onEvent),
    rollback: async (request, onEvent) => await run(await engine.prepareRollback(request), onEvent),
    baseline: async (request) => answer("baseline", engine.baseline ? await engine.baseline(request) : null),
    repair: async (request) => answer("repair", engine.repair ? await engine.repair(request) : null),
    importHistory: async (request) => answer("import-history", engine.importHistory ? await engine.importHistory(request) : null),
  };
}
