/**
 * Errors inside function bodies and DO blocks. PostgreSQL compiles a `language plpgsql` body (and parses a
 * `language sql` one) when CREATE FUNCTION runs, and a DO block before running it, so an error there fails
 * the migration although the statement around it parses. PL/pgSQL is checked with libpg-query's PL/pgSQL
 * parser (it takes the whole statement), SQL with the SQL parser (a `BEGIN ATOMIC` or `RETURN` body is
 * part of the statement and was parsed with it).
 *
 * Placeholders (`${name}`) are replaced by a same-length identifier before parsing, and an error in a
 * `;`-delimited part of the body that holds a placeholder is not reported: its value is unknown.
 *
 * Speed: results are cached by statement text (the editor re-lints on every keystroke), and the PL/pgSQL
 * bodies not yet cached are compiled together, several statements per parser call (plpgsql.ts, which
 * shares the compiles with require-if-not-exists); only a call that fails is redone statement by statement.
 */
import { findPlaceholders } from "../../../migrations/index.ts";
import { offsetOfCodePoint, type ParsedStatement, TextIndex } from "../../../sql/index.ts";
import { type AstNode, nodeFields, qualifiedName } from "../../../sql/names.ts";
import { parsePlpgsqlText, parseStatementText } from "../../../sql/parser.ts";
import { compilePlpgsql, preparePlpgsql } from "../../../sql/plpgsql.ts";
import { TextCache } from "../../../sql/text-cache.ts";
import { displayKey } from "../../../schema/names.ts";
import { type BodyLiteral, bodyLiteral } from "./body-literal.ts";
import { plpgsqlErrorOffset } from "./plpgsql-position.ts";

/** An error in a statement's body: the finding's message and its UTF-16 offset into the statement's text. */
export interface BodyError {
  readonly offset: number;
  readonly message: string;
}

interface Body {
  readonly language: "plpgsql" | "sql";
  /** For messages: `function public.f`, `procedure public.p`, `DO block`. */
  readonly owner: string;
  /** The body's value (quotes undone). */
  readonly value: string;
  /** UTF-8 byte offset in the statement's text from which its literal is searched (AS, or the literal itself). */
  readonly fromByte: number;
}

/** Checked statements by text: the body's error, or null. */
const checked = new TextCache<BodyError | null>(4096);

/** A statement's body error; `deferred` when the file turned check_function_bodies off before it (the function then fails when called). */
export interface FoundBodyError {
  readonly statement: ParsedStatement;
  readonly error: BodyError;
  readonly deferred: boolean;
}

/** The body errors of a file's statements, in statement order. */
export function bodyErrors(statements: readonly ParsedStatement[]): FoundBodyError[] {
  const found: FoundBodyError[] = [];
  const compile: string[] = [];
  const bodies: Array<[ParsedStatement, Body, boolean]> = [];
  let checking = true;
  for (const statement of statements) {
    checking = checkFunctionBodies(statement, checking);
    const body = bodyOf(statement);
    if (!body) continue;
    bodies.push([statement, body, !checking && body.owner !== "DO block"]);
    if (body.language === "plpgsql" && !checked.has(statement.text)) compile.push(neutralized(statement.text));
  }
  preparePlpgsql(compile);
  for (const [statement, body, deferred] of bodies) {
    const error = checked.get(statement.text, () => check(statement.text, body));
    if (error) found.push({ statement, error, deferred });
  }
  return found;
}

const SET_CONFIG = /\bset_config\s*\(\s*'check_function_bodies'\s*,\s*'([^']*)'/i;

/**
 * Whether check_function_bodies is on after `statement` (`on` before it): `SET [LOCAL] check_function_bodies`
 * (RESET and DEFAULT turn it back on) or `set_config('check_function_bodies', …)`, as `supabase db dump` writes.
 */
function checkFunctionBodies(statement: ParsedStatement, on: boolean): boolean {
  const set = nodeFields(statement.node, "VariableSetStmt");
  if (set?.name === "check_function_bodies") {
    if (set.kind !== "VAR_SET_VALUE" || !Array.isArray(set.args)) return true;
    const value = (set.args[0] as { A_Const?: { sval?: { sval?: unknown }; ival?: { ival?: unknown } } } | null)?.A_Const;
    if (typeof value?.sval?.sval === "string") return isOn(value.sval.sval);
    // An integer: the parser leaves out a zero value (`{ ival: {} }`).
    if (value?.ival) return (value.ival.ival ?? 0) !== 0;
    return true;
  }
  if (statement.kind === "SelectStmt" && statement.text.includes("check_function_bodies")) {
    const match = SET_CONFIG.exec(statement.text);
    if (match) return isOn(match[1]);
  }
  return on;
}

/** PostgreSQL's boolean reading of a setting's value (an unreadable value leaves the check on). */
function isOn(value: string): boolean {
  return !/^(?:f|fa|fal|fals|false|n|no|of|off|0)$/i.test(value.trim());
}

