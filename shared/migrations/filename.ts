/**
 * The contract's migration file naming rule: `<number>_<name>.sql`, where the number is 3+ digits
 * (`001`) or a 14-digit Supabase timestamp (`20240101120000`).
 */

/** A migration file name split into its parts. */
export interface MigrationName {
  /** The full bare file name, e.g. `007_create_feedback_tables.sql`. */
  readonly fileName: string;
  /** The number as written, e.g. `007`. */
  readonly number: string;
  /** The numeric value used for ordering, e.g. `7n`. */
  readonly value: bigint;
  /** The part after the underscore, without `.sql`. */
  readonly label: string;
}

const MIGRATION_FILE = /^(\d{3,})_([A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$/;

/** Parses a bare file name; returns null when it does not follow the naming rule. */
export function parseMigrationName(fileName: string): MigrationName | null {
  const match = MIGRATION_FILE.exec(fileName);
  if (!match) return null;
  const [, number, label] = match;
  return { fileName, number, value: BigInt(number), label };
}

/** Explains why a `.sql` file name is not a migration name, for findings and error messages. */
export function describeNamingRule(): string {
  return "a migration file is named <number>_<name>.sql, where <number> is 3 or more digits (001) or a 14-digit " +
    "timestamp (20240101120000) and <name> uses letters, digits, '_', '-' or '.'";
}

/** True when the name is a bare file name: no directory parts, no NUL, no leading dot. */
export function isBareFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[\/\\\u0000]/.test(name) && name !== "." && name !== ".." &&
    !name.startsWith(".");
}
