// The lint service without VS Code: a fake folder, workspace, diagnostics sink and timer, the real
// lint session and rules. Run by the root's Node test runner (test/run-node-tests.mjs).
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import type { Finding, SeveritySetting } from "../../shared/lint/types.ts";
import { type LintedFolder, LintService, type Timer } from "./lint-service.ts";

const A = "create table if not exists a (id int primary key);\nalter table a enable row level security;\n";
const Z = A.replaceAll(" a ", " z ");
const B = "create index if not exists a_id on a (id);\n";
/** Clean statements with a syntax error on line `line`. */
const brokenAt = (line: number) => "select 1;\n".repeat(line - 1) + "selec 1;\n";

class FakeFolder implements LintedFolder {
  readonly dir = "scripts";
  config: { lintOn: "type" | "save"; rules: Record<string, SeveritySetting> } = { lintOn: "type", rules: {} };
  deployedMap: Map<string, string> | null = null;
  readonly files: Map<string, string>;
  /** What `reload` finds on disk. */
  readonly disk: Map<string, string>;

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files));
    this.disk = new Map(Object.entries(files));
  }

  listing() {
    return [...this.files].map(([relativePath, text]) => ({ relativePath, text }));
  }

  hasText(path: string, text: string) {
    return this.files.get(path) === text;
  }

  setText(path: string, text: string) {
    this.files.set(path, text);
  }

  async reload(path: string) {
    const text = this.disk.get(path);
    if (text === undefined) this.files.delete(path);
    else this.files.set(path, text);
  }

  appliedChecksums() {
    return this.deployedMap;
  }

  /** Deployed texts, as the extension reads them for drifted files. */
  texts = new Map<string, string>();

  deployedSql() {
    return this.texts;
  }
}

/** Time moves only when a test says so; due timers run in order. */
class FakeTimer implements Timer {
  private time = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; run: () => void }>();

  now() {
    return this.time;
  }

  setTimeout(run: () => void, ms: number) {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown) {
    this.timers.delete(handle as number);
  }

  /** When the pending timers are due. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((x, y) => x - y);
  }

  advance(ms: number) {
    const until = this.time + ms;
    for (;;) {
      const [due] = [...this.timers].filter(([, t]) => t.at <= until).sort(([, x], [, y]) => x.at - y.at);
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
    }
    this.time = until;
  }
}

/** A finding as one line: what the diagnostics would show. */
const brief = (f: Finding) => `${f.severity} ${f.rule} ${f.range.line}:${f.range.column}-${f.range.endLine}:${f.range.endColumn}`;

let folder: FakeFolder;
let timer: FakeTimer;
let dirty: Set<string>;
/** Every publish, in order: `path: findings` (`[]` when cleared). */
let published: string[];
let findings: Map<string, readonly Finding[]>;
let announced: number;
/** Every call of the drifted hook: the files no-edit-after-deploy reports whose deployed text is unknown. */
let unread: string[][];
let lint: LintService<FakeFolder>;

beforeEach(() => {
  folder = new FakeFolder({ "001_a.sql": A, "002_b.sql": B, "003_c.sql": brokenAt(1) });
  timer = new FakeTimer();
  dirty = new Set();
  published = [];
  findings = new Map();
  announced = 0;
  unread = [];
  lint = new LintService<FakeFolder>({
    workspace: {
      // URIs here are the reported paths (`scripts/001_a.sql`).
      locate: (uri) => (uri.startsWith("scripts/") ? { folder, relativePath: uri.slice("scripts/".length) } : undefined),
      isDirty: (uri) => dirty.has(uri),
    },
    sink: {
      publish(_folder, path, list) {
        published.push(`${path}: [${list.map(brief).join(", ")}]`);
        findings.set(path, list);
      },
    },
    log: (line) => assert.fail(`unexpected log: ${line}`),
    announce: () => announced++,
    drifted: (_folder, names) => void unread.push([...names]),
    timer,
  });
});

/** Lints the folder as it is, then lets the debounce window pass, so the next edit is linted at once. */
async function linted(): Promise<void> {
  await lint.lintNow(folder);
  timer.advance(1_000);
  published.length = 0;
}

