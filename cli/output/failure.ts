/** A migration failure as text lines: `scripts/x.sql:3:5: error 42P07: message`, then detail and hint. */
import type { MigrationFailure } from "../../shared/protocol/types.ts";

export function failureLines(failure: MigrationFailure, path: string): string[] {
  const lines = [`${path}:${failure.line}:${failure.column}: error ${failure.code}: ${failure.message}`];
  if (failure.detail) lines.push(`detail: ${failure.detail}`);
  if (failure.hint) lines.push(`hint: ${failure.hint}`);
  return lines;
}

/** The annotation text: the message with its detail and hint. */
export function failureMessage(failure: MigrationFailure): string {
  return [failure.message, failure.detail && `detail: ${failure.detail}`, failure.hint && `hint: ${failure.hint}`]
    .filter(Boolean)
    .join("\n");
}
