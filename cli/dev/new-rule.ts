/**
 * `npm run new-rule <id>`: the folder of a new lint rule (rule.ts, rule.test.ts, README.md) and its
 * registry lines, so that adding a rule is one folder and one line to fill in. The generated test
 * fails until the rule reports its bad example and stays silent on its good one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const RULES = "shared/lint/rules";
const REGISTRY = "shared/lint/registry.ts";

export function camelCase(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function ruleFiles(id: string): Record<string, string> {
  return {
    "rule.ts": `import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "${id}",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "TODO: one line, what it catches",
  checkFile({ file, report }) {
    for (const statement of file.parsed.statements) {
      // TODO: report({ at: { start: statement.start, end: statement.end }, message: "…what is wrong; how to fix it" });
      void statement;
      void report;
    }
  },
};
`,
    "rule.test.ts": `import { test } from "node:test";
import { lintErrors, lintOk } from "../../testing.ts";

const RULE = "${id}";

test("${id}: flags the bad example", async () => {
  await lintErrors(RULE, { "001_bad.sql": "-- TODO: the README's bad example\\nselect 1;\\n" });
});

test("${id}: stays silent on the good example", async () => {
  await lintOk(RULE, { "001_good.sql": "-- TODO: the README's good example\\nselect 1;\\n" });
});
`,
    "README.md": `# ${id}

**Severity:** warning

## Problem
TODO: what goes wrong in production when a migration does this.

## Fix
TODO: what to write instead.

## Example
\`\`\`sql
-- flagged
\`\`\`

\`\`\`sql
-- fine
\`\`\`
`,
  };
}

/** The registry with the rule's import and list entry added after the last ones. */
export function registered(registry: string, id: string): string {
  const name = camelCase(id);
  const imports = registry.split("\n");
  const lastImport = imports.map((line, i) => (line.startsWith("import { rule as ") ? i : -1)).filter((i) => i >= 0).at(-1)!;
  imports.splice(lastImport + 1, 0, `import { rule as ${name} } from "./rules/${id}/rule.ts";`);
  const text = imports.join("\n");
  return text.replace(/\n\];/, `\n  ${name},\n];`);
}

function main(id: string | undefined): number {
  if (!id || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) {
    process.stderr.write("usage: npm run new-rule <rule-id> (kebab-case, e.g. require-lock-timeout)\n");
    return 2;
  }
  const folder = join(RULES, id);
  if (existsSync(folder)) {
    process.stderr.write(`${folder} exists already: pick another id.\n`);
    return 2;
  }
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(ruleFiles(id))) writeFileSync(join(folder, file), text);
  writeFileSync(REGISTRY, registered(readFileSync(REGISTRY, "utf8"), id));
  process.stdout.write(`wrote ${folder}/{rule.ts, rule.test.ts, README.md} and registered it in ${REGISTRY}.\n` +
    `Fill in the README's examples, make ${folder}/rule.test.ts pass, and list the id in docs/configuration.md.\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv[2]);
