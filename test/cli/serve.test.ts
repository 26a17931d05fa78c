// `supamigrate serve` refusals that must come before anything starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { makeProject, runCli } from "./support/cli.ts";

test("serve --port on a port already taken: exit 2, says so, and starts no database", async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as { port: number }).port;
  const cwd = makeProject({});
  try {
    const result = await runCli(["serve", "--port", String(port)], { cwd });
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      `supamigrate: port ${port} on 127.0.0.1 is already in use (another \`supamigrate serve\`?): pass another --port, or leave --port out for a free one.\n`,
    );
    assert.equal(existsSync(join(cwd, ".supamigrate")), false);
  } finally {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(cwd, { recursive: true, force: true });
  }
});
