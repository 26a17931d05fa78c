/**
 * Signed-in editors (docs/identity.md): supabase-js auth against the project (`supamigrate.projectUrl`
 * + `supamigrate.anonKey`), the session kept in VS Code's SecretStorage through a storage adapter and
 * refreshed by supabase-js. The function is then called with the user's access token: no shared
 * secret on developer machines.
 */
import * as vscode from "vscode";
import { createSupabase, type SupabaseClient, type SupportedStorage } from "../../shared/client/supabase.ts";

/** SecretStorage keys of sessions start with this (one session per project URL). */
export const SESSION_KEY_PREFIX = "supamigrate.auth.";

/** supabase-js's storage interface over SecretStorage (encrypted by the OS keychain / VS Code). */
export class SecretStorageAdapter implements SupportedStorage {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async getItem(key: string): Promise<string | null> {
    return (await this.secrets.get(SESSION_KEY_PREFIX + key)) ?? null;
  }

  async setItem(key: string, value: string): Promise<void> {
    await this.secrets.store(SESSION_KEY_PREFIX + key, value);
  }

  async removeItem(key: string): Promise<void> {
    await this.secrets.delete(SESSION_KEY_PREFIX + key);
  }
}

/** The supabase-js storage key of a project's session (so two projects never share one). */
export function sessionStorageKey(projectUrl: string): string {
  return `session:${projectUrl.replace(/\/+$/, "")}`;
}

export interface SignedIn {
  readonly email: string | null;
  readonly userId: string;
}

/** One supabase-js client per (project URL, key), its session in SecretStorage. */
export class Auth implements vscode.Disposable {
  private readonly clients = new Map<string, Promise<SupabaseClient>>();
  private readonly storage: SecretStorageAdapter;

  constructor(secrets: vscode.SecretStorage, private readonly log: (line: string) => void) {
    this.storage = new SecretStorageAdapter(secrets);
  }

  client(projectUrl: string, anonKey: string): Promise<SupabaseClient> {
    const id = `${projectUrl}\u0000${anonKey}`;
    let client = this.clients.get(id);
    if (!client) {
      client = createSupabase(projectUrl, anonKey, {
        storage: this.storage,
        storageKey: sessionStorageKey(projectUrl),
        autoRefreshToken: true,
      });
      this.clients.set(id, client);
    }
    return client;
  }

  /** The signed-in user, or null (supabase-js refreshes an expiring session here). */
  async current(projectUrl: string, anonKey: string): Promise<SignedIn | null> {
    const { data, error } = await (await this.client(projectUrl, anonKey)).auth.getSession();
    if (error) this.log(`session: ${error.message}`);
    const session = data.session;
    return session ? { email: session.user.email ?? null, userId: session.user.id } : null;
  }

  async signInWithPassword(projectUrl: string, anonKey: string, email: string, password: string): Promise<SignedIn> {
    const { data, error } = await (await this.client(projectUrl, anonKey)).auth.signInWithPassword({ email, password });
    if (error || !data.user) throw new Error(error?.message ?? "sign-in failed");
    return { email: data.user.email ?? email, userId: data.user.id };
  }

  /** Sends the one-time code; `verifyCode` completes the sign-in. Existing users only. */
  async sendCode(projectUrl: string, anonKey: string, email: string): Promise<void> {
    const { error } = await (await this.client(projectUrl, anonKey)).auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    if (error) throw new Error(error.message);
  }

  async verifyCode(projectUrl: string, anonKey: string, email: string, code: string): Promise<SignedIn> {
    const { data, error } = await (await this.client(projectUrl, anonKey)).auth.verifyOtp({ email, token: code, type: "email" });
    if (error || !data.user) throw new Error(error?.message ?? "the code was not accepted");
    return { email: data.user.email ?? email, userId: data.user.id };
  }

  /** Ends the session here (and revokes this device's refresh token); the session leaves SecretStorage. */
  async signOut(projectUrl: string, anonKey: string): Promise<void> {
    const { error } = await (await this.client(projectUrl, anonKey)).auth.signOut({ scope: "local" });
    if (error) this.log(`sign out: ${error.message} (the local session is removed anyway)`);
    await this.storage.removeItem(sessionStorageKey(projectUrl));
  }

  dispose(): void {
    for (const client of this.clients.values()) void client.then((c) => c.auth.stopAutoRefresh()).catch(() => {});
  }
}
