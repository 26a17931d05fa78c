/**
 * Where a rule's documentation lives. The build copies each rule's README
 * (`shared/lint/rules/<id>/README.md`) to `dist/rules/<id>.md` inside the extension, so the link in a
 * diagnostic's code opens the doc of the installed version, offline.
 */
import * as vscode from "vscode";

export function ruleDocUri(extensionUri: vscode.Uri, ruleId: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, "dist", "rules", `${ruleId}.md`);
}

/** PostgreSQL's table of SQLSTATE codes: the link of an apply failure's code. */
export const SQLSTATE_DOC = vscode.Uri.parse("https://www.postgresql.org/docs/current/errcodes-appendix.html");
