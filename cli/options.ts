/** Option parsers and checks shared by the commands that take them. */
import { InvalidArgumentError } from "commander";
import { UsageError } from "./output/errors.ts";

/** `--set name=value`, repeatable: the placeholder values, collected into one record. */
export function collectSet(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([A-Za-z0-9_]+)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError("expected name=value (name: letters, digits, underscore), e.g. --set admin_email=you@example.com.");
  return { ...previous, [match[1]]: match[2] };
}

/** `--to NAME` must name a migration of the folder. */
export function checkTarget(to: string | null, names: readonly string[], dir: string): void {
  if (to !== null && !names.includes(to)) {
    throw new UsageError(`--to ${to}: no such migration in ${dir}/ (give a file name such as ${names.at(-1) ?? "001_init.sql"}).`);
  }
}
