import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { userCacheDir } from "./cache-dir.ts";

test("Linux: $XDG_CACHE_HOME/supamigrate when it is absolute, else ~/.cache/supamigrate", () => {
  assert.equal(userCacheDir({ HOME: "/home/ada", XDG_CACHE_HOME: "/var/cache/ada" }, "linux"), join("/var/cache/ada", "supamigrate"));
  assert.equal(userCacheDir({ HOME: "/home/ada", XDG_CACHE_HOME: "relative" }, "linux"), join("/home/ada", ".cache", "supamigrate"));
  assert.equal(userCacheDir({ HOME: "/home/ada" }, "linux"), join("/home/ada", ".cache", "supamigrate"));
});

test("macOS: ~/Library/Caches/supamigrate; Windows: %LOCALAPPDATA%\\supamigrate\\Cache, none without it", () => {
  assert.equal(userCacheDir({ HOME: "/Users/ada", XDG_CACHE_HOME: "/x" }, "darwin"), join("/Users/ada", "Library", "Caches", "supamigrate"));
  assert.equal(userCacheDir({ LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }, "win32"), join("C:\\Users\\ada\\AppData\\Local", "supamigrate", "Cache"));
  assert.equal(userCacheDir({}, "win32"), null);
});

test("SUPAMIGRATE_CACHE_DIR overrides it, empty turns caching off, and so does NODE_DISABLE_COMPILE_CACHE", () => {
  assert.equal(userCacheDir({ HOME: "/home/ada", SUPAMIGRATE_CACHE_DIR: "/tmp/sm" }, "linux"), "/tmp/sm");
  assert.equal(userCacheDir({ HOME: "/home/ada", SUPAMIGRATE_CACHE_DIR: "" }, "linux"), null);
  assert.equal(userCacheDir({ HOME: "/home/ada", NODE_DISABLE_COMPILE_CACHE: "1" }, "linux"), null);
});
