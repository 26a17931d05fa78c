/**
 * The lint vocabulary. A finding is plain data (never an exception): the CLI prints it, the
 * extension turns it into a diagnostic and its fixes into code actions.
 */
import type { ParsedMigration } from "../schema/migrations.ts";
import type { Range } from "../sql/index.ts";

export type Severity = "error" | "warning" | "info";
export type SeveritySetting = Severity | "off";

/** 1-based lines and columns in UTF-16 code units (as VS Code counts); the end is exclusive. */
export type { Range } from "../sql/index.ts";

/** Replace `range` in the finding's file with `newText` (an insertion when the range is empty). */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** A mechanical fix: edits to the finding's file and/or a new file to create (a rollback skeleton). */
export interface Fix {
  readonly title: string;
  readonly edits?: readonly TextEdit[];
  readonly createFile?: { readonly path: string; readonly text: string };
}

/** Another place that explains the finding (the other file of a conflicting definition). */
export interface RelatedLocation {
  readonly file: string;
  readonly range: Range;
  readonly message: string;
}

export interface Finding {
  /** Path as the user knows it, e.g. `scripts/019_recreate_results_tables.sql`. */
  readonly file: string;
  readonly range: Range;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** How to fix it, in a sentence; shown after the message. */
  readonly help?: string;
  readonly fixes?: readonly Fix[];
  readonly related?: readonly RelatedLocation[];
}

/** A migration as the rules see it. */
/** A migration as the rules see it (the schema layer's parsed migration). */
export type LintFile = ParsedMigration;

/** Where a rule reports: a UTF-16 offset span in the file's text, or an explicit range. */
export type ReportAt = { readonly start: number; readonly end: number } | { readonly range: Range };

export interface Report {
  readonly at: ReportAt;
  readonly message: string;
  readonly help?: string;
  readonly fixes?: readonly Fix[];
  readonly related?: readonly RelatedLocation[];
  /**
   * This finding's severity when the user has not overridden the rule's (a rule whose severity
   * depends on context, e.g. unresolved-placeholder: info at lint time, error at apply time).
   */
  readonly severity?: Severity;
}

/** What every rule can see: all migrations in contract order and what is known about the deploy. */
export interface LintProject {
  /** The migrations folder as reported, e.g. `scripts`. */
  readonly dir: string;
  /** Migrations in contract order. */
  readonly files: readonly LintFile[];
  /** `.sql` files in the folder that break the naming rule (paths as reported). */
  readonly invalidNames: readonly string[];
  /** Deployed state (file name → checksum) from the function's status; null when unknown. */
  readonly applied: ReadonlyMap<string, string> | null;
  /**
   * The text a deployed file had when it was applied (name → SQL, the function's `POST deployed`), for
   * the files whose text is known — the editor fills it for drifted files; absent or null otherwise.
   */
  readonly deployedSql?: ReadonlyMap<string, string> | null;
  /** Placeholder values supplied for this run; null when none are known (plain `lint`). */
  readonly placeholders: Readonly<Record<string, string>> | null;
  /** The schema the migrations build, walked in contract order and seeded with what Supabase provides. */
  readonly schema: SchemaModel;
}

export interface FileContext {
  readonly file: LintFile;
  readonly project: LintProject;
  report(report: Report): void;
}

export interface ProjectContext {
  readonly project: LintProject;
  /** Reports on any path (a deleted deployed file, an invalid name); use `{ range }` for files not in `project.files`. */
  report(path: string, report: Report): void;
}

/** A lint rule: its id is its folder's name under `shared/lint/rules/`. */
export interface Rule {
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One line: what it catches. */
  readonly summary: string;
  /** Checks one migration (called for every file; must not depend on call order). */
  checkFile?(context: FileContext): void;
  /**
   * True when `checkFile` reads only its file (text, parse, name, rollback), never `project`: the
   * engine then reuses its reports while the file is unchanged (the editor re-lints on every keystroke).
   */
  readonly fileLocal?: boolean;
  /** Checks the project as a whole (cross-file rules, files that are not migrations). */
  checkProject?(context: ProjectContext): void;
  /**
   * An opt-in rule's set: the rule is off unless the config turns its set on (`"onlineSafety": true` in
   * supamigrate.json) or gives the rule a severity of its own.
   */
  readonly optIn?: "online-safety";
}

import type { SchemaModel } from "../schema/model.ts";
export type { SchemaModel };
