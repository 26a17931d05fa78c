import { parseMigrationName } from "../../../migrations/index.ts";
import { fingerprint } from "../../../schema/fingerprint.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "conflicting-definition",
  defaultSeverity: "warning",
  summary: "the same object created by two files with different definitions",
  checkProject({ project, report }) {
    const { definitions } = project.schema;
    let numberOf: Map<string, { value: bigint; written: string }> | null = null;
    for (let i = 0; i < definitions.length; i++) {
      const definition = definitions[i];
      const earlier = definition.previous;
      // Supabase's own objects have no place; a file repeating itself is another rule's business.
      if (!earlier?.place || !definition.place || earlier.place.path === definition.place.path) continue;
      if (!earlier.node || !definition.node || fingerprint(earlier.node) === fingerprint(definition.node)) continue;
      let effect = "it already exists when this file runs, so this definition is silently skipped";
      // OR REPLACE (a function, view or trigger) in a later-numbered migration is how a body is changed: the later
      // file is meant to win. Only two files sharing a number race (parallel work): which one is "later" is an accident.
      if (definition.mode === "replace") {
        numberOf ??= migrationNumbers(project.files);
        const number = numberOf.get(definition.place.path);
        if (!number || numberOf.get(earlier.place.path)?.value !== number.value) continue;
        effect = `this file's version replaces it, and both files are number ${number.written}: the definition that wins is the one whose file name sorts last`;
      }
      report(definition.place.path, {
        at: { range: definition.place.range },
        message: `${definition.display} is already created by ${earlier.place.path} with a different definition; ${effect}`,
        help: "Keep one definition: change the object in a new migration with ALTER (or DROP and CREATE), or make both definitions identical.",
        related: [{ file: earlier.place.path, range: earlier.place.range, message: `${definition.display} first created here` }],
      });
    }
  },
};

/** Each migration's number by path: its value (`001` and `0001` are one number, as contract order reads them) and as written. */
function migrationNumbers(files: readonly { readonly path: string; readonly name: string }[]): Map<string, { value: bigint; written: string }> {
  const numbers = new Map<string, { value: bigint; written: string }>();
  for (const file of files) {
    const parsed = parseMigrationName(file.name);
    if (parsed) numbers.set(file.path, { value: parsed.value, written: parsed.number });
  }
  return numbers;
}
