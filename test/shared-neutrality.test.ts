// shared/ runs unchanged in Deno (the function), Node (CLI, tests) and the extension's esbuild bundle:
// its library code may use Web APIs only. Test files may import node:test/node:assert (Deno runs them too).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function libraryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return libraryFiles(path);
    return entry.endsWith(".ts") && !entry.endsWith(".test.ts") ? [path] : [];
  });
}

test("shared/ library code has no node:, Deno. or vscode dependency and relative imports end in .ts", () => {
  const offences: string[] = [];
  for (const file of libraryFiles("shared")) {
    const text = readFileSync(file, "utf8");
    text.split("\n").forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      if (/from\s+["']node:|import\(\s*["']node:|require\(/.test(line)) offences.push(`${where}: node import`);
      if (/\bDeno\./.test(line)) offences.push(`${where}: Deno global`);
      if (/from\s+["']vscode["']/.test(line)) offences.push(`${where}: vscode import`);
      const relative = /from\s+["'](\.{1,2}\/[^"']+)["']/.exec(line);
      if (relative && !relative[1].endsWith(".ts")) offences.push(`${where}: relative import without .ts`);
    });
  }
  assert.deepEqual(offences, []);
});

test("the checker itself catches an offence (so the test above can fail)", () => {
  assert.match('import { readFileSync } from "node:fs";', /from\s+["']node:/);
  assert.match("const x = Deno.env.get('A');", /\bDeno\./);
});