/** The statement's body to check, or null (another statement, another language, a body that is part of the statement). */
function bodyOf(statement: ParsedStatement): Body | null {
  if (statement.kind === "DoStmt") {
    const args = definitions(nodeFields(statement.node, "DoStmt")?.args);
    const language = stringOf(args.get("language")?.arg) ?? "plpgsql";
    const as = args.get("as");
    const value = stringOf(as?.arg);
    if (language !== "plpgsql" || value === null) return null;
    return { language, owner: "DO block", value, fromByte: byteOf(as!.location) };
  }
  if (statement.kind === "CreateFunctionStmt") {
    const fields = nodeFields(statement.node, "CreateFunctionStmt")!;
    const options = definitions(fields.options);
    const language = stringOf(options.get("language")?.arg);
    const as = options.get("as");
    const items = nodeFields(as?.arg, "List")?.items;
    if ((language !== "plpgsql" && language !== "sql") || !Array.isArray(items) || items.length !== 1) return null;
    const value = stringOf(items[0]);
    if (value === null) return null;
    const { schema, name } = qualifiedName(fields.funcname);
    const owner = `${fields.is_procedure ? "procedure" : "function"} ${displayKey(`${schema}.${name}`)}`;
    return { language, owner, value, fromByte: byteOf(as!.location) };
  }
  return null;
}

/** A statement's DefElem list by name. */
function definitions(list: unknown): Map<string, AstNode> {
  const byName = new Map<string, AstNode>();
  if (Array.isArray(list)) {
    for (const item of list) {
      const def = nodeFields(item, "DefElem");
      if (def && typeof def.defname === "string") byName.set(def.defname, def);
    }
  }
  return byName;
}

function stringOf(node: unknown): string | null {
  const value = nodeFields(node, "String")?.sval;
  return typeof value === "string" ? value : null;
}

function byteOf(location: unknown): number {
  return typeof location === "number" && location > 0 ? location : 0;
}

/** Checks one statement's body on its own. */
function check(text: string, body: Body): BodyError | null {
  const statement = neutralized(text);
  const value = neutralized(body.value);
  let message: string;
  let at: (literal: BodyLiteral) => number;
  if (body.language === "plpgsql") {
    const result = compilePlpgsql(statement);
    if ("functions" in result) return null;
    message = result.rejection.message;
    at = (literal) => {
      const tag = dollarTag(statement);
      const probe = (candidate: string) => {
        const parsed = parsePlpgsqlText(statement.slice(0, literal.start) + tag + candidate + tag + statement.slice(literal.end));
        return "rejection" in parsed ? parsed.rejection.message : null;
      };
      // The body is requoted with a dollar tag to try prefixes of it: it must fail as the statement did.
      return probe(value) === message ? plpgsqlErrorOffset(value, message, probe) : -1;
    };
  } else {
    if (value.trim() === "") return null;
    const result = parseStatementText(value);
    if ("stmts" in result) return null;
    message = result.rejection.message;
    const cursor = result.rejection.cursor;
    at = () => cursor === null ? 0 : Math.min(value.length, offsetOfCodePoint(value, cursor));
  }
  const from = new TextIndex(statement).offsetOfByte(body.fromByte);
  const literal = bodyLiteral(statement, from, value);
  const bodyOffset = literal ? at(literal) : -1;
  // A placeholder's value is unknown: so is whether an error next to it (or at an unknown place) is real.
  if (body.value.includes("${") && (bodyOffset < 0 || nearPlaceholder(body.value, bodyOffset))) return null;
  const offset = !literal ? from : bodyOffset < 0 ? literal.start : literal.offsetOf(bodyOffset);
  const where = body.owner === "DO block" ? "the DO block" : `the body of ${body.owner}`;
  return { offset, message: `syntax error in ${where}: ${message}` };
}

/** The text with each placeholder replaced by an identifier of the same length (`${a}` → `____`). */
function neutralized(text: string): string {
  if (!text.includes("${")) return text;
  let out = "";
  let last = 0;
  for (const use of findPlaceholders(text)) {
    out += text.slice(last, use.start) + "_".repeat(use.end - use.start);
    last = use.end;
  }
  return out + text.slice(last);
}

/** True when the `;`-delimited part of the body around `offset` holds a placeholder (its value could be the error, or fix it). */
function nearPlaceholder(body: string, offset: number): boolean {
  const from = body.lastIndexOf(";", offset - 1) + 1;
  const next = body.indexOf(";", offset);
  const to = next < 0 ? body.length : next;
  return findPlaceholders(body).some((use) => use.end > from && use.start < to);
}

/** A dollar-quote tag that does not occur in `text`. */
function dollarTag(text: string): string {
  let tag = "$supamigrate$";
  for (let n = 1; text.includes(tag); n++) tag = `$supamigrate${n}$`;
  return tag;
}
