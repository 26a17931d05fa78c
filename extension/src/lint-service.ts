/**
 * Lint as you type: one `shared/lint/session.ts` session per migrations folder, fed what the editors
 * and the disk say, debounced, and published only for files whose findings changed.
 *
 * No `vscode` here: what it needs of VS Code comes through the narrow interfaces below (the folder's
 * files and settings, where a URI belongs, a diagnostics sink, a timer), as vscode-eslint's validator
 * takes its settings and a publish callback, so it is unit-tested in plain Node (lint-service.test.ts).
 */
import { createLintSession, type LintSession } from "../../shared/lint/session.ts";
import type { Finding, SeveritySetting } from "../../shared/lint/types.ts";

/** Edits closer together than this are linted once, after the last one; a lone edit is linted at once. */
export const LINT_DEBOUNCE_MS = 150;

/** A workspace folder's migrations as the lint sees them (MigrationProject in the extension). */
export interface LintedFolder {
  /** The migrations folder as findings report it, e.g. `scripts`. */
  readonly dir: string;
  /** Read at every lint: the settings are resource-scoped and change under us. */
  readonly config: { readonly lintOn: "type" | "save"; readonly rules: Readonly<Record<string, SeveritySetting>> };
  /** Every file of the folder (`001_x.sql`, `rollback/001_x.sql`) with its current text. */
  listing(): readonly { readonly relativePath: string; readonly text: string }[];
  hasText(relativePath: string, text: string): boolean;
  setText(relativePath: string, text: string): void;
  /** Takes the file's text from disk (drops the file when it is gone). */
  reload(relativePath: string): Promise<void>;
  /** Deployed file name → checksum, or null while the deploy state is unknown. */
  appliedChecksums(): ReadonlyMap<string, string> | null;
  /** The deployed text of drifted files, where read (name → SQL): no-edit-after-deploy then points at the changed line. */
  deployedSql(): ReadonlyMap<string, string>;
}

/** Where documents are: which folder holds a URI, and whether an open editor has unsaved changes to it. */
export interface LintWorkspace<F extends LintedFolder, U> {
  /** The folder whose migrations folder holds `uri` and the path inside it, or undefined. */
  locate(uri: U): { readonly folder: F; readonly relativePath: string } | undefined;
  isDirty(uri: U): boolean;
}

/** Shows findings: the extension's DiagnosticsPublisher. */
export interface DiagnosticsSink<F> {
  /** Replaces the findings of one file (`path` as findings report it, `scripts/001_x.sql`); [] clears it. */
  publish(folder: F, path: string, findings: readonly Finding[]): void;
}

/** A clock and timers (tests: a fake one they move by hand). */
export interface Timer {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimer: Timer = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LintServiceOptions<F extends LintedFolder, U> {
  readonly workspace: LintWorkspace<F, U>;
  readonly sink: DiagnosticsSink<F>;
  readonly log: (line: string) => void;
  /** Called when a folder's files changed in a way the view and status bar should show. */
  readonly announce: (folder: F) => void;
  /**
   * Called after a lint with the files no-edit-after-deploy reports as edited whose deployed text the
   * folder does not have (the extension reads it, then lints again).
   */
  readonly drifted?: (folder: F, names: readonly string[]) => void;
  readonly timer?: Timer;
}

interface FolderLint {
  session: LintSession | null;
  /** The folder, deploy state and rule settings the session was made with: a change needs a new session. */
  options: string;
  /** The texts the session holds, to find what changed since the last run. */
  fed: Map<string, string>;
  /** Reported path → fingerprint of the findings last published for it. */
  published: Map<string, string>;
  timer?: unknown;
  lastRun: number;
  running?: Promise<void>;
  again: boolean;
  /** Unsaved edits changed the folder since the view was last told (it is told on save). */
  unannounced: boolean;
}

export class LintService<F extends LintedFolder, U = string> {
  private readonly folders = new Map<F, FolderLint>();
  private readonly timer: Timer;
  /** Engine time of the last lint, for tests and the log. */
  lastLintMs = 0;

  constructor(private readonly options: LintServiceOptions<F, U>) {
    this.timer = options.timer ?? systemTimer;
  }

  /**
   * An editor's text of `uri`: "saved" when opened or saved, "unsaved" on every edit. The caller says
   * which, from the event it got: VS Code updates a document's `isDirty` after the first edit's event.
   */
  update(uri: U, text: string, kind: "saved" | "unsaved"): void {
    const at = this.options.workspace.locate(uri);
    if (!at) return;
    const { folder, relativePath } = at;
    // lintOn "save": the folder keeps the saved text until the save, so no lint (for whatever reason
    // it runs) can show findings of unsaved edits.
    if (kind === "unsaved" && folder.config.lintOn === "save") return;
    const changed = !folder.hasText(relativePath, text);
    if (changed) {
      folder.setText(relativePath, text);
      this.schedule(folder);
    }
    // The view and status bar recompute every migration's state when told: tell them about saved (or
    // just opened) text, not about every keystroke.
    const state = this.state(folder);
    if (kind === "unsaved") state.unannounced ||= changed;
    else if (changed || state.unannounced) this.announce(folder, state);
  }

