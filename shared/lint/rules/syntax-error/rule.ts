import type { Rule } from "../../types.ts";
import { bodyErrors } from "./function-body.ts";

export const rule: Rule = {
  id: "syntax-error",
  defaultSeverity: "error",
  fileLocal: true,
  summary: "what the PostgreSQL parser rejects, at its exact position, also inside function bodies and DO blocks",
  checkFile({ file, report }) {
    // Underline from the error to the end of its line within the statement (at least one character).
    const span = (offset: number, statementEnd: number) => {
      const lineEnd = file.text.indexOf("\n", offset);
      const end = Math.min(statementEnd, lineEnd < 0 ? file.text.length : lineEnd);
      return { start: offset, end: Math.max(end, offset + 1) };
    };
    for (const error of file.parsed.errors) {
      const statement = file.parsed.statements[error.statementIndex];
      report({
        at: span(error.offset, statement ? statement.end : file.text.length),
        message: error.message,
        help: "Fix the statement so PostgreSQL can parse it; the other statements in the file are still checked.",
      });
    }
    for (const { statement, error, deferred } of bodyErrors(file.parsed.statements)) {
      report({
        at: span(statement.start + error.offset, statement.end),
        message: error.message,
        help: statement.kind === "DoStmt"
          ? "PostgreSQL compiles a DO block before it runs any of it, so the migration fails here; fix the block."
          : deferred
          ? "This file turns check_function_bodies off, so CREATE FUNCTION succeeds and every call of the function fails; fix the body."
          : "PostgreSQL checks the body when CREATE FUNCTION runs (check_function_bodies is on by default), so the migration fails here; fix the body.",
      });
    }
  },
};
