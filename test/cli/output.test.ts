// The CLI's output formats, line by line (the end-to-end tests check them through the real function).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { colorsFor } from "../../cli/output/colors.ts";
import { formatDuration } from "../../cli/output/duration.ts";
import { annotation } from "../../cli/output/github.ts";
import { createProgress, type OutputFormat } from "../../cli/output/progress.ts";
import { statusLines } from "../../cli/output/status-table.ts";
import { verifyLines } from "../../cli/commands/verify.ts";
import { compareWithApplied } from "../../shared/migrations/index.ts";
import type { ApplyEvent, AppliedMigration } from "../../shared/protocol/types.ts";

function capture(isTTY = false, columns = 80): { stream: Writable & { isTTY?: boolean }; lines: () => string[] } {
  let text = "";
  const stream = new Writable({ write(chunk, _enc, done) { text += chunk; done(); } }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  if (isTTY) {
    // what ora needs of a terminal stream (tty.WriteStream); cursor moves are not recorded, but a
    // thousand moves up for one spinner line is a runaway clear: fail instead of spinning forever
    let movesUp = 0;
    const moveCursor = (_dx: number, dy: number) => {
      if (dy < 0 && ++movesUp > 1000) throw new Error("ora moved the cursor up more than 1000 times");
      return true;
    };
    Object.assign(stream, { columns, cursorTo: () => true, clearLine: () => true, moveCursor });
  }
  return { stream, lines: () => text.split("\n").slice(0, -1) };
}

const failedEvent: ApplyEvent = {
  event: "failed", name: "019_recreate_results_tables.sql", code: "42P01", message: 'relation "results" does not exist',
  line: 12, column: 1, hint: "Create it first, in an earlier migration.",
};
const run: ApplyEvent[] = [
  { event: "start", pending: ["001_initialize_database.sql", "019_recreate_results_tables.sql"], dryRun: false },
  { event: "migration-start", name: "001_initialize_database.sql" },
  { event: "applied", name: "001_initialize_database.sql", durationMs: 42, dryRun: false },
  { event: "migration-start", name: "019_recreate_results_tables.sql" },
  failedEvent,
];
const summary = {
  kind: "apply" as const,
  result: { event: "done" as const, applied: ["001_initialize_database.sql"], failed: failedEvent as never, stoppedBy: "error" as const },
  skipped: ["000_x.sql"],
  dryRun: false,
  totalMs: 1234,
};

async function render(format: OutputFormat): Promise<string[]> {
  const out = capture();
  const progress = await createProgress({ format, kind: "apply", dir: "scripts", stream: out.stream });
  for (const event of run) progress.event(event);
  progress.finish(summary);
  return out.lines();
}

test("text without a TTY: plain lines, the failure at its file position, and the summary", async () => {
  const lines = await render("text");
  assert.equal(lines[0], "✓ 001_initialize_database.sql  42 ms");
  assert.match(lines[1], /^✗ 019_recreate_results_tables\.sql  \d+ ms$/);
  assert.deepEqual(lines.slice(2), [
    '  scripts/019_recreate_results_tables.sql:12:1: error 42P01: relation "results" does not exist',
    "  hint: Create it first, in an earlier migration.",
    "Applied 1, skipped 1 (already applied), failed 1 (019_recreate_results_tables.sql) — 1.2 s",
  ]);
});

test("github: the same lines plus an ::error annotation at the file, line and column", async () => {
  const lines = await render("github");
  assert.equal(
    lines[4],
    '::error file=scripts/019_recreate_results_tables.sql,line=12,col=1,title=42P01::relation "results" does not exist%0Ahint: Create it first, in an earlier migration.',
  );
  assert.equal(lines.length, 6);
});

test("json: the events as NDJSON, then one combined done line", async () => {
  const lines = (await render("json")).map((line) => JSON.parse(line));
  assert.deepEqual(lines.slice(0, 5), run);
  assert.deepEqual(lines[5], {
    event: "done", applied: ["001_initialize_database.sql"], failed: failedEvent, stoppedBy: "error",
    rounds: 1, skipped: ["000_x.sql"], dryRun: false, durationMs: 1234,
  });
});

test("dry run and resumed runs say so in the summary", async () => {
  const out = capture();
  const progress = await createProgress({ format: "text", kind: "apply", dir: "scripts", stream: out.stream });
  progress.event({ event: "applied", name: "001_a.sql", durationMs: 3, dryRun: true });
  progress.resumed(2);
  progress.finish({ ...summary, dryRun: true, result: { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null, rounds: 2 }, skipped: [], totalMs: 80 });
  assert.deepEqual(out.lines(), [
    "✓ 001_a.sql  3 ms (dry run)",
    "… the function stopped for its time budget; resuming (call 2)",
    "Dry run: would apply 1, skipped 0 (already applied), failed 0 — 80 ms in 2 calls (resumed after the function's time budget); nothing was committed",
  ]);
});

test("a warning that a resumed call repeats (same code, same file) is shown once; json passes both on", async () => {
  const far = (ms: number): ApplyEvent => ({ event: "warning", code: "far-from-database", message: `a round trip takes ${ms} ms` });
  const late = (name: string): ApplyEvent => ({ event: "warning", code: "out-of-order", name, message: `${name} is late` });
  const events = [far(90), late("002_b.sql"), far(95), late("002_b.sql"), late("002_c.sql")];
  const text = capture();
  const progress = await createProgress({ format: "text", kind: "apply", dir: "scripts", stream: text.stream });
  for (const event of events) progress.event(event);
  assert.deepEqual(text.lines(), ["! a round trip takes 90 ms", "! 002_b.sql: 002_b.sql is late", "! 002_c.sql: 002_c.sql is late"]);
  const json = capture();
  const raw = await createProgress({ format: "json", kind: "apply", dir: "scripts", stream: json.stream });
  for (const event of events) raw.event(event);
  assert.deepEqual(json.lines().map((line) => JSON.parse(line)), events);
});

test("rollback lines", async () => {
  const out = capture();
  const progress = await createProgress({ format: "text", kind: "rollback", dir: "scripts", stream: out.stream });
  progress.event({ event: "rolled-back", name: "025_a.sql", durationMs: 7, dryRun: false });
  progress.finish({ kind: "rollback", result: { event: "done", applied: ["025_a.sql"], failed: null, stoppedBy: null }, skipped: [], dryRun: false, totalMs: 20 });
  assert.deepEqual(out.lines(), ["✓ 025_a.sql  7 ms rolled back", "Rolled back 1, failed 0 — 20 ms"]);
});

test("on a TTY: a spinner line per migration that ends as ✓ with its time (ora)", async () => {
  const out = capture(true);
  const progress = await createProgress({ format: "text", kind: "apply", dir: "scripts", stream: out.stream });
  progress.event({ event: "migration-start", name: "001_a.sql" });
  await new Promise((resolve) => setTimeout(resolve, 250));
  progress.event({ event: "applied", name: "001_a.sql", durationMs: 3, dryRun: false });
  progress.finish({ kind: "apply", result: { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null }, skipped: [], dryRun: false, totalMs: 300 });
  // eslint-disable-next-line no-control-regex
  const visible = out.lines().join("\n").replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").split("\n").map((l) => l.replace(/^.*\r/, "")).filter(Boolean);
  // the spinner redraws in place (cursor moves are not recorded, so its frames run together), showing
  // the elapsed time, and the line ends as ✓ with the function's duration
  assert.match(visible[0], /^⠋ 001_a\.sql.*⠸? ?001_a\.sql  \d+ ms.*✓ 001_a\.sql  3 ms$/);
  assert.equal(visible.at(-1), "Applied 1, skipped 0 (already applied), failed 0 — 300 ms");
});

test("a TTY that reports no width (a pseudo-terminal without a size): plain lines, not a spinner", async () => {
  // ora divides by the width to count the lines it has drawn: with 0 columns it cleared lines forever.
  const out = capture(true, 0);
  const progress = await createProgress({ format: "text", kind: "apply", dir: "scripts", stream: out.stream });
  progress.event({ event: "migration-start", name: "001_a.sql" });
  await new Promise((resolve) => setTimeout(resolve, 250));
  progress.event({ event: "applied", name: "001_a.sql", durationMs: 3, dryRun: false });
  progress.finish({ kind: "apply", result: { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null }, skipped: [], dryRun: false, totalMs: 300 });
  // eslint-disable-next-line no-control-regex
  assert.deepEqual(out.lines().map((line) => line.replace(/\u001b\[[0-9;]*m/g, "")), [
    "✓ 001_a.sql  3 ms",
    "Applied 1, skipped 0 (already applied), failed 0 — 300 ms",
  ]);
});

test("colours only on a TTY without NO_COLOR; FORCE_COLOR decides before both", async () => {
  assert.equal(colorsFor({ isTTY: false }, {}).green("✓"), "✓");
  assert.equal(colorsFor({ isTTY: true }, { NO_COLOR: "1" }).green("✓"), "✓");
  assert.equal(colorsFor({ isTTY: true }, {}).green("✓"), "\u001b[32m✓\u001b[39m");
  // NO_COLOR set but empty does not count (no-color.org); FORCE_COLOR: 0/false off, anything else (empty too) on.
  assert.equal(colorsFor({ isTTY: true }, { NO_COLOR: "" }).enabled, true);
  assert.equal(colorsFor({ isTTY: false }, { FORCE_COLOR: "1" }).green("✓"), "\u001b[32m✓\u001b[39m");
  assert.equal(colorsFor({ isTTY: false }, { FORCE_COLOR: "" }).enabled, true);
  assert.equal(colorsFor({ isTTY: true }, { FORCE_COLOR: "1", NO_COLOR: "1" }).enabled, true);
  assert.equal(colorsFor({ isTTY: true }, { FORCE_COLOR: "0" }).enabled, false);
  assert.equal(colorsFor({ isTTY: true }, { FORCE_COLOR: "false" }).enabled, false);
});

test("annotation escaping and durations", async () => {
  assert.equal(annotation("error", { file: "a,b:c.sql", line: 1 }, "50% done\nnext"), "::error file=a%2Cb%3Ac.sql,line=1::50%25 done%0Anext");
  assert.deepEqual([formatDuration(42.4), formatDuration(1234), formatDuration(125_000)], ["42 ms", "1.2 s", "2 min 05 s"]);
});

const row = (name: string, checksum: string): AppliedMigration => ({
  name, checksum, appliedAt: "2025-11-25T19:30:01.123Z", appliedBy: "ci", durationMs: 42,
  hasRollback: true, transactional: true, gitSha: null, ciRun: null,
});

test("status table with pending and drifted counts, each of those files by name, baselined rows marked, and the lock", async () => {
  const applied = [
    { ...row("000_setup.sql", "00"), baselined: true as const, source: "supabase-cli" },
    { ...row("001_initialize_database.sql", "aa"), baselined: true as const, source: "baseline" },
    row("007_x.sql", "bb"),
    row("008_gone.sql", "ee"),
  ];
  const local = compareWithApplied(applied, [
    { name: "000_setup.sql", checksum: "00" }, { name: "001_initialize_database.sql", checksum: "aa" }, { name: "007_x.sql", checksum: "cc" },
    { name: "010_y.sql", checksum: "dd" }, { name: "011_z.sql", checksum: "ff" },
  ]);
  assert.deepEqual(statusLines({ applied, lock: { holder: "ci", since: "2025-11-25T19:31:00Z" } }, local, "scripts"), [
    "name                         applied at            by  duration",
    "000_setup.sql                2025-11-25 19:30:01Z  ci  baselined (supabase-cli)",
    "001_initialize_database.sql  2025-11-25 19:30:01Z  ci  baselined",
    "007_x.sql                    2025-11-25 19:30:01Z  ci  42 ms",
    "008_gone.sql                 2025-11-25 19:30:01Z  ci  42 ms",
    "baselined: recorded as applied without running (supamigrate baseline, or import-history from the Supabase CLI's history)",
    "4 applied, 2 pending, 2 drifted (compared with scripts/)",
    "pending  scripts/010_y.sql",
    "pending  scripts/011_z.sql",
    "drifted  scripts/007_x.sql: edited after it was deployed",
    "drifted  scripts/008_gone.sql: deployed, missing locally",
    "Run `supamigrate verify` for the checksums and how to fix each drifted file.",
    "The migration lock is held by ci since 2025-11-25 19:31:00Z.",
  ]);
  assert.deepEqual(statusLines({ applied: [], lock: null }, null, ""), ["No migrations applied yet.", "0 applied"]);
});

test("verify names each drifted and each missing file", async () => {
  const applied = [row("001_a.sql", "a".repeat(64)), row("002_b.sql", "b".repeat(64))];
  const comparison = compareWithApplied(applied, [{ name: "001_a.sql", checksum: "c".repeat(64) }]);
  assert.deepEqual(verifyLines(2, comparison, "scripts"), [
    "drift: scripts/001_a.sql was edited after it was deployed (deployed checksum aaaaaaaaaaaa, local cccccccccccc): restore the deployed text and put the change in a new migration.",
    "drift: scripts/002_b.sql was deployed but is missing locally: restore it (e.g. `git checkout <deployed commit> -- scripts/002_b.sql`); a deployed migration is never deleted or renamed.",
    "Verify failed: 2 of 2 deployed files drifted.",
  ]);
  assert.deepEqual(verifyLines(1, compareWithApplied([applied[0]], [{ name: "001_a.sql", checksum: "a".repeat(64) }, { name: "003_c.sql", checksum: "x" }]), "scripts"), [
    "Verified: 1 deployed files match scripts/ (1 pending).",
  ]);
});
