import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "empty-migration",
  defaultSeverity: "error",
  fileLocal: true,
  summary: "a migration with no statement to run (empty, or only whitespace, comments or `;`), recorded as applied all the same",
  checkFile({ file, report }) {
    const { statements, errors } = file.parsed;
    // A file that does not parse (or is not text) has something in it: syntax-error reports it.
    // Rollback files are not migrations (they are `file.rollback`), so an empty one never gets here.
    if (statements.length > 0 || errors.length > 0) return;
    const firstLine = file.text.search(/\r?\n|$/);
    report({
      at: { start: 0, end: firstLine },
      message: `${file.name} has no statement to run (${contents(file.text)}): applying it would record it as applied ` +
        "without changing anything; add the migration's SQL, or delete the file if it was created by mistake",
      help: "Once applied, a migration never runs again: SQL added to it later would not run on the databases that " +
        "already recorded it (no-edit-after-deploy reports such an edit). Keep an intentionally empty migration with " +
        "`-- supamigrate-ignore empty-migration` in it.",
    });
  },
};

/** What the file holds instead of a statement, for the message. */
function contents(text: string): string {
  if (text.length === 0) return "the file is empty";
  if (text.trim().length === 0) return "only whitespace";
  // No comment can hide in a text of only `;` and whitespace.
  if (/^[\s;]*$/.test(text)) return "only `;`";
  return "only comments";
}
