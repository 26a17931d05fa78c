/**
 * The folder where the CLI keeps what only speeds it up (compiled JavaScript): the user's cache folder,
 * never the project. Linux: `$XDG_CACHE_HOME/supamigrate` (default `~/.cache/supamigrate`); macOS:
 * `~/Library/Caches/supamigrate`; Windows: `%LOCALAPPDATA%\supamigrate\Cache`. `SUPAMIGRATE_CACHE_DIR`
 * overrides it, and setting it to an empty string turns the caching off (as does Node's
 * `NODE_DISABLE_COMPILE_CACHE`). Null: no caching.
 */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  if (env.SUPAMIGRATE_CACHE_DIR !== undefined) return env.SUPAMIGRATE_CACHE_DIR || null;
  if (platform === "win32") return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, "supamigrate", "Cache") : null;
  const home = env.HOME || safeHomedir();
  if (platform === "darwin") return home ? join(home, "Library", "Caches", "supamigrate") : null;
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, "supamigrate");
  return home ? join(home, ".cache", "supamigrate") : null;
}

function safeHomedir(): string | null {
  try {
    return homedir() || null;
  } catch {
    return null;
  }
}