test("lintNow publishes each file with findings once, exactly; an unchanged re-lint publishes nothing", async () => {
  await lint.lintNow(folder);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 1:1-1:9]"]);
  assert.deepEqual(findings.get("scripts/003_c.sql"), [{
    file: "scripts/003_c.sql",
    range: { line: 1, column: 1, endLine: 1, endColumn: 9 },
    rule: "syntax-error",
    severity: "error",
    message: 'syntax error at or near "selec"',
    help: "Fix the statement so PostgreSQL can parse it; the other statements in the file are still checked.",
  }]);
  await lint.lintNow(folder);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 1:1-1:9]"]);
});

test("an edit re-publishes only the files whose findings changed, another file included", async () => {
  await linted();
  // Renaming 001's table breaks 002's index; 001 itself and 003 stay as they were.
  lint.update("scripts/001_a.sql", Z, "unsaved");
  await lint.idle(folder);
  assert.deepEqual(published, ["scripts/002_b.sql: [error unknown-reference 1:36-1:37]"]);
  timer.advance(1_000);
  lint.update("scripts/001_a.sql", A, "unsaved");
  await lint.idle(folder);
  assert.deepEqual(published, ["scripts/002_b.sql: [error unknown-reference 1:36-1:37]", "scripts/002_b.sql: []"]);
  // A path outside the migrations folder is none of the lint's business.
  lint.update("docs/x.sql", "selec", "unsaved");
  assert.deepEqual(timer.pending(), []);
  assert.equal(folder.files.has("x.sql"), false);
});

test("debounce: a lone edit is linted at once; a burst within 150 ms once, 150 ms after its last edit", async () => {
  await linted(); // t = 1000
  lint.update("scripts/003_c.sql", brokenAt(2), "unsaved");
  assert.deepEqual(timer.pending(), [], "no timer: linted at once");
  await lint.idle(folder);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 2:1-2:9]"]);

  timer.advance(50); // 50 ms after that lint: inside the window
  lint.update("scripts/003_c.sql", brokenAt(3), "unsaved");
  assert.deepEqual(timer.pending(), [1_200]);
  timer.advance(50);
  lint.update("scripts/003_c.sql", brokenAt(4), "unsaved");
  assert.deepEqual(timer.pending(), [1_250], "each edit of the burst restarts the wait");
  timer.advance(149);
  await lint.idle(folder);
  assert.equal(published.length, 1, "nothing before 150 ms after the last edit");
  timer.advance(1);
  await lint.idle(folder);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 2:1-2:9]", "scripts/003_c.sql: [error syntax-error 4:1-4:9]"]);

  // An edit while a lint runs waits for the window too, and is linted after it.
  timer.advance(1_000); // t = 2250
  lint.update("scripts/003_c.sql", brokenAt(5), "unsaved");
  lint.update("scripts/003_c.sql", brokenAt(6), "unsaved");
  assert.deepEqual(timer.pending(), [2_400]);
  await lint.idle(folder);
  timer.advance(150);
  await lint.idle(folder);
  assert.deepEqual(published.slice(2), ["scripts/003_c.sql: [error syntax-error 5:1-5:9]", "scripts/003_c.sql: [error syntax-error 6:1-6:9]"]);
});

test("lintOn save: unsaved edits are never linted nor taken; the save is", async () => {
  folder.config.lintOn = "save";
  await linted();
  lint.update("scripts/003_c.sql", brokenAt(2), "unsaved");
  assert.equal(folder.files.get("003_c.sql"), brokenAt(1), "the folder keeps the saved text");
  assert.deepEqual(timer.pending(), []);
  await lint.idle(folder);
  await lint.lintNow(folder); // whatever else lints meanwhile sees the saved text
  assert.deepEqual(published, []);
  timer.advance(1_000);
  lint.update("scripts/003_c.sql", brokenAt(2), "saved");
  await lint.idle(folder);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 2:1-2:9]"]);
});

