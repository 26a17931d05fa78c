/**
 * A run's warnings as people see them (the CLI's text output, the extension's notifications): a warning
 * that a resumed call, or the next call of a batch, repeats — the same code for the same file, e.g.
 * far-from-database once per call — is shown once.
 */
import type { ApplyEvent } from "../protocol/types.ts";

/**
 * A test that is true for every event but a warning already seen (same code, same file). A rollback round
 * trip's findings (one per object its rollback leaves behind) differ by their object.
 */
export function firstOfEachWarning(): (event: ApplyEvent) => boolean {
  const seen = new Set<string>();
  return (event) => {
    if (event.event !== "warning") return true;
    const key = `${event.code}\u0000${event.name ?? ""}\u0000${event.file ?? ""}\u0000${event.difference?.object ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}
