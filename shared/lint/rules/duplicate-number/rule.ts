import { duplicateNumberGroups, parseMigrationName } from "../../../migrations/index.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "duplicate-number",
  defaultSeverity: "info",
  summary: "two files share a number (both run, in this order)",
  checkProject({ project, report }) {
    const pathOf = new Map(project.files.map((f) => [f.name, f.path]));
    for (const group of duplicateNumberGroups(project.files.map((f) => f.name))) {
      const number = parseMigrationName(group[0])!.number;
      const message = `${number} is shared by ${group.length} files; ${group.length === 2 ? "both" : "all"} run, in this order: ${group.join(", then ")}`;
      for (const name of group) {
        report(pathOf.get(name)!, {
          at: { range: { line: 1, column: 1, endLine: 1, endColumn: 1 } },
          message,
          help: "Nothing to fix if the order is right; give the next migration a fresh number so the order stays obvious.",
        });
      }
    }
  },
};
