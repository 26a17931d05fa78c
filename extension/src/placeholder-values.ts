/**
 * Placeholder values for a run from the editor: the CLI's `--set name=value`. The names the files about
 * to run use (and their rollbacks, which run with the same values) are collected; each value is taken
 * from what this workspace folder remembers, else asked for once and remembered — a name that looks
 * secret (`isSecretPlaceholder`) in SecretStorage, any other in the workspace's state.
 *
 * No `vscode` here: storage and the question come through the narrow interfaces below, so the choices
 * are unit-tested in plain Node (placeholder-values.test.ts); placeholder-prompt.ts is the VS Code side.
 */
import { placeholderNames, unsafePlaceholderValue } from "../../shared/migrations/index.ts";

/**
 * A name holding one of these words (any case) is a secret: its value goes to SecretStorage and its
 * input box hides what is typed. `admin_email` is not; `service_role_key`, `db_password`, `api_token` are.
 */
const SECRET_WORDS = /secret|password|passwd|token|key|credential/i;

export function isSecretPlaceholder(name: string): boolean {
  return SECRET_WORDS.test(name);
}

/** A file about to run, as far as placeholders go. */
export interface RunFile {
  readonly name: string;
  readonly sql: string;
  readonly rollback: string | null;
}

/** Placeholder name → the files (`012_x.sql`, `rollback/012_x.sql`) that use it, in run order; names sorted. */
export function placeholdersUsed(files: readonly RunFile[]): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (text: string, where: string) => {
    for (const name of placeholderNames(text)) {
      const list = used.get(name) ?? [];
      if (!list.includes(where)) list.push(where);
      used.set(name, list);
    }
  };
  for (const file of files) {
    add(file.sql, file.name);
    if (file.rollback !== null) add(file.rollback, `rollback/${file.name}`);
  }
  return new Map([...used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Why a value cannot be used (shown under the input box), or null when it can. */
export function checkPlaceholderValue(value: string): string | null {
  if (value === "") return "Enter a value (Escape cancels the run; nothing is sent).";
  const unsafe = unsafePlaceholderValue(value);
  return unsafe ? `The value ${unsafe}: it is pasted into the SQL as written. Quote it in the SQL ('\${name}'), not here.` : null;
}

/** Where one workspace folder's values are kept. */
export interface PlaceholderStorage {
  get(name: string, secret: boolean): Promise<string | undefined>;
  set(name: string, value: string, secret: boolean): Promise<void>;
  /** Forgets every remembered value; returns the names forgotten. */
  clear(): Promise<string[]>;
}

/** Asks for one value (undefined: the user cancelled). */
export type AskPlaceholder = (name: string, question: { readonly secret: boolean; readonly usedBy: readonly string[] }) => Promise<string | undefined>;

export type PlaceholderOutcome =
  | { readonly ok: true; readonly values: Record<string, string>; readonly asked: string[] }
  | { readonly ok: false; readonly missing: string; readonly usedBy: readonly string[] };

/**
 * Every value the files need: remembered ones as they are, the others asked for (in name order) and
 * remembered. Stops at the first question cancelled; values given before it stay remembered.
 * A remembered value that is no longer safe (stored by an older version) is asked for again.
 */
export async function placeholderValues(files: readonly RunFile[], storage: PlaceholderStorage, ask: AskPlaceholder): Promise<PlaceholderOutcome> {
  const values: Record<string, string> = {};
  const asked: string[] = [];
  for (const [name, usedBy] of placeholdersUsed(files)) {
    const secret = isSecretPlaceholder(name);
    const remembered = await storage.get(name, secret);
    if (remembered !== undefined && checkPlaceholderValue(remembered) === null) {
      values[name] = remembered;
      continue;
    }
    const given = await ask(name, { secret, usedBy });
    if (given === undefined || checkPlaceholderValue(given) !== null) return { ok: false, missing: name, usedBy };
    await storage.set(name, given, secret);
    values[name] = given;
    asked.push(name);
  }
  return { ok: true, values, asked };
}
