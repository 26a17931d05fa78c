/**
 * What the routes ask of an engine: the engine calls of the route table (routes.ts), in the contract's
 * own types. The protocol sits below the engine and never imports it (test/layers.test.ts), so the
 * table is written against this interface; shared/engine's MigrationEngine extends it, and the
 * function and the `--db-url` client hand their engine to the table as one.
 */
import type {
  BaselineRequest, BaselineResponse, ImportHistoryRequest, ImportHistoryResponse, RepairRequest, RepairResponse,
} from "./adoption.ts";
import type { ApplyEvent, ApplyRequest, BackupsPruneRequest, BackupsPruneResponse, DeployedRequest, NullCountsRequest, NullCountsResponse, DeployedResponse, DoneEvent, PlanResponse, RollbackRequest, StatusResponse } from "./types.ts";
import type { CatalogSnapshot } from "./catalog.ts";

/** A refusal before anything ran (the engine's Rejection): the HTTP status, a kebab-case code, a message that says how to fix it. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** A run the engine accepted (it holds the lock): `run` reports each event as it happens and returns the last line. */
export interface AcceptedRun {
  run(emit: (event: ApplyEvent) => void): Promise<DoneEvent>;
}

/** The engine's answer to a call that can be refused: `{ok: true, <key>: value}` or the refusal. */
type Answer<Key extends string, T> = ({ readonly ok: true } & { readonly [K in Key]: T }) | { readonly ok: false; readonly rejection: Refusal };

export interface RouteEngine {
  status(): Promise<StatusResponse>;
  deployed(request: DeployedRequest): Promise<DeployedResponse>;
  nullCounts(request: NullCountsRequest): Promise<NullCountsResponse>;
  catalog(): Promise<CatalogSnapshot>;
  plan(request: ApplyRequest): Promise<Answer<"plan", PlanResponse>>;
  prepareApply(request: ApplyRequest): Promise<Answer<"run", AcceptedRun>>;
  prepareRollback(request: RollbackRequest): Promise<Answer<"run", AcceptedRun>>;
  baseline(request: BaselineRequest): Promise<Answer<"result", BaselineResponse>>;
  repair(request: RepairRequest): Promise<Answer<"result", RepairResponse>>;
  importHistory(request: ImportHistoryRequest): Promise<Answer<"result", ImportHistoryResponse>>;
  pruneBackups(request: BackupsPruneRequest): Promise<Answer<"result", BackupsPruneResponse>>;
}
