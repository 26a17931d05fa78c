import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "bucket-insert-without-on-conflict";

test("bucket-insert-without-on-conflict: an INSERT INTO storage.buckets without ON CONFLICT, ranged over `insert into storage.buckets`", async () => {
  const sql = "-- avatars\ninsert into storage.buckets (id, name, public)\nvalues ('avatars', 'avatars', true);\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, severity: finding.severity, message: finding.message, help: finding.help },
    {
      range: { line: 2, column: 1, endLine: 2, endColumn: 28 },
      severity: "warning",
      message: 'INSERT INTO storage.buckets without ON CONFLICT fails with "duplicate key value violates unique constraint" when ' +
        "the bucket already exists (the migration ran before, or the bucket was made in the dashboard)",
      help: "Append `on conflict (id) do nothing` (or `do update set …` to bring its settings up to date) so the migration can run again safely.",
    },
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, "-- avatars\ninsert into storage.buckets (id, name, public)\nvalues ('avatars', 'avatars', true) on conflict (id) do nothing;\n");
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("bucket-insert-without-on-conflict: the fix goes before RETURNING, in the statement's keyword case, also without a final `;`", async () => {
  const cases: Record<string, string> = {
    "INSERT INTO \"storage\".buckets (id, name) VALUES ('a', 'a') RETURNING id;":
      "INSERT INTO \"storage\".buckets (id, name) VALUES ('a', 'a') ON CONFLICT (id) DO NOTHING RETURNING id;",
    "insert into storage.buckets (id, name) select 'b', 'b'": "insert into storage.buckets (id, name) select 'b', 'b' on conflict (id) do nothing",
  };
  for (const [sql, expected] of Object.entries(cases)) {
    const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
    const fixed = applyEdits(sql, finding.fixes![0].edits!);
    assert.equal(fixed, expected);
    await lintOk(RULE, { "001_x.sql": fixed });
  }
});

test("bucket-insert-without-on-conflict: ON CONFLICT, a WHERE existence check, other tables and DO blocks are not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "insert into storage.buckets (id, name) values ('a', 'a') on conflict (id) do nothing;",
      "insert into storage.buckets (id, name, public) values ('b', 'b', true) on conflict (id) do update set public = excluded.public;",
      "insert into storage.buckets (id, name) select 'c', 'c' where not exists (select 1 from storage.buckets where id = 'c');",
      "insert into public.buckets (id) values ('d');",
      "insert into storage.objects (bucket_id, name) values ('a', 'x');",
      "update storage.buckets set public = true where id = 'a';",
      "do $$ begin insert into storage.buckets (id, name) values ('e', 'e'); exception when unique_violation then null; end $$;",
    ].join("\n"),
  });
});

test("bucket-insert-without-on-conflict: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
