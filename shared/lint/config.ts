/**
 * `supamigrate.json` at the repository root: where the migrations are and how severe each rule is.
 *   { "migrationsDir": "scripts", "onlineSafety": true, "rules": { "require-rollback": "error", "duplicate-number": "off" } }
 * A pure function from the file's text to a config or the list of what is wrong with it. `onlineSafety`
 * turns the opt-in online-safety rules on at their default severity: it lands in `rules`, under any
 * entry the file gives one of them itself. `"targets"` names where to apply (config-targets.ts).
 */
import { CONFIG_FILE, DEFAULT_CONFIG, type LintConfig } from "./config-file.ts";
import { parseTargets } from "./config-targets.ts";
import { ruleIds, rules as registeredRules } from "./registry.ts";
import { UNUSED_IGNORE } from "./suppression.ts";
import type { SeveritySetting } from "./types.ts";

export { CONFIG_FILE, DEFAULT_CONFIG, type LintConfig };

/** Rule ids a config (or an ignore comment) may name: the registry's plus `unused-ignore`. */
export const configurableRuleIds: ReadonlySet<string> = new Set([...ruleIds, UNUSED_IGNORE]);

const SETTINGS: readonly SeveritySetting[] = ["off", "info", "warning", "error"];

export type ConfigResult = { readonly ok: true; readonly config: LintConfig } | { readonly ok: false; readonly errors: string[] };

/** Parses and validates a config file's text; `source` names it in messages. */
export function parseConfig(text: string, source = CONFIG_FILE): ConfigResult {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, errors: [`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, errors: [`${source} must hold a JSON object such as {"migrationsDir": "scripts", "rules": {}}`] };
  }
  const errors: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== "migrationsDir" && key !== "rules" && key !== "onlineSafety" && key !== "targets" && key !== "$schema") {
      errors.push(`${source}: unknown key "${key}"; the keys are "migrationsDir", "rules", "onlineSafety" and "targets"`);
    }
  }
  const onlineSafety = record.onlineSafety ?? false;
  if (typeof onlineSafety !== "boolean") {
    errors.push(`${source}: "onlineSafety" is set to ${JSON.stringify(onlineSafety)}; use true (turn the online-safety rules on) or false`);
  }
  let migrationsDir = DEFAULT_CONFIG.migrationsDir;
  if ("migrationsDir" in record) {
    const dir = record.migrationsDir;
    if (typeof dir !== "string" || dir.trim() === "" || dir.includes("\u0000")) {
      errors.push(`${source}: "migrationsDir" must be a folder path such as "scripts"`);
    } else migrationsDir = dir.replace(/\/+$/, "") || dir;
  }
  const rules: Record<string, SeveritySetting> = {};
  if ("rules" in record) {
    const given = record.rules;
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
      errors.push(`${source}: "rules" must be an object of rule id → "off" | "info" | "warning" | "error"`);
    } else {
      for (const [id, setting] of Object.entries(given as Record<string, unknown>)) {
        if (!configurableRuleIds.has(id)) {
          errors.push(`${source}: unknown rule id "${id}" in "rules"; known ids: ${[...configurableRuleIds].join(", ")}`);
        } else if (typeof setting !== "string" || !SETTINGS.includes(setting as SeveritySetting)) {
          errors.push(`${source}: rule "${id}" is set to ${JSON.stringify(setting)}; use "off", "info", "warning" or "error"`);
        } else rules[id] = setting as SeveritySetting;
      }
    }
  }
  if (onlineSafety === true) {
    for (const rule of registeredRules) if (rule.optIn === "online-safety" && !Object.hasOwn(rules, rule.id)) rules[rule.id] = rule.defaultSeverity;
  }
  // Named targets (config-targets.ts): in the result only when the file has them.
  const targets = "targets" in record ? parseTargets(record.targets, source) : null;
  if (targets) errors.push(...targets.errors);
  return errors.length ? { ok: false, errors } : { ok: true, config: { migrationsDir, rules, ...(targets ? { targets: targets.targets } : {}) } };
}
