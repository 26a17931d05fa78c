/**
 * The config file's name, shape and defaults, apart from its validation (config.ts), which needs the
 * rule registry: a cached `supamigrate lint` without a config file never loads the rules.
 */
import type { SeveritySetting } from "./types.ts";

export const CONFIG_FILE = "supamigrate.json";

export interface LintConfig {
  readonly migrationsDir: string;
  readonly rules: Readonly<Record<string, SeveritySetting>>;
}

export const DEFAULT_CONFIG: LintConfig = { migrationsDir: "scripts", rules: {} };