test("reload: the disk's text, unless an editor holds unsaved changes; a deleted file's diagnostics go", async () => {
  await linted();
  folder.disk.set("003_c.sql", brokenAt(3));
  lint.update("scripts/003_c.sql", brokenAt(2), "unsaved");
  await lint.idle(folder);
  timer.advance(1_000);
  dirty.add("scripts/003_c.sql");
  await lint.reload("scripts/003_c.sql");
  assert.equal(folder.files.get("003_c.sql"), brokenAt(2), "the unsaved editor wins over the disk");
  assert.deepEqual(timer.pending(), []);

  dirty.clear(); // closed without saving: back to the disk
  await lint.reload("scripts/003_c.sql");
  await lint.idle(folder);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 2:1-2:9]", "scripts/003_c.sql: [error syntax-error 3:1-3:9]"]);

  timer.advance(1_000);
  folder.disk.delete("003_c.sql");
  await lint.reload("scripts/003_c.sql");
  await lint.idle(folder);
  assert.equal(folder.files.has("003_c.sql"), false);
  assert.deepEqual(published.slice(2), ["scripts/003_c.sql: []"]);
});

test("a new deploy state or rule setting re-lints with it (no-edit-after-deploy; off silences)", async () => {
  await linted();
  folder.deployedMap = new Map([["001_a.sql", "0".repeat(64)]]);
  await lint.lintNow(folder);
  assert.deepEqual(published, ["scripts/001_a.sql: [error no-edit-after-deploy 1:1-1:51]"]);
  folder.config.rules = { "no-edit-after-deploy": "off", "syntax-error": "warning" };
  await lint.lintNow(folder);
  assert.deepEqual(published.slice(1), ["scripts/001_a.sql: []", "scripts/003_c.sql: [warning syntax-error 1:1-1:9]"]);
});

test("a drifted file without its deployed text is handed to the drifted hook; with the text, the finding moves to the changed line", async () => {
  await linted();
  folder.deployedMap = new Map([["001_a.sql", "0".repeat(64)], ["002_b.sql", "1".repeat(64)]]);
  await lint.lintNow(folder);
  assert.deepEqual(unread, [["001_a.sql", "002_b.sql"]]);
  assert.deepEqual(published, ["scripts/001_a.sql: [error no-edit-after-deploy 1:1-1:51]", "scripts/002_b.sql: [error no-edit-after-deploy 1:1-1:43]"]);
  // 001's deployed text read: it differs from the file on line 2; 002's is still unknown.
  folder.texts = new Map([["001_a.sql", A.replace("enable row level", "disable row level")]]);
  await lint.lintNow(folder);
  assert.deepEqual(published.slice(2), ["scripts/001_a.sql: [error no-edit-after-deploy 2:1-2:41]"]);
  assert.deepEqual(unread.slice(1), [["002_b.sql"]]);
  // Unchanged and linted again: no new session, so nothing is published and nobody is asked.
  await lint.lintNow(folder);
  assert.deepEqual([published.length, unread.length], [3, 2]);
});

test("files changed behind the service's back (a folder read anew) are all picked up by the next lint", async () => {
  await linted();
  folder.files.set("001_a.sql", Z);
  folder.files.set("003_c.sql", A);
  folder.files.set("004_d.sql", "create schema app;\n");
  await lint.lintNow(folder);
  assert.deepEqual(published.sort(), [
    "scripts/002_b.sql: [error unknown-reference 1:36-1:37]",
    "scripts/003_c.sql: []",
    "scripts/004_d.sql: [warning require-if-not-exists 1:1-1:18]",
  ]);
});

test("forget clears the folder's diagnostics and cancels its pending lint", async () => {
  await linted();
  lint.update("scripts/003_c.sql", brokenAt(2), "unsaved");
  await lint.idle(folder);
  lint.update("scripts/003_c.sql", brokenAt(3), "unsaved");
  assert.equal(timer.pending().length, 1);
  lint.forget(folder);
  assert.deepEqual(timer.pending(), []);
  assert.deepEqual(published, ["scripts/003_c.sql: [error syntax-error 2:1-2:9]", "scripts/003_c.sql: []"]);
});

test("the view is told about saved and reloaded text, not about each keystroke", async () => {
  await linted();
  lint.update("scripts/003_c.sql", brokenAt(2), "unsaved");
  lint.update("scripts/003_c.sql", brokenAt(3), "unsaved");
  assert.equal(announced, 0);
  lint.update("scripts/003_c.sql", brokenAt(3), "saved"); // the save of what was typed
  assert.equal(announced, 1);
  lint.update("scripts/003_c.sql", brokenAt(3), "saved"); // opened again, unchanged
  assert.equal(announced, 1);
  await lint.reload("scripts/003_c.sql");
  assert.equal(announced, 2);
  await lint.idle(folder);
  timer.advance(1_000);
  await lint.idle(folder);
});
