import { compareWithApplied } from "../../../migrations/index.ts";
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
    const { drifted, missing } = compareWithApplied(applied, project.files);
    const byName = new Map(project.files.map((file) => [file.name, file]));
    for (const { name, deployedChecksum, localChecksum } of drifted) {
      const file = byName.get(name)!;
      const lineEnd = file.text.indexOf("\n");
      report(file.path, {
        at: { start: 0, end: lineEnd < 0 ? file.text.length : lineEnd },
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
