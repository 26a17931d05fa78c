import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "syntax-error",
  defaultSeverity: "error",
  fileLocal: true,
  summary: "what the PostgreSQL parser rejects, at its exact position",
  checkFile({ file, report }) {
    for (const error of file.parsed.errors) {
      const statement = file.parsed.statements[error.statementIndex];
      // Underline from the error to the end of its line within the statement (at least one character).
      const lineEnd = file.text.indexOf("\n", error.offset);
      const end = Math.min(statement ? statement.end : file.text.length, lineEnd < 0 ? file.text.length : lineEnd);
      report({
        at: { start: error.offset, end: Math.max(end, error.offset + 1) },
        message: error.message,
        help: "Fix the statement so PostgreSQL can parse it; the other statements in the file are still checked.",
      });
    }
  },
};
