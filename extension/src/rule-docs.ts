/**
 * Where a diagnostic's code links: a rule's doc page rendered on the web (shared/lint/rule-docs.ts, the
 * URL SARIF's helpUri uses too), and PostgreSQL's table of SQLSTATE codes for an apply failure.
 */
import * as vscode from "vscode";
import { ruleDocUrl } from "../../shared/lint/rule-docs.ts";

export function ruleDocUri(ruleId: string): vscode.Uri {
  return vscode.Uri.parse(ruleDocUrl(ruleId));
}

/** PostgreSQL's table of SQLSTATE codes: the link of an apply failure's code. */
export const SQLSTATE_DOC = vscode.Uri.parse("https://www.postgresql.org/docs/current/errcodes-appendix.html");
