/**
 * A typed view of the `supamigrate.*` settings (all resource-scoped: read them per workspace folder),
 * over the project's `supamigrate.json` where both say something: the file's lint settings are the
 * base, the editor's setting overrides them rule by rule.
 */
import * as vscode from "vscode";
import type { SeveritySetting } from "../../shared/lint/types.ts";

export type LintOn = "type" | "save";

const SEVERITIES: ReadonlySet<string> = new Set(["off", "info", "warning", "error"]);

export class Config {
  private readonly section: vscode.WorkspaceConfiguration;

  /** `projectRules`: the `rules` of the project's supamigrate.json (shared/project), if any. */
  constructor(scope?: vscode.ConfigurationScope, private readonly projectRules: Readonly<Record<string, SeveritySetting>> = {}) {
    this.section = vscode.workspace.getConfiguration("supamigrate", scope);
  }

  /** The function's base URL without a trailing slash, or null when unset. */
  get functionUrl(): string | null {
    const url = this.section.get<string>("functionUrl", "").trim().replace(/\/+$/, "");
    return url || null;
  }

  /** The Supabase project URL (`https://<ref>.supabase.co`) for signing in and calling through supabase-js, or null. */
  get projectUrl(): string | null {
    const url = this.section.get<string>("projectUrl", "").trim().replace(/\/+$/, "");
    return url || null;
  }

  /** The project's publishable (anon) key: public, so a setting. */
  get anonKey(): string | null {
    return this.section.get<string>("anonKey", "").trim() || null;
  }

  /**
   * The Supabase region to run the function in (`x-region`), or null when unset. A value that is not a
   * region name is returned as is: the client refuses it with a message (the settings UI flags it too).
   */
  get functionRegion(): string | null {
    return this.section.get<string>("functionRegion", "").trim() || null;
  }

  /**
   * The migrations folder as set in the settings (relative to the workspace folder, forward slashes, no
   * trailing slash), or null when it is not set: the project module then takes supamigrate.json's, or
   * detects scripts/ or supabase/migrations/.
   */
  get migrationsDirSetting(): string | null {
    const set = this.section.inspect<string>("migrationsDir");
    const value = set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
    const dir = (value ?? "").trim().replace(/\\/g, "/").replace(/^\.\/|\/+$/g, "");
    return dir || null;
  }

  get lintOn(): LintOn {
    return this.section.get<string>("lintOn", "type") === "save" ? "save" : "type";
  }

  /**
   * Rule id → severity override: supamigrate.json's `rules`, then the `supamigrate.rules` setting on top
   * (per rule: a rule the setting names takes the setting's value); setting values outside the enum are ignored.
   */
  get rules(): Record<string, SeveritySetting> {
    const raw = this.section.get<Record<string, unknown>>("rules", {});
    const rules: Record<string, SeveritySetting> = { ...this.projectRules };
    for (const [id, value] of Object.entries(raw ?? {})) {
      if (typeof value === "string" && SEVERITIES.has(value)) rules[id] = value as SeveritySetting;
    }
    return rules;
  }
}
