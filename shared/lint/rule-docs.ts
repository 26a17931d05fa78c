/**
 * Where a rule's documentation is read: its README rendered on the repository's web page, the one URL
 * that SARIF's `helpUri` (format/sarif.ts) and the editor's diagnostic links both use.
 */
import { UNUSED_IGNORE } from "./suppression.ts";

/** The repository's files as rendered on the web, ending in `/` (the root package.json's `repository`). */
export const RULE_DOCS_BASE_URL = "https://github.com/supamigrate/supamigrate/blob/main/";

/** Where a rule's documentation lives, relative to the repository root. */
export function ruleDocPath(id: string): string {
  return id === UNUSED_IGNORE ? "docs/configuration.md#suppression-comments" : `shared/lint/rules/${id}/README.md`;
}

/** The rendered doc page of a rule (`base`: another copy of the repository, ending in `/`). */
export function ruleDocUrl(id: string, base: string = RULE_DOCS_BASE_URL): string {
  return `${base}${ruleDocPath(id)}`;
}
