/**
 * The connection to a folder's function: which client to make (through supabase-js as the signed-in
 * user, or the plain URL with the stored token), the token in SecretStorage, and the deploy state read
 * with `GET status`.
 *
 * No `vscode` here: the secret store, the sign-in sessions (auth.ts) and the client constructors come
 * through narrow interfaces, so the choices are unit-tested in plain Node (function-connection.test.ts).
 */
import { createClient, type FunctionClient, isRegionName } from "../../shared/client/index.ts";
import { createSupabaseFunctionClient, functionsUrl, type SupabaseClient } from "../../shared/client/supabase.ts";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import type { SignedIn } from "./auth.ts";
import { UserError } from "./user-error.ts";

/** The SecretStorage key of the machine token (never a setting). */
export const TOKEN_KEY = "supamigrate.token";

export type AppliedState =
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "known"; readonly status: StatusResponse; readonly fetchedAt: Date };

/** The `supamigrate.*` settings a connection reads (Config, per workspace folder). */
export interface ConnectionSettings {
  readonly functionUrl: string | null;
  readonly projectUrl: string | null;
  readonly anonKey: string | null;
  readonly functionRegion: string | null;
}

/** A workspace folder as the connection sees it (MigrationProject): its settings, and where its deploy state goes. */
export interface ConnectedFolder {
  readonly config: ConnectionSettings;
  appliedState: AppliedState;
}

/** VS Code's SecretStorage, as far as the token needs it. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
}

/** Signed-in users' sessions (auth.ts): one supabase-js client per project, and who is signed in there. */
export interface Sessions {
  client(projectUrl: string, anonKey: string): Promise<SupabaseClient>;
  current(projectUrl: string, anonKey: string): Promise<SignedIn | null>;
}

/** How clients are made: shared/client's constructors (tests pass fakes that record the choice). */
export interface ClientMakers {
  readonly direct: typeof createClient;
  readonly supabase: typeof createSupabaseFunctionClient;
}

export interface FunctionConnectionOptions<A extends Sessions> {
  readonly secrets: SecretStore;
  readonly auth: A;
  readonly log: (line: string) => void;
  readonly clients?: ClientMakers;
  /** When a status was fetched. */
  readonly now?: () => Date;
}

export class FunctionConnection<A extends Sessions = Sessions> {
  /** The sign-in sessions, also for the Sign In / Sign Out commands. */
  readonly auth: A;
  private readonly secrets: SecretStore;
  private readonly log: (line: string) => void;
  private readonly clients: ClientMakers;
  private readonly now: () => Date;

  constructor(options: FunctionConnectionOptions<A>) {
    this.auth = options.auth;
    this.secrets = options.secrets;
    this.log = options.log;
    this.clients = options.clients ?? { direct: createClient, supabase: createSupabaseFunctionClient };
    this.now = options.now ?? (() => new Date());
  }

  async token(): Promise<string | undefined> {
    return await this.secrets.get(TOKEN_KEY);
  }

  async storeToken(token: string): Promise<void> {
    await this.secrets.store(TOKEN_KEY, token);
  }

  /** Where the folder's function is, for messages: the functions URL through the project, else functionUrl. */
  target(folder: ConnectedFolder): string | null {
    const { projectUrl, anonKey, functionUrl } = folder.config;
    return projectUrl && anonKey ? functionsUrl(projectUrl) : functionUrl;
  }

  /**
   * A client for the folder's function; a UserError says what is missing. With
   * supamigrate.projectUrl + anonKey: through supabase-js, as the signed-in user (else with the
   * stored token); otherwise the plain supamigrate.functionUrl path with the stored token.
   */
  async client(folder: ConnectedFolder): Promise<FunctionClient> {
    const { projectUrl, anonKey, functionUrl, functionRegion: region } = folder.config;
    if (region !== null && !isRegionName(region)) {
      throw new UserError("supamigrate.functionRegion must be a Supabase region like eu-central-1 (your database's), or empty.");
    }
    if (projectUrl && anonKey) {
      const supabase = await this.auth.client(projectUrl, anonKey);
      if (await this.auth.current(projectUrl, anonKey)) return this.clients.supabase({ supabase, projectUrl, session: true, region });
      const token = await this.token();
      if (token) return this.clients.supabase({ supabase, projectUrl, token, region });
      throw new UserError("Not signed in: run “Supamigrate: Sign In” (or “Supamigrate: Set Token” for a machine token).");
    }
    if (projectUrl && !functionUrl) throw new UserError("Set supamigrate.anonKey (the project's publishable key) to go with supamigrate.projectUrl.");
    if (!functionUrl) throw new UserError("Set supamigrate.functionUrl to the function's base URL (…/functions/v1/supamigrate) first.");
    const token = await this.token();
    if (!token) throw new UserError("No token yet: run “Supamigrate: Set Token” first.");
    return this.clients.direct({ url: functionUrl, token, region });
  }

  /**
   * Reads the function's status into `folder.appliedState`. Quietly (`quiet`) a failure only leaves the
   * state unknown with its reason; otherwise it is thrown as a UserError that says what to do.
   */
  async refreshStatus(folder: ConnectedFolder, quiet = true): Promise<void> {
    const url = this.target(folder);
    const missing = await this.missingSetup(folder);
    if (missing) {
      folder.appliedState = { kind: "unknown", reason: missing };
      if (!quiet) await this.client(folder); // throws the UserError that says what to do
      return;
    }
    try {
      const status = await (await this.client(folder)).status();
      folder.appliedState = { kind: "known", status, fetchedAt: this.now() };
      this.log(`status of ${url}: ${status.applied.length} applied${status.lock ? `, locked by ${status.lock.holder}` : ""}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      folder.appliedState = { kind: "unknown", reason: message };
      this.log(`status of ${url} failed: ${message}`);
      if (!quiet) throw new UserError(message);
    }
  }

  /** Why the function cannot be called yet, or null when it can. */
  private async missingSetup(folder: ConnectedFolder): Promise<string | null> {
    const { projectUrl, anonKey, functionUrl } = folder.config;
    if (projectUrl && anonKey) {
      if (await this.auth.current(projectUrl, anonKey).catch(() => null)) return null;
      return (await this.token()) ? null : "not signed in";
    }
    if (!functionUrl) return projectUrl ? "supamigrate.anonKey is not set" : "supamigrate.functionUrl is not set";
    return (await this.token()) ? null : "no token set";
  }
}
