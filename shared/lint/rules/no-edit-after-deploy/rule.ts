import { compareWithApplied, normalizeForChecksum } from "../../../migrations/index.ts";
import type { Range } from "../../types.ts";
import type { Rule } from "../../types.ts";

const TOP = { range: { line: 1, column: 1, endLine: 1, endColumn: 1 } };

export const rule: Rule = {
  id: "no-edit-after-deploy",
  defaultSeverity: "error",
  summary: "file content differs from the checksum recorded when it was deployed; a deployed file deleted locally",
  checkProject({ project, report }) {
    const recorded = project.applied;
    if (!recorded) return; // applied state unknown: nothing to compare with
    const applied = [...recorded].map(([name, checksum]) => ({ name, checksum }));
    // With deployed state known, the engine checksums every file (engine.ts, buildProject).
    const local = project.files.map((file) => ({ name: file.name, checksum: file.checksum ?? "" }));
    const { drifted, missing } = compareWithApplied(applied, local);
    const byName = new Map(project.files.map((file) => [file.name, file]));
    for (const { name, deployedChecksum, localChecksum } of drifted) {
      const file = byName.get(name)!;
      const deployedText = project.deployedSql?.get(name);
      const lineEnd = file.text.indexOf("\n");
      report(file.path, {
        // At the first line that differs from the deployed text when it is known, else on line 1.
        at: deployedText === undefined ? { start: 0, end: lineEnd < 0 ? file.text.length : lineEnd } : { range: firstChangedLine(deployedText, file.text) },
        message: `${name} was edited after it was deployed (deployed checksum ${deployedChecksum.slice(0, 12)}, local ${localChecksum.slice(0, 12)}); ` +
          "restore the deployed version and put the change in a new migration",
        help: "A deployed migration never runs again, so edits to it never reach the database; apply refuses drifted files.",
      });
    }
    const prefix = project.dir.replace(/\/+$/, "");
    for (const name of [...missing].sort()) {
      report(prefix ? `${prefix}/${name}` : name, {
        at: TOP,
        message: `${name} is deployed but missing from ${prefix || "the migrations folder"}; restore the file as it was deployed`,
        help: "Deleting or renaming a deployed migration makes the folder disagree with the database; undo a change with a new migration instead.",
      });
    }
  },
};

/**
 * The whole first line of `local` that differs from `deployed` (compared as the checksum reads them: BOM
 * removed, CRLF as LF). When `local` only lost lines at its end, its last line.
 */
export function firstChangedLine(deployed: string, local: string): Range {
  const before = normalizeForChecksum(deployed).split("\n");
  const after = normalizeForChecksum(local).split("\n");
  let at = 0;
  while (at < before.length && at < after.length && before[at] === after[at]) at++;
  at = Math.min(at, after.length - 1);
  return { line: at + 1, column: 1, endLine: at + 1, endColumn: after[at].length + 1 };
}
