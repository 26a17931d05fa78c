/**
 * Every command: a factory `(ctx) => handler`, registered from the one record at the bottom. Handlers
 * return their outcome (handy for tests and other extensions); errors meant for the user are shown.
 */
import * as vscode from "vscode";
import { FunctionCallError } from "../../shared/client/index.ts";
import { applyBatch, applyMeta, dryRunAll, logEvent, logRollbackDone, placeholdersFor, recordOutcome, saveEditors } from "./apply.ts";
import { showDeploymentPlan } from "./plan-view.ts";
import { adoptionCommands } from "./adoption-commands.ts";
import { driftCommands } from "./drift-commands.ts";
import type { Ctx } from "./ctx.ts";
import { forEditor } from "./editor-messages.ts";
import { placeholderStorage } from "./placeholder-prompt.ts";
import type { MigrationProject } from "./project.ts";
import { countStates, migrationStates } from "./states.ts";
import { UserError } from "./user-error.ts";

type Handler = (...args: never[]) => Promise<unknown>;
type Factory = (ctx: Ctx) => Handler;

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) {
    throw new UserError("Applying or rolling back migrations needs a trusted workspace (Workspaces: Manage Workspace Trust).");
  }
}

/** The URI a command was invoked on: an explorer/view argument, else the active editor. */
function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const fromItem = (arg as { resourceUri?: unknown } | undefined)?.resourceUri;
  if (fromItem instanceof vscode.Uri) return fromItem;
  return vscode.window.activeTextEditor?.document.uri;
}

async function pendingNames(ctx: Ctx, project: MigrationProject): Promise<string[]> {
  // The folder as it is on disk now: the watcher that keeps the project current lags behind, and a
  // file deleted a moment ago must not be applied from memory.
  await project.load();
  await ctx.refreshStatus(project, false);
  const states = await migrationStates(project);
  const drifted = states.filter((s) => s.kind === "drifted").map((s) => s.name);
  if (drifted.length) {
    throw new UserError(`${drifted.join(", ")} changed after it was deployed; the function refuses to apply while files drift. Restore the deployed content and add a new migration instead.`);
  }
  return states.filter((s) => s.kind === "pending" || s.kind === "failed").map((s) => s.name);
}

const applyMigration: Factory = (ctx) => async (arg?: unknown) => {
  requireTrust();
  const uri = targetUri(arg);
  const project = uri && ctx.projectFor(uri);
  const name = project && uri && project.relativePath(uri);
  if (!project || !name || name.includes("/") || !project.migration(name)) {
    throw new UserError(`Open a migration in the ${project?.dir ?? "migrations"} folder to apply it.`);
  }
  const pending = await pendingNames(ctx, project);
  const at = pending.indexOf(name);
  if (at < 0) {
    void vscode.window.showInformationMessage(`Supamigrate: ${name} is already applied.`);
    return { applied: [], failed: null, notStarted: [] };
  }
  const earlier = pending.slice(0, at);
  if (earlier.length) {
    const go = `Apply ${earlier.length + 1} Migrations`;
    const answer = await vscode.window.showWarningMessage(
      `${earlier.length} earlier migration(s) are pending and must run first, in order:`,
      { modal: true, detail: [...earlier, `then ${name}`].join("\n") },
      go,
    );
    if (answer !== go) return { applied: [], failed: null, notStarted: [...earlier, name] };
  }
  return await applyBatch(ctx, project, [...earlier, name]);
};

const applyPending: Factory = (ctx) => async (arg?: unknown) => {
  requireTrust();
  const project = await ctx.pickProject(targetUri(arg));
  const pending = await pendingNames(ctx, project);
  if (!pending.length) {
    void vscode.window.showInformationMessage("Supamigrate: nothing pending.");
    return { applied: [], failed: null, notStarted: [] };
  }
  // The seed's checklist first (a panel beside the editor), then the question.
  await saveEditors(project, pending);
  const plan = await showDeploymentPlan(ctx, project, pending, await placeholdersFor(ctx, project, pending));
  const answer = await vscode.window.showWarningMessage(
    `Apply ${pending.length} pending migration(s) to ${ctx.connection.target(project)}?`,
    { modal: true, detail: `${plan.ready ? "The deployment plan finds nothing blocking" : "The deployment plan finds something blocking (✗)"}: see the panel beside the editor.\n${pending.join("\n")}` },
    "Apply",
  );
  if (answer !== "Apply") return { applied: [], failed: null, notStarted: pending, cancelled: true };
  return await applyBatch(ctx, project, pending);
};

