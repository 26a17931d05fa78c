/**
 * The function's and the client's messages say how to fix a problem in the CLI's words (`--set`,
 * `--to`, SUPAMIGRATE_URL, `supamigrate verify`). In the editor the same advice is a command or a
 * setting: `forEditor` rewrites those phrases and leaves the rest of the message as the function said it.
 * `batchSummary` is what a batch of applies says when it is over, counting what it applied.
 */
import type { MigrationFailure } from "../../shared/protocol/types.ts";

const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  // unresolved-placeholder: the editor asks for each value before a run.
  [/ Supply (?:--set [A-Za-z0-9_]+=<value> ?)+\(request: "placeholders": \{[^}]*\}\)\./, " Run the command again and enter the value when asked (values are remembered for this workspace)."],
  [/--set ([A-Za-z0-9_]+)=(?:<value>|…)/g, "a value for ${$1}"],
  [/`supamigrate verify` lists every drifted file/, "the Migrations view shows every drifted file"],
  [/Apply in smaller batches with --to NAME/, "Apply one migration at a time (“Supamigrate: Apply Migration”)"],
  [/Set SUPAMIGRATE_TOKEN to the value/, "Run “Supamigrate: Set Token” with the value"],
  [/Check --url or SUPAMIGRATE_URL and your network\./, "Check supamigrate.functionUrl (or supamigrate.projectUrl) and your network."],
  [/\(`supamigrate lint` shows every error\)/, "(the Problems panel shows every error)"],
  [/run apply again/g, "run the command again"],
];

export function forEditor(message: string): string {
  return REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}

/** "Nothing was applied." / "Nothing was sent." at the end of a refusal: true of that call, not of a whole batch. */
export function withoutNothingApplied(message: string): string {
  return message.replace(/\s*Nothing (?:was applied|was sent|was recorded)\.\s*$/, "");
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/**
 * What a batch did, counting what it applied: the notification shown when it is over. A refusal's
 * closing "Nothing was applied." is about its own call: kept only when the batch applied nothing.
 */
export function batchSummary(
  applied: readonly string[],
  failed: MigrationFailure | null,
  refused: { readonly name: string; readonly message: string } | undefined,
  notStarted: readonly string[],
): string {
  const did = applied.length ? `applied ${applied.length} migration(s) (${applied.join(", ")}), then ` : "";
  const rest = notStarted.length ? ` Not started: ${notStarted.join(", ")}.` : "";
  if (failed) return `${did}${sentence(`${failed.name} failed at line ${failed.line}: ${failed.message}`)}${rest}`;
  if (refused) {
    const what = sentence(`${refused.name} was not applied: ${withoutNothingApplied(refused.message)}`);
    return did ? `${did}${what}${rest}` : `${what} Nothing was applied.`;
  }
  if (notStarted.length) return `cancelled after ${applied.length} file(s)${applied.length ? ` (${applied.join(", ")})` : ""}; not started: ${notStarted.join(", ")}.`;
  return `applied ${applied.length} migration(s).`;
}
