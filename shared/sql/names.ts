/**
 * Names and kinds from libpg-query parse trees. The parser has already applied PostgreSQL's
 * identifier rules to AST names (unquoted identifiers are folded to lower case, quoted ones kept as
 * written), so names taken from the tree compare with `===`; text taken from tokens goes through
 * `foldIdentifier` first. Unqualified names resolve to `public` (Supabase's default search_path).
 */
import { type AstNode, isRecord, nodeFields, nodeKind } from "./ast.ts";
import { scanTokens } from "./parser.ts";
import { TextIndex } from "./positions.ts";
import { TextCache } from "./text-cache.ts";

export { type AstNode, nodeFields, nodeKind } from "./ast.ts";

/** A schema-qualified name (schema defaults to `public`). */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** The schema unqualified names resolve to. */
export const DEFAULT_SCHEMA = "public";

/** The name of a RangeVar (`{ schemaname?, relname }`, bare or wrapped as `{ RangeVar: … }`). */
export function relationName(rangeVar: unknown): QualifiedName {
  const fields = rangeFields(rangeVar);
  const schema = typeof fields.schemaname === "string" && fields.schemaname !== "" ? fields.schemaname : DEFAULT_SCHEMA;
  return { schema, name: typeof fields.relname === "string" ? fields.relname : "" };
}

/** A RangeVar's fields, bare or wrapped as `{ RangeVar: … }` ({} for anything else). */
function rangeFields(rangeVar: unknown): AstNode {
  if (!isRecord(rangeVar)) return {};
  return nodeFields(rangeVar, "RangeVar") ?? rangeVar;
}

/** The strings of a name list: `[{ String: { sval } }, …]` (also accepts `{ List: { items } }`). */
export function nameList(names: unknown): string[] {
  const items = Array.isArray(names) ? names : nodeFields(names, "List")?.items;
  const strings: string[] = [];
  if (!Array.isArray(items)) return strings;
  for (let i = 0; i < items.length; i++) {
    // Read directly: on a parse tree this equals nodeFields(item, "String")?.sval, and it runs for every name.
    const value = (items[i] as { String?: { sval?: unknown } } | null)?.String?.sval;
    if (typeof value === "string") strings.push(value);
  }
  return strings;
}

/**
 * The qualified name of a name list such as CreateFunctionStmt's `funcname` or a type's `names`:
 * the last item is the name, the one before it the schema (a catalog before that is ignored).
 */
export function qualifiedName(names: unknown): QualifiedName {
  return qualifiedParts(nameList(names));
}

/** The qualified name of a name list's strings (`["public", "mood"]`, `["mood"]`). */
function qualifiedParts(parts: readonly string[], end = parts.length): QualifiedName {
  const name = end > 0 ? parts[end - 1] : "";
  const schema = end > 1 ? parts[end - 2] : DEFAULT_SCHEMA;
  return { schema, name };
}

/** True when two qualified names denote the same object (`public.x` = `x`). */
export function sameRelation(a: QualifiedName, b: QualifiedName): boolean {
  return a.schema === b.schema && a.name === b.name;
}

