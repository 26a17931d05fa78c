/**
 * Breaking changes of the pending migrations: what clients (supabase-js, the Data API, rpc callers)
 * used when the batch started and lose, or must now do differently, when it ends — dropped or renamed
 * tables, columns and functions, changed column types and function results, NOT NULL added, policies
 * dropped or changed, row level security disabled, privileges revoked.
 *
 * The pending files are one batch, judged against the schema the files before them built (the schema
 * model, plus the history of NOT NULL, DEFAULT and row level security). What the batch creates and
 * then drops or changes breaks nothing; a DROP … IF EXISTS that the batch follows with the same
 * definition (the seed's redefinition pattern) breaks nothing. When the deploy state is unknown, each
 * file is its own batch, judged against the files before it.
 */
import { buildSchemaModel, positionOf, type SchemaModel } from "../model.ts";
import type { ParsedMigration } from "../migrations.ts";
import { type Json, relationKey } from "../names.ts";
import { History, type TableFacts } from "../rollback/history.ts";
import { nameList } from "../../sql/names.ts";
import { type Batch, buildIndex, type ModelIndex } from "./context.ts";
import { type Event, roleName, statementEvents } from "./events.ts";
import { functionChanges } from "./functions.ts";
import { grantChanges } from "./grants.ts";
import { objectChanges } from "./objects.ts";
import { tableChanges } from "./tables.ts";
import type { BreakingChange } from "./types.ts";

export interface BreakingInput {
  /** Every migration, in contract order (as parseMigrations gives them). */
  readonly files: readonly ParsedMigration[];
  /** The schema model of `files` (buildSchemaModel); built when absent. */
  readonly schema?: SchemaModel;
  /**
   * Names of the migrations not yet applied (one batch), or null when the deploy state is unknown: then
   * every file is judged on its own against the files before it.
   */
  readonly pending: ReadonlySet<string> | null;
}

/** The breaking changes of the pending migrations, in contract order of their statements. */
export function breakingChanges(input: BreakingInput): BreakingChange[] {
  const { files } = input;
  const batches = batchesOf(files, input.pending);
  if (batches.length === 0) return [];
  const model = input.schema ?? buildSchemaModel(files);
  const index = buildIndex(model);
  const history = new History();
  const policyRoles = new Map<string, Array<{ position: number; roles: string[] }>>();
  const changes: BreakingChange[] = [];
  let next = 0;
  let open: OpenBatch | null = null;
  for (const file of files) {
    if (!open && next < batches.length && file.order === batches[next].first) open = { ...batches[next], events: [], snapshots: new Map() };
    for (const statement of file.parsed.statements) {
      if (!statement.node || !statement.kind) continue;
      const position = positionOf(file.order, statement.index);
      try {
        if (statement.kind === "AlterPolicyStmt") recordRoles(policyRoles, statement.node, position);
        if (open) {
          if (open.orders.has(file.order)) open.events.push(...statementEvents(statement.kind, statement.node, { file, statement, position }));
          for (const key of touchedTables(statement.kind, statement.node, history)) {
            if (!open.snapshots.has(key)) open.snapshots.set(key, copyFacts(history.tables.get(key)));
          }
        }
        history.apply(statement.text, statement.node);
      } catch {
        // The schema model skips a statement it cannot read and reports it (SchemaModel.unreadable); so does this.
      }
    }
    if (open && file.order === open.last) {
      changes.push(...judge(open, model, index, history, policyRoles));
      open = null;
      next++;
    }
  }
  const order = new Map(files.map((f) => [f.path, f.order]));
  return changes.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.statement - b.statement);
}

interface BatchSpan {
  readonly first: number;
  readonly last: number;
  readonly orders: ReadonlySet<number>;
}

interface OpenBatch extends BatchSpan {
  readonly events: Event[];
  /** Each table's history facts just before the batch first touched it (null: none). */
  readonly snapshots: Map<string, TableFacts | null>;
}

function batchesOf(files: readonly ParsedMigration[], pending: ReadonlySet<string> | null): BatchSpan[] {
  if (pending === null) return files.map((f) => ({ first: f.order, last: f.order, orders: new Set([f.order]) }));
  const orders = files.filter((f) => pending.has(f.name)).map((f) => f.order);
  return orders.length ? [{ first: Math.min(...orders), last: Math.max(...orders), orders: new Set(orders) }] : [];
}

function judge(
  open: OpenBatch,
  model: SchemaModel,
  index: ModelIndex,
  history: History,
  policyRoles: Batch["policyRoles"],
): BreakingChange[] {
  const batch: Batch = {
    model,
    index,
    start: positionOf(open.first, 0),
    end: positionOf(open.last + 1, 0),
    events: open.events,
    // A table the batch never touched is at the end as it was at the start.
    startFacts: (table) => (open.snapshots.has(table) ? open.snapshots.get(table)! : history.tables.get(table) ?? null),
    endFacts: (table) => history.tables.get(table) ?? null,
    policyRoles,
  };
  return [...tableChanges(batch), ...functionChanges(batch), ...objectChanges(batch), ...grantChanges(batch)];
}

function recordRoles(map: Map<string, Array<{ position: number; roles: string[] }>>, node: Json, position: number): void {
  const body = node.AlterPolicyStmt;
  const table = relationKey(body?.table);
  if (!table || !Array.isArray(body.roles)) return;
  const key = `${table}/${body.policy_name}`;
  const list = map.get(key) ?? [];
  map.set(key, [...list, { position, roles: body.roles.map(roleName) }]);
}

/** The tables whose history facts a statement changes (before it runs, their facts are saved). */
function touchedTables(kind: string, node: Json, history: History): string[] {
  const body = node[kind];
  switch (kind) {
    case "CreateStmt":
    case "AlterTableStmt":
    case "RenameStmt": {
      const key = relationKey(body?.relation);
      return key ? [key] : [];
    }
    case "DropStmt": {
      const objects = Array.isArray(body?.objects) ? body.objects : [];
      if (body.removeType === "OBJECT_TABLE") {
        return objects.map((o: Json) => {
          const names = nameList(o);
          return names.length > 1 ? names.slice(-2).join(".") : `public.${names[0]}`;
        });
      }
      if (body.removeType === "OBJECT_SCHEMA") {
        const schemas = objects.map((o: Json) => `${o?.String?.sval}.`);
        return [...history.tables.keys()].filter((key) => schemas.some((s: string) => key.startsWith(s)));
      }
      return [];
    }
    default:
      return [];
  }
}

function copyFacts(facts: TableFacts | undefined): TableFacts | null {
  return facts ? { rls: facts.rls, forceRls: facts.forceRls, columns: new Map(facts.columns), constraints: new Map(facts.constraints) } : null;
}

export type { BreakingChange, BreakingKind, LiveNullCheck } from "./types.ts";
