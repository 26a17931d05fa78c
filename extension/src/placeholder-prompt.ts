/**
 * The VS Code side of placeholder values (placeholder-values.ts): per workspace folder, plain values in
 * the workspace's state (`supamigrate.placeholders:<folder>`), secret ones in SecretStorage
 * (`supamigrate.placeholder:<folder>:<name>`), and an input box to ask for a missing one.
 */
import * as vscode from "vscode";
import { type AskPlaceholder, checkPlaceholderValue, type PlaceholderStorage } from "./placeholder-values.ts";

const plainKey = (folder: vscode.Uri) => `supamigrate.placeholders:${folder.toString()}`;
/** The names (never the values) of the secrets stored for a folder, so they can be forgotten. */
const secretNamesKey = (folder: vscode.Uri) => `supamigrate.secretPlaceholders:${folder.toString()}`;
const secretKey = (folder: vscode.Uri, name: string) => `supamigrate.placeholder:${folder.toString()}:${name}`;

export function placeholderStorage(context: vscode.ExtensionContext, folder: vscode.Uri): PlaceholderStorage {
  const state = context.workspaceState;
  const plain = () => state.get<Record<string, string>>(plainKey(folder), {});
  const secretNames = () => state.get<string[]>(secretNamesKey(folder), []);
  return {
    async get(name, secret) {
      return secret ? await context.secrets.get(secretKey(folder, name)) : (Object.hasOwn(plain(), name) ? plain()[name] : undefined);
    },
    async set(name, value, secret) {
      if (!secret) return void await state.update(plainKey(folder), { ...plain(), [name]: value });
      await context.secrets.store(secretKey(folder, name), value);
      if (!secretNames().includes(name)) await state.update(secretNamesKey(folder), [...secretNames(), name].sort());
    },
    async clear() {
      const names = [...Object.keys(plain()), ...secretNames()].sort();
      for (const name of secretNames()) await context.secrets.delete(secretKey(folder, name));
      await state.update(plainKey(folder), undefined);
      await state.update(secretNamesKey(folder), undefined);
      return names;
    },
  };
}

/** An input box for one placeholder; a secret one hides what is typed. */
export const askPlaceholder: AskPlaceholder = async (name, { secret, usedBy }) =>
  await vscode.window.showInputBox({
    title: `Supamigrate: value for \${${name}}`,
    prompt: `${usedBy.join(", ")} ${usedBy.length === 1 ? "uses" : "use"} \${${name}}. The value is pasted into the SQL as written and ` +
      `remembered for this workspace${secret ? " in SecretStorage" : ""} (“Supamigrate: Forget Placeholder Values” clears it).`,
    password: secret,
    ignoreFocusOut: true,
    validateInput: (value) => checkPlaceholderValue(value) ?? undefined,
  });
