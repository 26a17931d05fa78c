/**
 * The project's configuration, the same for every command and the editor: `supamigrate.json` found by
 * walking up from where the command runs (or the workspace folder), its `migrationsDir` relative to the
 * file's folder, then what the caller passes on top (a `--dir` flag, the editor's setting). With no file
 * and no override, the migrations folder is detected: `scripts/` (the seed's), else
 * `supabase/migrations/` (the Supabase CLI's), else `scripts/`.
 */
import { CONFIG_FILE, DEFAULT_CONFIG, type LintConfig, type TargetConfig } from "../lint/config-file.ts";
import { joinPath, parentPath, type ProjectFileSystem } from "./file-system.ts";

export type { TargetConfig };

export interface ProjectOverrides {
  /** The migrations folder, absolute or relative to `cwd` (wins over the file). */
  readonly migrationsDir?: string | null;
}

export interface ProjectConfig {
  /** The config file's path, or null when there is none. */
  readonly configPath: string | null;
  /** The migrations folder, absolute. */
  readonly migrationsDir: string;
  /** Where the folder came from, for messages. */
  readonly dirSource: "override" | "config" | "detected" | "default";
  readonly rules: LintConfig["rules"];
  /** The named targets (`"targets"`), in the file's order; empty without them. */
  readonly targets: Readonly<Record<string, TargetConfig>>;
}

export type ProjectResult = { readonly ok: true; readonly project: ProjectConfig } | { readonly ok: false; readonly errors: string[] };

const DETECTED = ["scripts", "supabase/migrations"];

/** `cwd` absolute, with `/` separators. */
export async function resolveProject(fs: ProjectFileSystem, cwd: string, overrides: ProjectOverrides = {}): Promise<ProjectResult> {
  const found = await findConfig(fs, cwd);
  let config: LintConfig = DEFAULT_CONFIG;
  let dirInFile = false;
  if (found) {
    // Validating the rule ids loads the rule registry: only when there is a file to validate.
    const { parseConfig } = await import("../lint/config.ts");
    const parsed = parseConfig(found.text, found.path.startsWith(`${cwd}/`) ? found.path.slice(cwd.length + 1) : found.path);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    config = parsed.config;
    dirInFile = Object.hasOwn(JSON.parse(found.text.replace(/^\uFEFF/, "")) as object, "migrationsDir");
  }
  const { rules } = config;
  const targets = config.targets ?? {};
  if (overrides.migrationsDir) {
    return { ok: true, project: { configPath: found?.path ?? null, migrationsDir: joinPath(cwd, overrides.migrationsDir), dirSource: "override", rules, targets } };
  }
  if (found && dirInFile) {
    return { ok: true, project: { configPath: found.path, migrationsDir: joinPath(parentPath(found.path), config.migrationsDir), dirSource: "config", rules, targets } };
  }
  const root = found ? parentPath(found.path) : cwd;
  for (const candidate of DETECTED) {
    const dir = joinPath(root, candidate);
    if (await fs.readDirectory(dir) !== null) return { ok: true, project: { configPath: found?.path ?? null, migrationsDir: dir, dirSource: "detected", rules, targets } };
  }
  return { ok: true, project: { configPath: found?.path ?? null, migrationsDir: joinPath(root, DEFAULT_CONFIG.migrationsDir), dirSource: "default", rules, targets } };
}

/** The nearest supamigrate.json at or above `dir`. */
async function findConfig(fs: ProjectFileSystem, dir: string): Promise<{ path: string; text: string } | null> {
  for (let at = dir; ; at = parentPath(at)) {
    const path = joinPath(at, CONFIG_FILE);
    const bytes = await fs.readFile(path);
    if (bytes !== null) return { path, text: new TextDecoder().decode(bytes) };
    if (at === "/" || parentPath(at) === at) return null;
  }
}
