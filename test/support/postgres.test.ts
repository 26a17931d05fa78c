import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "./postgres.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

test("the test server is PostgreSQL 15 on loopback and looks like Supabase to migrations", async () => {
  const url = await server.createDatabase();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ version }] = await sql`select current_setting('server_version_num')::int as version`;
    assert.ok(version >= 150000 && version < 160000, `version ${version}`);
    const [{ listen }] = await sql`select current_setting('listen_addresses') as listen`;
    assert.equal(listen, "127.0.0.1");
    const roles = await sql`select rolname from pg_roles where rolname in ('anon','authenticated','service_role') order by 1`;
    assert.deepEqual(roles.map((r) => r.rolname), ["anon", "authenticated", "service_role"]);
    const id = "6f1e1a52-7c1e-4d55-9a38-2a8a3b0c0d11";
    await sql.begin(async (tx) => {
      await tx.unsafe(`select set_config('request.jwt.claims', '{"sub":"${id}","role":"authenticated"}', true)`);
      const [{ uid }] = await tx`select auth.uid() as uid`;
      assert.equal(uid, id);
    });
    const [{ bytes }] = await sql`select length(extensions.gen_random_bytes(8)) as bytes`;
    assert.equal(bytes, 8);
    const tables = await sql`select table_schema || '.' || table_name as t from information_schema.tables
      where table_schema in ('auth','storage') order by 1`;
    assert.deepEqual(tables.map((r) => r.t), ["auth.sessions", "auth.users", "storage.buckets", "storage.objects"]);
  } finally {
    await sql.end();
  }
});