/**
 * An identifier as SQL text: bare when PostgreSQL would read it back unchanged (lower case letters,
 * digits, `_`, `$`, not starting with a digit or `$`, and not a keyword other than an unreserved
 * one, as `quote_ident` does), otherwise double-quoted with inner quotes doubled.
 */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !isNonUnreservedKeyword(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.name` with each part quoted as needed. */
export function formatQualified(name: QualifiedName): string {
  // `public`, the usual schema, is no keyword and needs no quotes: skip the check (object keys format every name).
  const schema = name.schema === DEFAULT_SCHEMA ? DEFAULT_SCHEMA : quoteIdent(name.schema);
  return `${schema}.${quoteIdent(name.name)}`;
}

/** A RangeVar as SQL, qualified only when the source qualified it (`public.users`, `users`). */
export function relationSql(rangeVar: unknown): string {
  const fields = rangeFields(rangeVar);
  const name = quoteIdent(typeof fields.relname === "string" ? fields.relname : "");
  return typeof fields.schemaname === "string" && fields.schemaname !== "" ? `${quoteIdent(fields.schemaname)}.${name}` : name;
}

/** A name list as SQL, qualified only when the source qualified it. */
export function nameListSql(names: unknown): string {
  return nameList(names).map(quoteIdent).join(".");
}

/**
 * An identifier token's text as PostgreSQL reads it: `"Quoted"` → `Quoted` (with `""` → `"`),
 * unquoted → ASCII lower case (PostgreSQL folds only A–Z in multi-byte encodings such as UTF-8).
 */
export function foldIdentifier(word: string): string {
  if (word.length >= 2 && word.startsWith('"') && word.endsWith('"')) return word.slice(1, -1).replaceAll('""', '"');
  return word.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** True for a temporary relation (`create temp table …`): it vanishes with the session. */
export function isTemporary(rangeVar: unknown): boolean {
  const fields = rangeFields(rangeVar);
  return fields.relpersistence === "t";
}

/**
 * A key naming one database object across statements: `table:public.users`, `function:public.f`
 * (overloads share a key), `policy:public.users:Own rows` (policies and triggers belong to a table),
 * `schema:private`. Kinds: table, foreign table, materialized view, sequence, index, view, schema,
 * extension, function (also procedures), trigger, policy, type, domain.
 */
export function objectKey(kind: string, name: QualifiedName | string, table?: QualifiedName): string {
  const named = typeof name === "string" ? name : formatQualified(name);
  return table ? `${kind}:${formatQualified(table)}:${named}` : `${kind}:${named}`;
}

/** The keys of the objects a CREATE statement makes (none for other statements or an unnamed index). */
export function createdObjectKeys(node: unknown): string[] {
  const kind = nodeKind(node);
  const f = kind ? nodeFields(node, kind) ?? {} : {};
  switch (kind) {
    case "CreateStmt":
      return [objectKey("table", relationName(f.relation))];
    case "CreateForeignTableStmt":
      return [objectKey("foreign table", relationName((f.base as AstNode | undefined)?.relation))];
    case "CreateTableAsStmt": {
      const rel = (f.into as AstNode | undefined)?.rel;
      return [objectKey(f.objtype === "OBJECT_MATVIEW" ? "materialized view" : "table", relationName(rel))];
    }
    case "CreateSeqStmt":
      return [objectKey("sequence", relationName(f.sequence))];
    case "IndexStmt":
      return typeof f.idxname === "string" ? [objectKey("index", { schema: relationName(f.relation).schema, name: f.idxname })] : [];
    case "ViewStmt":
      return [objectKey("view", relationName(f.view))];
    case "CreateSchemaStmt":
      return typeof f.schemaname === "string" ? [objectKey("schema", f.schemaname)] : [];
    case "CreateExtensionStmt":
      return [objectKey("extension", String(f.extname))];
    case "CreateFunctionStmt":
      return [objectKey("function", qualifiedName(f.funcname))];
    case "CreateTrigStmt":
      return [objectKey("trigger", String(f.trigname), relationName(f.relation))];
    case "CreatePolicyStmt":
      return [objectKey("policy", String(f.policy_name), relationName(f.table))];
    case "CreateEnumStmt":
    case "CreateRangeStmt":
      return [objectKey("type", qualifiedName(f.typeName))];
    case "CompositeTypeStmt":
      return [objectKey("type", relationName(f.typevar))];
    case "DefineStmt":
      return f.kind === "OBJECT_TYPE" ? [objectKey("type", qualifiedName(f.defnames))] : [];
    case "CreateDomainStmt":
      return [objectKey("domain", qualifiedName(f.domainname))];
    default:
      return [];
  }
}

/** What a DROP statement removes: the object kind (as `objectKey` names it) and the objects' keys. */
export interface DroppedObjects {
  /** e.g. `table`, `policy`; the raw `removeType` (`OBJECT_RULE`) for kinds without a key name. */
  readonly kind: string;
  readonly keys: readonly string[];
  /** The objects as SQL, for messages: `public.users`, `"Own rows" on public.users`, `private`. */
  readonly names: readonly string[];
  /** True for DROP … IF EXISTS. */
  readonly ifExists: boolean;
}

const DROP_KINDS: Readonly<Record<string, string>> = {
  OBJECT_TABLE: "table",
  OBJECT_FOREIGN_TABLE: "foreign table",
  OBJECT_MATVIEW: "materialized view",
  OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index",
  OBJECT_VIEW: "view",
  OBJECT_SCHEMA: "schema",
  OBJECT_EXTENSION: "extension",
  OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "function",
  OBJECT_ROUTINE: "function",
  OBJECT_TRIGGER: "trigger",
  OBJECT_POLICY: "policy",
  OBJECT_TYPE: "type",
  OBJECT_DOMAIN: "domain",
};

/** The object kind (as `objectKey` names it) a DropStmt's `removeType` drops, or undefined for kinds without a key name. */
export function dropKind(drop: AstNode): string | undefined {
  return DROP_KINDS[String(drop.removeType)];
}

/**
 * The name a DROP of `kind` objects (from `dropKind`) gives one of them. Schemas, extensions, policies
 * and triggers have a bare name (`name.name`; `schema` is ""); a policy's or trigger's table is `table`.
 */
export function droppedName(kind: string, object: unknown): { readonly name: QualifiedName; readonly table: QualifiedName | null } {
  if (kind === "schema" || kind === "extension") return { name: { schema: "", name: String(nodeFields(object, "String")?.sval) }, table: null };
  if (kind === "trigger" || kind === "policy") {
    const parts = nameList(object);
    return { name: { schema: "", name: parts[parts.length - 1] ?? "" }, table: qualifiedParts(parts, parts.length - 1) };
  }
  const names = kind === "function"
    ? nodeFields(object, "ObjectWithArgs")?.objname
    : kind === "type" || kind === "domain"
    ? nodeFields(object, "TypeName")?.names
    : object;
  return { name: qualifiedName(names), table: null };
}

/** The objects a DropStmt removes, or null for any other statement. */
export function droppedObjects(node: unknown): DroppedObjects | null {
  const drop = nodeFields(node, "DropStmt");
  if (!drop) return null;
  const kind = dropKind(drop);
  const keys: string[] = [];
  const names: string[] = [];
  if (kind && Array.isArray(drop.objects)) {
    for (let i = 0; i < drop.objects.length; i++) {
      const { name, table } = droppedName(kind, drop.objects[i]);
      if (table) {
        keys.push(objectKey(kind, name.name, table));
        names.push(`${quoteIdent(name.name)} on ${formatQualified(table)}`);
      } else if (kind === "schema" || kind === "extension") {
        keys.push(objectKey(kind, name.name));
        names.push(quoteIdent(name.name));
      } else {
        keys.push(objectKey(kind, name));
        names.push(formatQualified(name));
      }
    }
  }
  return { kind: kind ?? String(drop.removeType), keys, names, ifExists: drop.missing_ok === true };
}

export { transactionRestriction } from "./transaction-restriction.ts";

/** A lexical token of a statement (comments dropped); offsets are UTF-16 offsets into the scanned text. */
export interface SqlToken {
  readonly start: number;
  readonly end: number;
  /** The token as written. */
  readonly text: string;
  /** Lower-cased text for keywords, "" for everything else. */
  readonly keyword: string;
  /** True for a token that can be a name: an identifier (quoted or not) or a non-reserved keyword. */
  readonly name: boolean;
}

const tokenCache = new TextCache<readonly SqlToken[]>(4096);

/**
 * The tokens of a statement's text (needs `loadParser()`); [] when it cannot be scanned. Cached by
 * text (the scanner is a WASM call plus JSON), so the result is shared: do not modify it.
 */
export function sqlTokens(text: string): readonly SqlToken[] {
  return tokenCache.get(text, scanSqlTokens);
}

function scanSqlTokens(text: string): SqlToken[] {
  const scanned = scanTokens(text);
  if ("error" in scanned) return [];
  const index = new TextIndex(text);
  return scanned
    .filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT")
    .map((t) => {
      const start = index.offsetOfByte(t.start);
      const end = index.offsetOfByte(t.end);
      const word = text.slice(start, end);
      return {
        start,
        end,
        text: word,
        keyword: t.keywordKind > 0 ? word.toLowerCase() : "",
        name: t.tokenName === "IDENT" || (t.keywordKind > 0 && t.keywordKind < 4),
      };
    });
}

/**
 * The tokens of a statement's head: its text up to the first `(` at or after UTF-16 offset `from` (a
 * CREATE's keywords and name come before its column list or USING clause). Scanning only the head is
 * much cheaper than the whole statement; the tokens are those of `sqlTokens(text)` before that `(`.
 * All of `sqlTokens(text)` when there is no such `(`, or the head does not scan on its own (the `(` is
 * inside a quoted name or a comment) or holds a line comment.
 */
export function headTokens(text: string, from: number): readonly SqlToken[] {
  const paren = from >= 0 ? text.indexOf("(", from) : -1;
  if (paren <= 0) return sqlTokens(text);
  const head = text.slice(0, paren);
  if (head.includes("--")) return sqlTokens(text);
  const tokens = sqlTokens(head);
  return tokens.length > 0 ? tokens : sqlTokens(text);
}

/** Where an object's name sits after the keyword that introduces it (`table`, `index`, `policy`…). */
export interface NameSite {
  /** Index of the introducing keyword token. */
  readonly keyword: number;
  /** Index of the last token before the name (the keyword, CONCURRENTLY or EXISTS). */
  readonly beforeName: number;
  /** Indexes of the name's first and last tokens, or null when the object is unnamed (`create index on t`). */
  readonly name: { readonly first: number; readonly last: number } | null;
}

/**
 * Finds the first keyword token in `keywords` at or after `from`, then the (qualified) name that
 * follows it, skipping CONCURRENTLY and IF NOT EXISTS.
 */
export function nameAfterKeyword(tokens: readonly SqlToken[], keywords: readonly string[], from = 0): NameSite | null {
  let at = tokens.findIndex((t, i) => i >= from && keywords.includes(t.keyword));
  if (at < 0) return null;
  const keyword = at;
  if (tokens[at + 1]?.keyword === "concurrently") at++;
  if (tokens[at + 1]?.keyword === "if" && tokens[at + 2]?.keyword === "not" && tokens[at + 3]?.keyword === "exists") at += 3;
  const beforeName = at;
  if (!tokens[at + 1]?.name) return { keyword, beforeName, name: null };
  let last = at + 1;
  while (tokens[last + 1]?.text === "." && tokens[last + 2]?.name) last += 2;
  return { keyword, beforeName, name: { first: at + 1, last } };
}

const keywordCache = new TextCache<boolean>(4096);

function isNonUnreservedKeyword(word: string): boolean {
  // PostgreSQL's keywords are letters and underscores only: a name with a digit or `$` is none.
  if (/[0-9$]/.test(word)) return false;
  return keywordCache.get(word, scanKeyword);
}

function scanKeyword(word: string): boolean {
  const tokens = scanTokens(word);
  // Without the scanner's answer, quoting is the safe choice: a quoted identifier always reads back.
  if ("error" in tokens || tokens.length !== 1) return true;
  return tokens[0].keywordKind > 1;
}