const dryRun: Factory = (ctx) => async (arg?: unknown) => {
  requireTrust();
  const project = await ctx.pickProject(targetUri(arg));
  return await dryRunAll(ctx, project, await pendingNames(ctx, project));
};

const rollbackLast: Factory = (ctx) => async (arg?: unknown) => {
  requireTrust();
  const project = await ctx.pickProject(targetUri(arg));
  await ctx.refreshStatus(project, false);
  const last = (await migrationStates(project)).filter((s) => s.applied).sort((a, b) =>
    a.applied!.appliedAt.localeCompare(b.applied!.appliedAt)
  ).pop();
  if (!last) throw new UserError("Nothing is applied: there is nothing to roll back.");
  if (!last.applied!.hasRollback) {
    throw new UserError(`${last.name} was applied without a rollback file (${project.dir}/rollback/${last.name}); write a new migration that undoes it instead.`);
  }
  const go = "Roll Back";
  const answer = await vscode.window.showWarningMessage(
    `Roll back ${last.name}?`,
    { modal: true, detail: `This runs its rollback SQL against ${ctx.connection.target(project)} and removes it from the tracking table.` },
    go,
  );
  if (answer !== go) return null;
  const client = await ctx.connection.client(project);
  ctx.output.show(true);
  ctx.log(`rollback ${last.name}`);
  const done = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Supamigrate: rolling back ${last.name}` },
    () => client.rollback({ steps: 1, meta: applyMeta() }, (e) => logEvent(ctx, e, "rollback")),
  );
  logRollbackDone(ctx, done);
  await recordOutcome(ctx, project, [], done.failed);
  if (!done.failed) void vscode.window.showInformationMessage(`Supamigrate: rolled back ${last.name}.`);
  return done;
};

const showStatus: Factory = (ctx) => async (arg?: unknown) => {
  const project = await ctx.pickProject(targetUri(arg));
  await ctx.refreshStatus(project, false);
  const states = await migrationStates(project);
  const counts = countStates(states);
  ctx.log(`status of ${project.folder.name}:`);
  for (const s of states) {
    ctx.log(`  ${s.kind.padEnd(8)} ${s.name}${s.applied ? `  ${s.applied.appliedAt} by ${s.applied.appliedBy ?? "?"}` : ""}`);
  }
  const lock = project.status()?.lock;
  const summary = `${counts.applied} applied, ${counts.pending} pending, ${counts.drifted} drifted` +
    (counts.missing ? `, ${counts.missing} deployed but missing locally` : "") + (lock ? ` — locked by ${lock.holder}` : "");
  void vscode.commands.executeCommand("supamigrate.migrations.focus");
  void vscode.window.showInformationMessage(`Supamigrate: ${summary}.`);
  return { states, summary };
};

const setToken: Factory = (ctx) => async () => {
  const token = await vscode.window.showInputBox({
    title: "Supamigrate: function token",
    prompt: "The SUPAMIGRATE_TOKEN of your function. It is kept in VS Code's SecretStorage, never in settings.",
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : "The token cannot be empty."),
  });
  if (token === undefined) return false;
  await ctx.connection.storeToken(token.trim());
  ctx.log("token stored in SecretStorage");
  await Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)));
  return true;
};

/** The project's Supabase URL and key for signing in; a UserError when either is missing. */
function projectSettings(project: MigrationProject): { projectUrl: string; anonKey: string } {
  const { projectUrl, anonKey } = project.config;
  if (!projectUrl || !anonKey) {
    throw new UserError("Set supamigrate.projectUrl (https://<project-ref>.supabase.co) and supamigrate.anonKey (the project's publishable key) to sign in.");
  }
  return { projectUrl, anonKey };
}

const signIn: Factory = (ctx) => async (arg?: unknown) => {
  const project = await ctx.pickProject(targetUri(arg));
  const { projectUrl, anonKey } = projectSettings(project);
  const title = "Supamigrate: Sign In";
  const method = await vscode.window.showQuickPick(
    [
      { label: "Email and password", id: "password" as const },
      { label: "Email one-time code", id: "code" as const, description: "a code is emailed to you" },
    ],
    { title, placeHolder: `Sign in to ${projectUrl}` },
  );
  if (!method) return null;
  const email = (await vscode.window.showInputBox({
    title,
    prompt: "Your email address (a user of this Supabase project)",
    ignoreFocusOut: true,
    validateInput: (v) => (/^\S+@\S+$/.test(v.trim()) ? undefined : "Enter an email address."),
  }))?.trim();
  if (!email) return null;
  let user;
  try {
    if (method.id === "password") {
      const password = await vscode.window.showInputBox({ title, prompt: `Password for ${email}`, password: true, ignoreFocusOut: true });
      if (password === undefined) return null;
      user = await ctx.connection.auth.signInWithPassword(projectUrl, anonKey, email, password);
    } else {
      await ctx.connection.auth.sendCode(projectUrl, anonKey, email);
      const code = (await vscode.window.showInputBox({
        title,
        prompt: `The one-time code emailed to ${email}`,
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d{6,10}$/.test(v.trim()) ? undefined : "Enter the code from the email (digits)."),
      }))?.trim();
      if (!code) return null;
      user = await ctx.connection.auth.verifyCode(projectUrl, anonKey, email, code);
    }
  } catch (error) {
    throw new UserError(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  ctx.log(`signed in to ${projectUrl} as ${user.email ?? user.userId}; the session is kept in SecretStorage`);
  await Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)));
  void vscode.window.showInformationMessage(`Supamigrate: signed in as ${user.email ?? user.userId}.`);
  return user;
};

const signOut: Factory = (ctx) => async (arg?: unknown) => {
  const project = await ctx.pickProject(targetUri(arg));
  const { projectUrl, anonKey } = projectSettings(project);
  await ctx.connection.auth.signOut(projectUrl, anonKey);
  ctx.log(`signed out of ${projectUrl}`);
  await Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)));
  void vscode.window.showInformationMessage("Supamigrate: signed out.");
  return true;
};

/** Forgets the folder's remembered placeholder values (plain and secret): the next run asks again. */
const forgetPlaceholders: Factory = (ctx) => async (arg?: unknown) => {
  const project = await ctx.pickProject(targetUri(arg));
  const forgotten = await placeholderStorage(ctx.extension, project.folder.uri).clear();
  ctx.log(`placeholder values forgotten for ${project.folder.name}: ${forgotten.join(", ") || "(none were remembered)"}`);
  void vscode.window.showInformationMessage(forgotten.length
    ? `Supamigrate: forgot ${forgotten.map((name) => `\${${name}}`).join(", ")}; the next run asks again.`
    : "Supamigrate: no placeholder values were remembered for this folder.");
  return forgotten;
};

export const commands: Record<string, Factory> = {
  "supamigrate.applyMigration": applyMigration,
  "supamigrate.applyPending": applyPending,
  "supamigrate.dryRun": dryRun,
  "supamigrate.rollbackLast": rollbackLast,
  "supamigrate.showStatus": showStatus,
  "supamigrate.setToken": setToken,
  "supamigrate.signIn": signIn,
  "supamigrate.signOut": signOut,
  "supamigrate.forgetPlaceholders": forgetPlaceholders,
  ...adoptionCommands,
  ...driftCommands,
};

/**
 * Registers every command; a UserError or a refusal from the function is shown (in the editor's words)
 * and logged on one line, anything else with its message, and logged with its stack.
 */
export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(commands).map(([id, factory]) => {
    const handler = factory(ctx) as (...args: unknown[]) => Promise<unknown>;
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        // The function's refusals (FunctionCallError) say what to do, as UserErrors do: no stack, in the editor's words.
        const expected = error instanceof UserError || error instanceof FunctionCallError;
        // (A UserError may carry a refusal's message too: connection.refreshStatus passes it on.)
        const message = expected ? forEditor(error.message) : error instanceof Error ? error.message : String(error);
        if (!expected) ctx.log(`${id} failed: ${error instanceof Error ? error.stack : message}`);
        else if (message) ctx.log(`${id}: ${message}`);
        if (message) void vscode.window.showErrorMessage(`Supamigrate: ${message}`);
        return { error: message };
      }
    });
  });
}
