/**
 * The V8 flags the CLI sets for a command, in one place: program.ts sets them, and the bundle's entry
 * (entry.ts) sets the same ones earlier, before any compiled code is loaded from the code cache, since V8
 * rejects compiled code cached under other flags. code-cache.ts keys its files by them (`v8FlagsTag`).
 *
 * WebAssembly at Liftoff only, except for `serve` (it runs the embedded database): TurboFan's background
 * recompile of the parser costs more CPU than any command earns back (measured in docs/ci.md, "Third round").
 */
import { setFlagsFromString } from "node:v8";

/**
 * The flags set, kept on the global object: the bundle holds this module more than once (the CommonJS
 * entry, the lint command's file and the ES modules each have a copy), and all must agree.
 */
const SET = Symbol.for("supamigrate.v8Flags");
const state = globalThis as { [SET]?: string };

/** Sets the flags for `command` (the first argument that is not an option); once per process. */
export function setV8Flags(command: string | undefined): void {
  if (state[SET] !== undefined || command === undefined || command === "serve") return;
  state[SET] = "--liftoff-only";
  setFlagsFromString(state[SET]);
}

/** The flags set here and on Node's command line, as code caches are keyed ("" when none). */
export function v8FlagsTag(): string {
  return [state[SET] ?? "", ...process.execArgv].filter((flag) => flag !== "").join(" ");
}
