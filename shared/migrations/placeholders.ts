/**
 * Placeholders: `${name}` (letters, digits, underscore) in a migration, replaced before the file runs
 * with a value from the apply request's `placeholders` (CLI: `--set name=value`). The checksum is of
 * the file as written. Values are substituted as raw text: quote them in the SQL (`'${admin_email}'`).
 */

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** One use of a placeholder in a file; offsets are UTF-16 code units into the text. */
export interface PlaceholderUse {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Every use of a placeholder, in text order. */
export function findPlaceholders(text: string): PlaceholderUse[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1], start: m.index!, end: m.index! + m[0].length }));
}

/** The distinct placeholder names a file uses, sorted. */
export function placeholderNames(text: string): string[] {
  return [...new Set(findPlaceholders(text).map((use) => use.name))].sort();
}

/** Names a file uses that have no value in `values`. */
export function missingPlaceholders(text: string, values: Readonly<Record<string, string>>): string[] {
  return placeholderNames(text).filter((name) => !Object.hasOwn(values, name));
}

/**
 * Replaces every placeholder with its value. Throws nothing: a placeholder without a value is left
 * as written, so callers check `missingPlaceholders` first and report it as data.
 */
export function substitutePlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => Object.hasOwn(values, name) ? values[name] : whole);
}

/**
 * What could end the quoting a placeholder sits in, or the statement: a string literal's `'` (or `\`
 * before it), a quoted identifier's `"`, a dollar-quote tag (`$$`, `$q$`: any `$tag$` could close the
 * body it is in), `;`, a line break (ends a `--` comment) and NUL.
 */
const UNSAFE_IN_VALUE = /['"\\;\u0000\r\n]|\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * A placeholder value lands in SQL as raw text, so a value that could end a string literal, a quoted
 * identifier, a dollar-quoted body or a statement is refused rather than trusted. Returns the reason,
 * or null when the value is safe.
 */
export function unsafePlaceholderValue(value: string): string | null {
  if (value.length > 1000) return "is longer than 1000 characters";
  const bad = UNSAFE_IN_VALUE.exec(value);
  return bad ? `contains ${JSON.stringify(bad[0])}, which could change the SQL around it` : null;
}
