/**
 * The config file's name, shape and defaults, apart from its validation (config.ts), which needs the
 * rule registry: a cached `supamigrate lint` without a config file never loads the rules.
 */
import type { SeveritySetting } from "./types.ts";

export const CONFIG_FILE = "supamigrate.json";

export interface LintConfig {
  readonly migrationsDir: string;
  readonly rules: Readonly<Record<string, SeveritySetting>>;
  /** Named targets (`"targets"`), in the file's order; absent when the file has none. */
  readonly targets?: Readonly<Record<string, TargetConfig>>;
}

/**
 * A named target (docs/configuration.md, "Targets"): the function at `url` with its token read from the
 * variable `tokenEnv`, or a database whose URL is read from the variable `dbUrlEnv` (the engine then runs
 * in the CLI, as with --db-url). Secrets stay in the environment: the file names variables, never values.
 */
export interface TargetConfig {
  readonly url?: string;
  readonly tokenEnv?: string;
  /** The Supabase region to run the function in (x-region), with `url`. */
  readonly region?: string;
  readonly dbUrlEnv?: string;
  /** Another target every pending file must be applied on first, with the same checksum (the staging gate). */
  readonly requires?: string;
}

export const DEFAULT_CONFIG: LintConfig = { migrationsDir: "scripts", rules: {} };
