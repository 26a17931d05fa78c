import { test } from "node:test";
import assert from "node:assert/strict";
import { type DirectoryEntry, type ProjectFileSystem, readListing, resolveProject } from "./index.ts";

/** An in-memory file system: path → bytes or text; folders are implied by the paths. */
function memoryFs(files: Record<string, string | Uint8Array>): ProjectFileSystem {
  const bytes = (v: string | Uint8Array) => (typeof v === "string" ? new TextEncoder().encode(v) : v);
  return {
    readFile: async (path) => (Object.hasOwn(files, path) ? bytes(files[path]) : null),
    readDirectory: async (path) => {
      const prefix = `${path.replace(/\/+$/, "")}/`;
      const names = new Map<string, DirectoryEntry["kind"]>();
      for (const key of Object.keys(files)) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf("/");
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? "file" : "directory");
      }
      return names.size ? [...names].map(([name, kind]) => ({ name, kind })) : null;
    },
  };
}

test("project: supamigrate.json is found walking up; its migrationsDir is relative to the file; --dir wins", async () => {
  const fs = memoryFs({ "/p/supamigrate.json": '{"migrationsDir": "db/migrations", "rules": {"duplicate-number": "off"}}', "/p/db/migrations/001_a.sql": "select 1;" });
  const found = await resolveProject(fs, "/p/app/src");
  assert.deepEqual(found, { ok: true, project: { configPath: "/p/supamigrate.json", migrationsDir: "/p/db/migrations", dirSource: "config", rules: { "duplicate-number": "off" }, targets: {} } });
  const flagged = await resolveProject(fs, "/p/app", { migrationsDir: "other" });
  assert.ok(flagged.ok && flagged.project.migrationsDir === "/p/app/other" && flagged.project.dirSource === "override");
});

test("project: with no file, scripts/ is detected, else supabase/migrations/, else scripts/ is the default", async () => {
  const dirOf = async (files: Record<string, string>) => {
    const result = await resolveProject(memoryFs(files), "/p");
    return result.ok ? [result.project.migrationsDir, result.project.dirSource] : result.errors;
  };
  assert.deepEqual(await dirOf({ "/p/scripts/001_a.sql": "" , "/p/supabase/migrations/20240101000000_a.sql": "" }), ["/p/scripts", "detected"]);
  assert.deepEqual(await dirOf({ "/p/supabase/migrations/20240101000000_a.sql": "" }), ["/p/supabase/migrations", "detected"]);
  assert.deepEqual(await dirOf({}), ["/p/scripts", "default"]);
});

test("project: a config file with an unknown rule is an error that names the file", async () => {
  const result = await resolveProject(memoryFs({ "/p/supamigrate.json": '{"rules": {"no-such-rule": "off"}}' }), "/p");
  assert.ok(!result.ok);
  assert.match(result.errors[0], /^supamigrate\.json: unknown rule id "no-such-rule"/);
});

test("listing: .sql files of the folder and rollback/ in name order, strictly decoded; the rest listed as ignored", async () => {
  const fs = memoryFs({
    "/p/s/002_b.sql": "select 2;",
    "/p/s/001_a.sql": new Uint8Array([0x73, 0x65, 0x6c, 0xff]),
    "/p/s/README.md": "",
    "/p/s/rollback/002_b.sql": "select 0;",
    "/p/s/notes/x.sql": "",
  });
  const listing = await readListing(fs, "/p/s");
  assert.ok(listing);
  assert.deepEqual(listing.listing.map((f) => [f.relativePath, f.decodeError === null]), [["001_a.sql", false], ["002_b.sql", true], ["rollback/002_b.sql", true]]);
  assert.deepEqual(listing.ignored, ["README.md", "notes"]);
  assert.match(listing.undecodable[0], /^001_a\.sql: the file is not valid UTF-8 text \(first bad byte at offset 3\)/);
  assert.equal(await readListing(fs, "/p/none"), null);
});
