export { describeNamingRule, isBareFileName, type MigrationName, parseMigrationName } from "./filename.ts";
export { compareFileNames, compareMigrationNames, duplicateNumberGroups, sortByContractOrder } from "./order.ts";
export { withoutBom } from "./bom.ts";
export { migrationChecksum, normalizeForChecksum } from "./checksum.ts";
export { findPlaceholders, missingPlaceholders, type PlaceholderUse, placeholderNames, substitutePlaceholders, unsafePlaceholderValue } from "./placeholders.ts";
export { collectMigrations, type ListedFile, type MigrationFile, type MigrationFolder, rollbackPathFor } from "./discovery.ts";
export { type Checksummed, type Comparison, compareWithApplied, type DriftedMigration } from "./compare.ts";
