/**
 * `npm start`: the whole loop on this machine, with nothing to set up. Starts the function on the
 * embedded database (.supamigrate/pglite/), lints scripts/ (warnings are shown, errors stop it),
 * applies scripts/ through the function, prints the status table, stops the function and says what
 * to do next (serve, --db-url, init in your own project). A second run finds nothing pending.
 *
 * 012_create_admin_user.sql needs an existing Auth user for ${admin_email}: on a real project you
 * create it in the Auth dashboard; here the embedded database gets a demo user `admin@studley.local`
 * (inserted by serve's seed SQL before the function starts; the embedded database only, never a real one) and the apply
 * passes `--set admin_email=admin@studley.local`.
 */
import { createClient } from "../shared/client/index.ts";
import { lintProject } from "../shared/lint/engine.ts";
import { formatSummary, formatText } from "../shared/lint/format/text.ts";
import { apply } from "./commands/apply.ts";
import { status } from "./commands/status.ts";
import { runMeta } from "./meta.ts";
import { nodeFetch } from "./node-fetch.ts";
import { openProject, readListingOrFail } from "./project.ts";
import { reportError } from "./output/errors.ts";
import { statusLines } from "./output/status-table.ts";
import { DEFAULT_PGLITE_DIR, startServe } from "./serve/index.ts";

const DEMO_ADMIN_EMAIL = "admin@studley.local";
const placeholders = { admin_email: DEMO_ADMIN_EMAIL };
/** The demo Auth user 012_create_admin_user.sql looks for, in the embedded database only. */
const DEMO_ADMIN_SQL = `
  insert into auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data)
  values ('00000000-0000-4000-8000-00000000a0a0', 'authenticated', 'authenticated', '${DEMO_ADMIN_EMAIL}', now(), '{}'::jsonb)
  on conflict (id) do nothing`;

process.exitCode = await main();

/** What to do after a run that worked: keep a function running, point at a real database, use it in your own project. */
function nextSteps(dir: string): string[] {
  return [
    "",
    "Next:",
    "- Keep the function running: npx supamigrate serve (prints url: and token:), then apply with SUPAMIGRATE_URL and " +
    "SUPAMIGRATE_TOKEN set, or from VS Code.",
    `- Apply ${dir}/ to a database of your own, directly: npx supamigrate apply --db-url postgres://… (a Supabase project ` +
    "or branch; plain PostgreSQL first needs supabase/local/supabase-bootstrap.sql).",
    "- In your own project: npm install -D supamigrate, then npx supamigrate init (the Edge Function and supamigrate.json); " +
    "docs/deploy.md and docs/ci.md take it from there.",
  ];
}

async function main(): Promise<number> {
  const { dir } = await openProject();
  console.log(`Linting ${dir}/ …`);
  const { files, findings } = await lintProject({ dir, listing: (await readListingOrFail(dir)).listing, placeholders });
  process.stdout.write(formatText(findings));
  console.log(formatSummary(findings, files));
  if (findings.some((f) => f.severity === "error")) {
    console.log("Fix the errors above, then run npm start again (nothing was applied).");
    return 1;
  }

  console.log(`\nStarting the function on the embedded database (${DEFAULT_PGLITE_DIR}/; the first start takes a few seconds) …`);
  const serve = await startServe({ embeddedSeedSql: DEMO_ADMIN_SQL });
  try {
    const client = createClient({ url: serve.url, token: serve.token, fetch: nodeFetch });
    console.log(`Applying ${dir}/ through ${serve.url} (--set admin_email=${DEMO_ADMIN_EMAIL}) …`);
    const code = await apply(client, {
      dir, dryRun: false, to: null, placeholders, meta: runMeta(), format: "text", stream: process.stdout,
    });
    console.log("\nStatus:");
    const result = await status(client, dir);
    for (const line of statusLines(result.status, result.local, dir)) console.log(line);
    if (code === 0) for (const line of nextSteps(dir)) console.log(line);
    return code;
  } catch (error) {
    return reportError("start", error, false);
  } finally {
    await serve.stop();
  }
}
