/**
 * Runs a CommonJS bundle of the CLI (build.mjs writes commander and the lint command as
 * dist/chunks/<name>-<hash>.cjs) through a V8 code cache, so a cold run does not compile their JavaScript
 * again. Node 20 keeps no compiled code between runs; Node ≥ 22.1's compile cache (enabled in entry.ts)
 * does not see code compiled here, hence this, on every Node version.
 *
 * The cache is one file per bundle, V8 version and V8 flags in `<user cache>/v8/` (cache-dir.ts), written
 * when the process exits if there was none or V8 rejected it: it then holds every function the run
 * compiled (a full lint compiles nearly all of the bundle's). The bundle's name carries its content hash (V8 itself
 * checks only the source's length), so a new build never reads an old cache. The cache never fails a
 * command: a missing, unreadable, corrupt or read-only one only means compiling as usual.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import vm from "node:vm";
import { userCacheDir } from "./cache-dir.ts";
import { v8FlagsTag } from "./v8-flags.ts";

/** Cache files kept (the newest): a few builds, Node versions or flag sets side by side (≤ ~4 MB). */
const KEEP = 16;
const WRAPPER = "(function (exports, require, module, __filename, __dirname) {\n";

/** Files run, by path: on the global object, as the bundle holds this module more than once (v8-flags.ts). */
const LOADED = Symbol.for("supamigrate.codeCached");
const loaded: Map<string, unknown> = ((globalThis as { [LOADED]?: Map<string, unknown> })[LOADED] ??= new Map());

/** `require(file)` for a CommonJS bundle, compiled from (and into) the code cache. */
export function requireWithCodeCache(file: string, cacheDir: string | null = userCacheDir()): unknown {
  if (loaded.has(file)) return loaded.get(file);
  const cacheFile = cacheDir === null ? null : join(cacheDir, "v8", cacheName(basename(file)));
  const cachedData = cacheFile === null ? undefined : readIfThere(cacheFile);
  const script = new vm.Script(`${WRAPPER}${readFileSync(file, "utf8")}\n})`, {
    filename: file,
    lineOffset: -1, // the wrapper's line: stack traces give the bundle's own line numbers
    cachedData,
    // The bundles are built without dynamic imports (build.mjs); should one appear, it resolves as in any module.
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  loaded.set(file, module.exports);
  if (cacheFile !== null && (cachedData === undefined || script.cachedDataRejected)) process.once("exit", () => writeCache(cacheFile, script));
  return module.exports;
}

/**
 * The cache file's name: the bundle's (content hash included), V8's version, the architecture, and the V8
 * flags in force (v8-flags.ts), so that runs under other flags (`serve`, `--version`) keep their own file
 * instead of each rejecting and rewriting the other's.
 */
function cacheName(bundle: string): string {
  const flags = v8FlagsTag();
  return `${bundle}-${process.versions.v8}-${process.arch}${flags === "" ? "" : `-${fnv1a(flags)}`}.bin`;
}

/** A short hash of a string (FNV-1a, 32 bits), in hex. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache (atomically: concurrent runs each rename a whole file) and prunes old ones. */
function writeCache(cacheFile: string, script: vm.Script): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
    prune(dirname(cacheFile));
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was written there either
    }
  }
}

function prune(dir: string): void {
  const files = readdirSync(dir).filter((name) => name.endsWith(".bin")).map((name) => {
    const path = join(dir, name);
    return { path, time: statSync(path).mtimeMs };
  });
  files.sort((a, b) => b.time - a.time);
  for (const { path } of files.slice(KEEP)) rmSync(path, { force: true });
}