  /**
   * `uri` changed on disk (created, changed, deleted) or its editor closed: the folder takes the disk's
   * text — unless an editor holds unsaved changes to it, which win over the disk.
   */
  async reload(uri: U): Promise<void> {
    const at = this.options.workspace.locate(uri);
    if (!at || this.options.workspace.isDirty(uri)) return;
    await at.folder.reload(at.relativePath);
    this.schedule(at.folder);
    this.announce(at.folder, this.state(at.folder));
  }

  /**
   * Lints the folder now, as it is (after a reload of the whole folder, a new deploy state or new
   * rule settings), and publishes; a request during a run runs once more afterwards.
   */
  async lintNow(folder: F): Promise<void> {
    const state = this.state(folder);
    if (state.running) {
      state.again = true;
      return state.running;
    }
    state.running = (async () => {
      do {
        state.again = false;
        state.lastRun = this.timer.now();
        try {
          await this.run(folder, state);
        } catch (error) {
          state.session = null; // possibly half-fed: the next run starts a fresh one
          this.options.log(`lint failed in ${folder.dir}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        }
      } while (state.again);
    })();
    try {
      await state.running;
    } finally {
      state.running = undefined;
      state.lastRun = this.timer.now();
    }
  }

  /** Resolves when the folder's running lint, if any, is over (a scheduled one is not waited for); for tests. */
  async idle(folder: F): Promise<void> {
    await this.folders.get(folder)?.running;
  }

  /** Drops a folder (it left the workspace, or is read anew): its diagnostics are cleared. */
  forget(folder: F): void {
    const state = this.folders.get(folder);
    if (!state) return;
    if (state.timer !== undefined) this.timer.clearTimeout(state.timer);
    this.folders.delete(folder);
    for (const path of state.published.keys()) this.options.sink.publish(folder, path, []);
  }

  dispose(): void {
    for (const state of this.folders.values()) if (state.timer !== undefined) this.timer.clearTimeout(state.timer);
  }

  /** Lints at once when the last lint is older than the debounce window, else once after the burst. */
  private schedule(folder: F): void {
    const state = this.state(folder);
    if (state.timer !== undefined) this.timer.clearTimeout(state.timer);
    state.timer = undefined;
    const idle = !state.running && this.timer.now() - state.lastRun >= LINT_DEBOUNCE_MS;
    if (idle) {
      void this.lintNow(folder);
      return;
    }
    state.timer = this.timer.setTimeout(() => {
      state.timer = undefined;
      void this.lintNow(folder);
    }, LINT_DEBOUNCE_MS);
  }

  /** Brings the session up to the folder's current files and settings, then publishes what changed. */
  private async run(folder: F, state: FolderLint): Promise<void> {
    const started = this.timer.now();
    const { rules } = folder.config;
    const applied = folder.appliedChecksums();
    const deployedSql = folder.deployedSql();
    // A deployed text never changes for its checksum (which `applied` holds): the names stand for the texts.
    const options = JSON.stringify([folder.dir, applied && [...applied].sort(), Object.entries(rules).sort(), [...deployedSql.keys()].sort()]);
    const texts = new Map(folder.listing().map((f) => [f.relativePath, f.text]));
    const changed = [...new Set([...texts.keys(), ...state.fed.keys()])].filter((path) => texts.get(path) !== state.fed.get(path));
    if (state.session && state.options === options && changed.length === 0) return;
    if (state.session && state.options === options && changed.length === 1) {
      // The keystroke case the session is made for: one file re-parsed, the others' trees reused.
      const [path] = changed;
      await state.session.update(`${folder.dir}/${path}`, texts.get(path) ?? null);
    } else {
      // First run, another deploy state or rule setting (fixed for a session's life), or several files
      // at once (a folder read anew, a branch switched): each update re-runs every rule, so one fresh
      // lint bounds the cost where an update per file would not.
      state.session = await createLintSession({
        dir: folder.dir,
        listing: [...texts].map(([relativePath, text]) => ({ relativePath, text })),
        applied,
        deployedSql,
        severities: rules,
      });
    }
    state.options = options;
    state.fed = texts;
    this.lastLintMs = this.timer.now() - started;
    // A folder forgotten while this ran must not get its diagnostics back.
    if (this.folders.get(folder) !== state) return;
    this.publish(folder, state, state.session.findings);
    const unread = [...texts.keys()].filter((path) =>
      !path.includes("/") && !deployedSql.has(path) &&
      state.session!.findings.get(`${folder.dir}/${path}`)?.some((f) => f.rule === "no-edit-after-deploy")
    );
    if (unread.length) this.options.drifted?.(folder, unread);
  }

  private publish(folder: F, state: FolderLint, findings: ReadonlyMap<string, readonly Finding[]>): void {
    for (const path of [...state.published.keys()]) {
      if (findings.has(path)) continue;
      state.published.delete(path);
      this.options.sink.publish(folder, path, []);
    }
    for (const [path, list] of findings) {
      const fingerprint = JSON.stringify(list);
      if (state.published.get(path) === fingerprint) continue;
      state.published.set(path, fingerprint);
      this.options.sink.publish(folder, path, list);
    }
  }

  private announce(folder: F, state: FolderLint): void {
    state.unannounced = false;
    this.options.announce(folder);
  }

  private state(folder: F): FolderLint {
    let state = this.folders.get(folder);
    if (!state) {
      state = { session: null, options: "", fed: new Map(), published: new Map(), lastRun: -Infinity, again: false, unannounced: false };
      this.folders.set(folder, state);
    }
    return state;
  }
}
