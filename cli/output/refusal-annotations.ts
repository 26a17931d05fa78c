/**
 * `--format github`: an error that stopped a command becomes `::error` workflow commands, so a CI run
 * shows it on the file (and line) it is about. A refusal the function explains per file (drift,
 * placeholders, a file that cannot run) gives one annotation per file; any other error one without a file.
 */
import { FunctionCallError } from "../../shared/client/index.ts";
import { annotation } from "./github.ts";

/** What `describeError` made of the error (code and message as printed on stderr). */
interface Described {
  readonly code: string;
  readonly message: string;
}

export function errorAnnotations(error: unknown, report: Described, dir: string | null): string[] {
  const perFile = error instanceof FunctionCallError && dir !== null ? fileAnnotations(error, folderOf(dir)) : [];
  return perFile.length > 0 ? perFile : [annotation("error", { title: report.code }, report.message)];
}

function fileAnnotations(error: FunctionCallError, folder: string): string[] {
  const details = isRecord(error.details) ? error.details : {};
  const path = (name: string, rollback = false) => `${folder}/${rollback ? "rollback/" : ""}${name}`;
  switch (error.code) {
    case "drift": {
      const drifted = list(details.drifted).filter(isRecord).filter((f) => typeof f.name === "string");
      const missing = list(details.missing).filter((name): name is string => typeof name === "string");
      return [
        ...drifted.map((f) => annotation("error", { file: path(String(f.name)), title: "drift" },
          `${f.name} was edited after it was deployed (deployed checksum ${short(f.deployedChecksum)}, local ${short(f.localChecksum)}): ` +
            "restore the deployed text and put the change in a new migration. Nothing was applied.")),
        ...missing.map((name) => annotation("error", { file: path(name), title: "drift" },
          `${name} was deployed but is missing locally: restore it; a deployed migration is never deleted or renamed. Nothing was applied.`)),
      ];
    }
    case "unresolved-placeholder":
      return list(details.unresolved).filter(isRecord).filter((p) => typeof p.name === "string" && typeof p.placeholder === "string")
        .map((p) => annotation("error", { file: path(String(p.name), p.inRollback === true), title: "unresolved-placeholder" },
          `no value for \${${p.placeholder}}: supply --set ${p.placeholder}=<value>. Nothing was applied.`));
    case "invalid-placeholder":
    case "syntax-error":
    case "explicit-transaction":
    case "non-transactional-mixed":
    case "empty-migration": {
      if (typeof details.name !== "string") return [];
      const line = typeof details.line === "number" ? details.line : undefined;
      const col = typeof details.column === "number" ? details.column : undefined;
      return [annotation("error", { file: path(details.name, details.rollback === true), line, col, title: error.code }, error.message)];
    }
    default:
      return [];
  }
}

function folderOf(dir: string): string {
  return dir.replace(/\/+$/, "");
}

function short(checksum: unknown): string {
  return typeof checksum === "string" ? checksum.slice(0, 12) : "?";
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
