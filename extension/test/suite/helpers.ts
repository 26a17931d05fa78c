// Helpers shared by the tests: the extension's API, files in the fixture workspace, waiting for
// diagnostics, running quick fixes, and stubbing a window prompt.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";

export const EXTENSION_ID = "supamigrate.supamigrate";

/** The parts of the extension's API the tests use (the extension exports more). */
export interface Api {
  readonly activationMs: number;
  readonly ready: Promise<void>;
  readonly ctx: {
    readonly connection: { token(): Promise<string | undefined>; storeToken(token: string): Promise<void> };
    readonly lint: { readonly lastLintMs: number };
    /** The deployment report Apply Pending showed last. */
    readonly lastPlan?: string;
    allProjects(): unknown[];
    log(line: string): void;
    readonly extension: { readonly secrets: vscode.SecretStorage; readonly workspaceState: vscode.Memento };
  };
  readonly view: vscode.TreeDataProvider<unknown>;
  readonly statusBar: { item: vscode.StatusBarItem; update(): Promise<void> };
}

export async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} not found`);
  const extensionApi = await ext.activate();
  await extensionApi.ready;
  return extensionApi;
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "no workspace folder open");
  return folder.uri.fsPath;
}

/** `{token, dbUrl, projectUrl, anonKey}` written by launch.ts; null when the tests run without a function. */
export function testEnv(): { token: string; dbUrl: string; projectUrl?: string; anonKey?: string } | null {
  const file = path.join(workspaceDir(), ".supamigrate-test.json");
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
}

export function scriptUri(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), "scripts", name));
}

/** Writes a migration to disk and opens it in an editor. */
export async function openMigration(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = scriptUri(name);
  fs.writeFileSync(uri.fsPath, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  return await vscode.window.showTextDocument(doc);
}

/** Closes editors and deletes test files. */
export async function removeMigrations(...names: string[]): Promise<void> {
  await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  for (const name of names) fs.rmSync(scriptUri(name).fsPath, { force: true });
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "supamigrate");
}

export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === "object" ? d.code.value : d.code;
}

/** Resolves with our diagnostics once `ok(them)` holds (checked now and on every change). */
export function waitForDiagnostics(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const d = ours(uri);
      if (!ok(d)) return false;
      clearTimeout(timer);
      sub.dispose();
      resolve(d);
      return true;
    };
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`diagnostics for ${path.basename(uri.fsPath)} never matched; last: ${JSON.stringify(ours(uri).map(brief))}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

/** A diagnostic as plain data, for exact comparisons. */
export function brief(d: vscode.Diagnostic) {
  const target = typeof d.code === "object" ? d.code.target.toString() : undefined;
  return {
    range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
    severity: vscode.DiagnosticSeverity[d.severity],
    source: d.source,
    code: codeOf(d),
    ...(target ? { target } : {}),
    message: d.message,
  };
}

/** Runs the quick fix titled `title` offered for `diagnostic` (its edit, then its command). */
export async function runQuickFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic, title: string): Promise<void> {
  // The workbench hands the provider its markers, which follow the extension host's diagnostics a
  // moment later: ask again for a while until the fix is offered.
  let actions: vscode.CodeAction[] = [];
  for (const deadline = Date.now() + 5_000; ; await sleep(50)) {
    actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      "vscode.executeCodeActionProvider", uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value,
    );
    if (actions.some((a) => a.title === title) || Date.now() > deadline) break;
  }
  // (The command's result does not carry the actions' `diagnostics`; the provider ties them.)
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no quick fix "${title}"; offered: ${actions.map((a) => a.title).join(" | ")}`);
  assert.strictEqual(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), "applyEdit refused");
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Replaces `obj[key]` until the returned restore() is called. */
export function stub<T extends object, K extends keyof T>(obj: T, key: K, impl: T[K]): () => void {
  const original = obj[key];
  Object.defineProperty(obj, key, { value: impl, configurable: true, writable: true });
  return () => Object.defineProperty(obj, key, { value: original, configurable: true, writable: true });
}

/** Records the messages shown with `vscode.window[kind]` (answered with nothing) until restore() is called. */
export function recordMessages(kind: "showErrorMessage" | "showWarningMessage" | "showInformationMessage"): { readonly messages: string[]; readonly asked: string[]; restore(): void } {
  const messages: string[] = [];
  const asked: string[] = [];
  const restore = stub(vscode.window, kind, (async (message: string, options?: unknown, ...items: unknown[]) => {
    // A modal question (Apply Pending's confirmation) is answered with its first choice, and kept apart.
    if ((options as vscode.MessageOptions | undefined)?.modal) {
      asked.push(message);
      return items[0];
    }
    messages.push(message);
    return undefined;
  }) as (typeof vscode.window)[typeof kind]);
  return { messages, asked, restore };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TreeNode { state?: { name: string; kind: string } }

/** The Migrations view's migrations: name → `kind: description`. */
export async function viewStates(a: Api): Promise<Record<string, string>> {
  const nodes = (await a.view.getChildren(undefined)) as TreeNode[];
  const states: Record<string, string> = {};
  for (const node of nodes) {
    if (!node.state) continue;
    const item = await a.view.getTreeItem(node);
    states[node.state.name] = `${node.state.kind}${item.description ? `: ${item.description}` : ""}`;
  }
  return states;
}

/** The view's state of `name` once it is there (the view follows file changes through a watcher). */
export async function viewState(a: Api, name: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = (await viewStates(a))[name];
    if (state !== undefined || Date.now() > until) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `fn` while modal warnings are answered with their first button; returns what was asked. */
export async function confirming<T>(fn: () => Thenable<T>): Promise<{ result: T; asked: string[] }> {
  const asked: string[] = [];
  const restore = stub(vscode.window, "showWarningMessage", (async (message: string, options: vscode.MessageOptions, ...items: string[]) => {
    asked.push(`${message}\n${options?.detail ?? ""}`);
    return items[0];
  }) as typeof vscode.window.showWarningMessage);
  try {
    return { result: await fn(), asked };
  } finally {
    restore();
  }
}

/** Resolves when `check()` holds (polled every 50 ms); fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
