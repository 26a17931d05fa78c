import { fingerprint } from "../../../schema/fingerprint.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "conflicting-definition",
  defaultSeverity: "warning",
  summary: "the same object created by two files with different definitions",
  checkProject({ project, report }) {
    const { definitions } = project.schema;
    for (let i = 0; i < definitions.length; i++) {
      const definition = definitions[i];
      const earlier = definition.previous;
      // Supabase's own objects have no place; a file repeating itself is another rule's business.
      if (!earlier?.place || !definition.place || earlier.place.path === definition.place.path) continue;
      if (!earlier.node || !definition.node || fingerprint(earlier.node) === fingerprint(definition.node)) continue;
      const effect = definition.mode === "replace"
        ? "this file's version replaces it, so the result depends on which files ran"
        : "it already exists when this file runs, so this definition is silently skipped";
      report(definition.place.path, {
        at: { range: definition.place.range },
        message: `${definition.display} is already created by ${earlier.place.path} with a different definition; ${effect}`,
        help: "Keep one definition: change the object in a new migration with ALTER (or DROP and CREATE), or make both definitions identical.",
        related: [{ file: earlier.place.path, range: earlier.place.range, message: `${definition.display} first created here` }],
      });
    }
  },
};
