/**
 * The schema the migrations build, walked in contract order and seeded with what Supabase provides.
 * (Filled in by the schema-model work: tables with column types and keys, policies, functions, types,
 * each with the file and statement that created it.)
 */
// deno-lint-ignore no-empty-interface
export interface SchemaModel {}

/** Builds the model for migrations in contract order. */
export function buildSchemaModel(): SchemaModel {
  return {};
}
