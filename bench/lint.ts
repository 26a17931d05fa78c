// `npm run bench:lint`: the linter's speed on a 1,000-statement file and a 1,000-file folder,
// in-process and through the CLI, side by side with squawk on the same input in the same run.
// The CLI rows are cold (`--no-cache`: parse and lint everything) and warm (the lint cache hit after one
// priming run; the cache lives in the bench's temp folder, the CLI's working directory). "Cold" is the lint
// cache's word: the priming runs also leave the CLI's compiled code in the user's cache folder
// (cli/startup/code-cache.ts), as any first run does, and the cold runs use it.
// squawk runs twice over: through its npm wrapper (node_modules/.bin/squawk, a Node script that starts the
// binary) in the table, and as the native binary itself (node_modules/@squawk-cli/<platform>/bin/squawk),
// the yardstick of the last line: cold CLI ≤ 2× squawk's binary (docs/ci.md, "Cold CLI").
// Needs `npm run build` first (it runs the built CLI). Prints a table; asserts nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { lintProject } from "../shared/lint/engine.ts";
import { createLintSession } from "../shared/lint/session.ts";
import { loadParser, parseSql } from "../shared/sql/index.ts";
import { generateMigration } from "./generate-sql.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin/supamigrate.js");
const SQUAWK = join(ROOT, "node_modules/.bin/squawk");
const SQUAWK_NATIVE = squawkBinary();
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

