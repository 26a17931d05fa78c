import { test } from "node:test";
import assert from "node:assert/strict";
import { migrationChecksum } from "../../migrations/index.ts";
import type { MigrationPayload } from "../../protocol/types.ts";
import { evaluate } from "./evaluate.ts";
import type { TrackingRow } from "../tracking/rows.ts";

const file = (name: string, sql = `-- ${name}\nselect 1;`, rollback: string | null = null): MigrationPayload => ({ name, sql, rollback });

async function row(migration: MigrationPayload, at: number, checksum?: string): Promise<TrackingRow> {
  return {
    name: migration.name,
    checksum: checksum ?? await migrationChecksum(migration.sql),
    appliedAt: new Date(at).toISOString(),
    appliedAtMicros: BigInt(at) * 1000n,
    appliedBy: null,
    durationMs: 1,
    rollbackSql: null,
    transactional: true,
    gitSha: null,
    ciRun: null,
  };
}

test("pending files in contract order up to `to`; applied, drifted, missing and out-of-order reported", async () => {
  const [a, b7, c7, d10, e19] = ["001_a.sql", "007_b.sql", "007_c.sql", "010_d.sql", "019_e.sql"].map((n) => file(n));
  const gone = file("005_gone.sql");
  const rows = [await row(a, 1), await row(gone, 2), await row(d10, 3, "f".repeat(64))];
  const result = await evaluate({ migrations: [e19, d10, c7, b7, a] }, rows);
  assert.ok(result.ok);
  assert.deepEqual(result.evaluation.plan, {
    pending: ["007_b.sql", "007_c.sql", "019_e.sql"],
    applied: ["001_a.sql"],
    drifted: [{ name: "010_d.sql", deployedChecksum: "f".repeat(64), localChecksum: await migrationChecksum(d10.sql) }],
    missing: ["005_gone.sql"],
    outOfOrder: ["007_b.sql", "007_c.sql"],
    unresolvedPlaceholders: [],
  });
  assert.deepEqual([...result.evaluation.outOfOrderBefore], [["007_b.sql", "010_d.sql"], ["007_c.sql", "010_d.sql"]]);
  const upTo = await evaluate({ migrations: [e19, d10, c7, b7, a], to: "007_b.sql" }, rows);
  assert.ok(upTo.ok);
  assert.deepEqual(upTo.evaluation.plan.pending, ["007_b.sql"]);
  const unknown = await evaluate({ migrations: [a], to: "002_x.sql" }, []);
  assert.ok(!unknown.ok);
  assert.equal(unknown.rejection.code, "unknown-target");
});

test("unresolved placeholders of pending files and their rollbacks, each reported once", async () => {
  const m = file("012_admin.sql", "select '${admin_email}', '${x}';", "select '${admin_email}', '${y}';");
  const done = file("001_done.sql", "select '${never_needed}';");
  const result = await evaluate({ migrations: [done, m], placeholders: { x: "1" } }, [await row(done, 1)]);
  assert.ok(result.ok);
  assert.deepEqual(result.evaluation.unresolved, [
    { name: "012_admin.sql", placeholder: "admin_email", inRollback: false },
    { name: "012_admin.sql", placeholder: "y", inRollback: true },
  ]);
  assert.deepEqual(result.evaluation.plan.unresolvedPlaceholders, [
    { name: "012_admin.sql", placeholder: "admin_email" },
    { name: "012_admin.sql", placeholder: "y" },
  ]);
});
