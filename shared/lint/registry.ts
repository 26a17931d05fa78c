/** Every lint rule: one line each. A rule's id is its folder's name under rules/. */
import type { Rule } from "./types.ts";
import { rule as requireIfNotExists } from "./rules/require-if-not-exists/rule.ts";
import { rule as requireRollback } from "./rules/require-rollback/rule.ts";
import { rule as noEditAfterDeploy } from "./rules/no-edit-after-deploy/rule.ts";
import { rule as dropPolicyBeforeCreate } from "./rules/drop-policy-before-create/rule.ts";
import { rule as unknownReference } from "./rules/unknown-reference/rule.ts";
import { rule as conflictingDefinition } from "./rules/conflicting-definition/rule.ts";
import { rule as duplicateNumber } from "./rules/duplicate-number/rule.ts";
import { rule as syntaxError } from "./rules/syntax-error/rule.ts";
import { rule as nonTransactionalStatement } from "./rules/non-transactional-statement/rule.ts";
import { rule as explicitTransaction } from "./rules/explicit-transaction/rule.ts";
import { rule as rlsNotEnabled } from "./rules/rls-not-enabled/rule.ts";
import { rule as securityDefinerSearchPath } from "./rules/security-definer-search-path/rule.ts";
import { rule as unresolvedPlaceholder } from "./rules/unresolved-placeholder/rule.ts";
import { rule as invalidFilename } from "./rules/invalid-filename/rule.ts";
import { rule as emptyMigration } from "./rules/empty-migration/rule.ts";
import { rule as constraintWithoutGuard } from "./rules/constraint-without-guard/rule.ts";
import { rule as bucketInsertWithoutOnConflict } from "./rules/bucket-insert-without-on-conflict/rule.ts";
import { rule as supabaseManagedSchema } from "./rules/supabase-managed-schema/rule.ts";
import { rule as requireConcurrentIndexCreation } from "./rules/require-concurrent-index-creation/rule.ts";
import { rule as requireTimeoutSettings } from "./rules/require-timeout-settings/rule.ts";
import { rule as constraintMissingNotValid } from "./rules/constraint-missing-not-valid/rule.ts";
import { rule as addingNotNullableField } from "./rules/adding-not-nullable-field/rule.ts";
import { rule as changingColumnType } from "./rules/changing-column-type/rule.ts";
import { rule as breakingChange } from "./rules/breaking-change/rule.ts";

export const rules: readonly Rule[] = [
  requireIfNotExists,
  requireRollback,
  noEditAfterDeploy,
  dropPolicyBeforeCreate,
  unknownReference,
  conflictingDefinition,
  duplicateNumber,
  syntaxError,
  nonTransactionalStatement,
  explicitTransaction,
  rlsNotEnabled,
  securityDefinerSearchPath,
  unresolvedPlaceholder,
  invalidFilename,
  emptyMigration,
  constraintWithoutGuard,
  bucketInsertWithoutOnConflict,
  supabaseManagedSchema,
  requireConcurrentIndexCreation,
  requireTimeoutSettings,
  constraintMissingNotValid,
  addingNotNullableField,
  changingColumnType,
  breakingChange,
];

/** Rule ids in registry order. */
export const ruleIds: readonly string[] = rules.map((r) => r.id);