/** squawk's native binary for this platform, from its optional package (`@squawk-cli/linux-x64`, …). */
function squawkBinary(): string {
  const scope = join(ROOT, "node_modules/@squawk-cli");
  const found = (existsSync(scope) ? readdirSync(scope) : [])
    .filter((name) => name.startsWith(`${process.platform}-${process.arch}`))
    .map((name) => join(scope, name, "bin", process.platform === "win32" ? "squawk.exe" : "squawk"))
    .find((path) => existsSync(path));
  if (!found) throw new Error(`no squawk binary for ${process.platform}-${process.arch} in ${scope}: run npm install`);
  return found;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeAsync(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up (the parser's WASM loads once per process)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Medians of `runs` rounds, each round running every command once (so load from elsewhere hits all alike). */
function timeCommands(runs: number, commands: ReadonlyArray<readonly [string, readonly string[]]>, cwd: string): number[] {
  const times: number[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(([command, args], c) => {
      const t = performance.now();
      const result = spawnSync(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, SUPAMIGRATE_URL: "" } });
      times[c].push(performance.now() - t);
      if (result.status === null || result.status > 1 && command !== SQUAWK && command !== SQUAWK_NATIVE) {
        throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
      }
    });
  }
  return times.map(median);
}

if (!existsSync(join(ROOT, "dist/cli.cjs"))) {
  console.error("bench:lint needs the built CLI: run `npm run build` first");
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "supamigrate-bench-"));
try {
  await loadParser();
  const big = generateMigration(1000);
  mkdirSync(join(work, "one"));
  writeFileSync(join(work, "one/001_big.sql"), big);
  mkdirSync(join(work, "many"));
  const manyFiles: string[] = [];
  for (let i = 1; i <= 1000; i++) {
    const name = `${String(i).padStart(4, "0")}_generated.sql`;
    writeFileSync(join(work, "many", name), generateMigration(8, i));
    manyFiles.push(join("many", name));
  }

  const rows: Array<[string, string, string, string]> = [];
  // Each run parses afresh (no session cache); per-statement caches keyed by text (DO blocks, tokens) do hit.
  const phases = new Map<string, number[]>();
  const onTiming = (phase: string, ms: number) => phases.set(phase, [...(phases.get(phase) ?? []), ms]);
  const inProcess = await timeAsync(RUNS, () => lintProject({ dir: "one", listing: [{ relativePath: "001_big.sql", text: big }], onTiming }));
  rows.push(["lintProject, 1 file × 1,000 statements (in-process)", `${inProcess.toFixed(1)} ms`, "—", "target ≤ 40 ms"]);
  // Where the time goes, from the engine's own timings of those runs (`onTiming`): parse, schema model, each rule.
  const byPhase = [...phases].map(([phase, ms]) => [phase, median(ms)] as const).sort((a, b) => b[1] - a[1]);
  for (const [phase, ms] of byPhase.slice(0, 6)) rows.push([`  of which: ${phase}`, `${ms.toFixed(1)} ms`, "—", ""]);
  rows.push(["  parseSql alone (one parser call per file)", `${(await timeAsync(RUNS, async () => parseSql(big))).toFixed(1)} ms`, "—", ""]);
  const broken = big.replace("create index if not exists", "create indx if not exists");
  rows.push(["  parseSql, same file with one syntax error", `${(await timeAsync(RUNS, async () => parseSql(broken))).toFixed(1)} ms`, "—", ""]);

  const session = await createLintSession({ dir: "one", listing: [{ relativePath: "001_big.sql", text: big }] });
  const lines2000 = generateMigration(400);
  await session.update("one/001_big.sql", lines2000);
  let edit = 0;
  const keystroke = await timeAsync(RUNS * 3, () => {
    const at = Math.floor(lines2000.length / 2);
    return session.update("one/001_big.sql", `${lines2000.slice(0, at)}-- edit ${edit++}\n${lines2000.slice(at)}`);
  });
  rows.push([`session.update, ${lines2000.split("\n").length}-line file (in-process)`, `${keystroke.toFixed(1)} ms`, "—", "target ≤ 20 ms"]);

  const ratio = (ours: number, theirs: number, target = "") => `${(ours / theirs).toFixed(2)}×${target}`;
  /** Runs the CLI once with the cache on (writing its entry) and checks the next run is a hit. */
  const prime = (dir: string) => {
    const args = [CLI, "lint", "--dir", dir, "--verbose"];
    spawnSync(process.execPath, args, { cwd: work, stdio: "ignore", env: { ...process.env, SUPAMIGRATE_URL: "" } });
    const check = spawnSync(process.execPath, args, { cwd: work, encoding: "utf8", env: { ...process.env, SUPAMIGRATE_URL: "" } });
    if (!check.stderr.includes(`${dir}: cache hit`)) throw new Error(`the lint cache did not hit for ${dir}: ${check.stderr}`);
  };
  const lint = (dir: string, ...flags: string[]): [string, string[]] => [process.execPath, [CLI, "lint", "--dir", dir, ...flags]];
  prime("one");
  const [squawkOne, squawkNativeOne, cliOneCold, cliOneWarm] = timeCommands(
    RUNS,
    [[SQUAWK, ["one/001_big.sql"]], [SQUAWK_NATIVE, ["one/001_big.sql"]], lint("one", "--no-cache"), lint("one")],
    work,
  );
  rows.push(["CLI cold (--no-cache) vs squawk, 1 file × 1,000 statements", `${cliOneCold.toFixed(0)} ms`, `${squawkOne.toFixed(0)} ms`, ratio(cliOneCold, squawkOne, " (target ≤ 0.5×)")]);
  rows.push(["CLI warm (cache hit) vs squawk, 1 file × 1,000 statements", `${cliOneWarm.toFixed(0)} ms`, `${squawkOne.toFixed(0)} ms`, ratio(cliOneWarm, squawkOne, " (target ≤ 0.5×)")]);
  rows.push(["CLI cold (--no-cache) vs squawk's native binary, same file", `${cliOneCold.toFixed(0)} ms`, `${squawkNativeOne.toFixed(0)} ms`, ratio(cliOneCold, squawkNativeOne, " (target ≤ 2×)")]);

  const [cliStartup, nodeStartup] = timeCommands(RUNS, [[process.execPath, [CLI, "--version"]], [process.execPath, ["-e", "0"]]], work);
  rows.push(["CLI startup only (--version)", `${cliStartup.toFixed(0)} ms`, "—", ""]);
  rows.push([`  of which Node's own start (node -e 0${process.env.NODE_EXTRA_CA_CERTS ? ", NODE_EXTRA_CA_CERTS set" : ""})`, `${nodeStartup.toFixed(0)} ms`, "—", ""]);

  const manyRuns = Math.max(3, Math.floor(RUNS / 2));
  prime("many");
  const [squawkMany, cliManyCold, cliManyWarm] = timeCommands(manyRuns, [[SQUAWK, manyFiles], lint("many", "--no-cache"), lint("many")], work);
  rows.push(["CLI cold (--no-cache) vs squawk, 1,000 files × 8 statements", `${cliManyCold.toFixed(0)} ms`, `${squawkMany.toFixed(0)} ms`, ratio(cliManyCold, squawkMany)]);
  rows.push(["CLI warm (cache hit) vs squawk, 1,000 files × 8 statements", `${cliManyWarm.toFixed(0)} ms`, `${squawkMany.toFixed(0)} ms`, ratio(cliManyWarm, squawkMany)]);

  const widths = [0, 1, 2, 3].map((c) => Math.max(...[["case", "supamigrate", "squawk", "ratio / target"], ...rows].map((r) => r[c].length)));
  const line = (r: readonly string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(" | ")} |`;
  console.log(line(["case", "supamigrate", "squawk", "ratio / target"]));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(`(medians of ${RUNS} interleaved runs; folder cases ${manyRuns} runs; cold = --no-cache, warm = lint cache hit; squawk = its npm wrapper; ${process.platform} ${process.arch}, node ${process.version})`);
  console.log(`cold CLI: ${cliOneCold.toFixed(0)} ms, squawk native: ${squawkNativeOne.toFixed(0)} ms, ratio ${(cliOneCold / squawkNativeOne).toFixed(2)}× (target ≤ 2×)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
