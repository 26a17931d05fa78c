import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeSqlBytes } from "./decode.ts";
import { lintFixture } from "./testing.ts";
import { lintProject } from "./engine.ts";

test("decode: UTF-8 decodes (BOM dropped); Latin-1 bytes are an error naming the first bad byte", () => {
  assert.deepEqual(decodeSqlBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x73, 0xc3, 0xa9])), { text: "sé", error: null });
  const bad = decodeSqlBytes(new Uint8Array([0x73, 0x65, 0x6c, 0xe9, 0x20, 0x31]));
  assert.match(bad.error ?? "", /^the file is not valid UTF-8 text \(first bad byte at offset 3\); save it as UTF-8/);
  assert.equal(decodeSqlBytes(new Uint8Array([0xe2, 0x82])).error?.includes("offset 0"), true);
});

test("decode: a non-UTF-8 migration is one syntax-error at 1:1 and is not parsed; its rollback too", async () => {
  const { text, error } = decodeSqlBytes(new Uint8Array([0x73, 0xe9, 0x3b]));
  const result = await lintProject({
    dir: "scripts",
    listing: [
      { relativePath: "001_x.sql", text, decodeError: error },
      { relativePath: "rollback/001_x.sql", text, decodeError: error },
    ],
  });
  assert.deepEqual(result.findings.map((f) => [f.file, f.rule, f.range, f.message === error]), [
    ["scripts/001_x.sql", "syntax-error", { line: 1, column: 1, endLine: 1, endColumn: 1 }, true],
    ["scripts/rollback/001_x.sql", "syntax-error", { line: 1, column: 1, endLine: 1, endColumn: 1 }, true],
  ]);
  assert.deepEqual(result.project.files[0].parsed.statements, []);
});

test("bad input: empty, comments only, NUL bytes, unterminated quotes and a directory of non-SQL files", async () => {
  const rules = async (text: string) => (await lintFixture({ "001_x.sql": text })).filter((f) => f.rule === "syntax-error").map((f) => `${f.rule}@${f.range.line}:${f.range.column}`);
  assert.deepEqual(await rules(""), []);
  assert.deepEqual(await rules("-- nothing here\n/* still nothing */\n"), []);
  assert.deepEqual(await rules("select 1;\u0000\u0001"), ["syntax-error@1:10"]);
  assert.deepEqual(await rules("select 1;\nselect 'unterminated;\nselect 2;\n"), ["syntax-error@2:8"]);
  assert.deepEqual(await rules("do $$ begin\nperform 1;\n"), ["syntax-error@1:4"]);
  assert.deepEqual(await lintFixture({ "README.md": "# notes", "data.csv": "a,b", "rollback/notes.txt": "" }), []);
});
