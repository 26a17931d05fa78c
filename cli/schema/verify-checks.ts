/**
 * The checks `verify` runs on request beside its drift check: `--rollbacks` (verify-rollbacks.ts) and
 * `--schema` (verify-schema.ts), in every output format.
 */
import type { FunctionClient } from "../../shared/client/index.ts";
import type { OutputFormat } from "../output/progress.ts";
import { readFolderOrFail } from "../project.ts";

export interface VerifyCheckFlags {
  readonly rollbacks: boolean;
  readonly schema: boolean;
  /** Placeholder values (`--set`) for the dry run and the shadow. */
  readonly set: Readonly<Record<string, string>>;
  readonly format: OutputFormat;
  /** The folder drifted from what was deployed: the function refuses a dry run, so --rollbacks is not tried. */
  readonly drifted: boolean;
}

export interface VerifyChecks {
  readonly ok: boolean;
  /** text and github: lines after verify's own. */
  readonly lines: readonly string[];
  /** json: members of verify's object (`rollbacks`, `schema`), each with its `ok`. */
  readonly json: Readonly<Record<string, { readonly ok: boolean }>>;
}

export async function runVerifyChecks(client: FunctionClient, dir: string, flags: VerifyCheckFlags): Promise<VerifyChecks> {
  if (!flags.rollbacks && !flags.schema) return { ok: true, lines: [], json: {} };
  const folder = await readFolderOrFail(dir);
  const lines: string[] = [];
  const json: Record<string, { readonly ok: boolean }> = {};
  let ok = true;
  if (flags.rollbacks && flags.drifted) {
    ok = false;
    json.rollbacks = { ok: false, skipped: "drift" } as { ok: boolean };
    lines.push("Rollback check not run: the function refuses a dry run while deployed files drifted (see above).");
  } else if (flags.rollbacks) {
    const { checkRollbacks, rollbackAnnotations, rollbackLines } = await import("./verify-rollbacks.ts");
    const check = await checkRollbacks(client, folder, flags.set);
    ok &&= check.ok;
    json.rollbacks = check;
    lines.push(...rollbackLines(check, dir), ...(flags.format === "github" ? rollbackAnnotations(check, dir) : []));
  }
  if (flags.schema) {
    const { checkSchema, schemaAnnotations, schemaJson, schemaLines } = await import("./verify-schema.ts");
    const check = await checkSchema(client, folder, flags.set);
    ok &&= check.ok;
    json.schema = schemaJson(check) as { ok: boolean };
    lines.push(...schemaLines(check, dir), ...(flags.format === "github" ? schemaAnnotations(check) : []));
  }
  return { ok, lines, json };
}
