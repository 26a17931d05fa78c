/**
 * What the earlier statements left behind that the schema model does not record, and a rollback needs
 * to put back: each table's row level security, its columns' NOT NULL and DEFAULT, its named
 * constraints; each object's comment; each publication's statements. Walked in contract order, one
 * statement at a time, so the generator can read it just before each statement of the migration.
 */
import type { ParsedMigration } from "../migrations.ts";
import { type AstNode, nameList, nodeFields, nodeKind, quoteIdent, sqlTokens } from "../../sql/names.ts";
import { type Json, relationKey } from "../names.ts";
import { expressionAfterKeyword, expressionAt, offsetOfLocation, terminated } from "./sql-text.ts";

/** A piece of a statement's text, cut out only when a rollback needs it. */
export class Snippet {
  private value: string | null | undefined;
  constructor(private readonly cut: () => string | null) {}
  get text(): string | null {
    if (this.value === undefined) this.value = this.cut();
    return this.value;
  }
}

export interface ColumnFacts {
  readonly notNull: boolean;
  /** The DEFAULT expression as written, or null for none. */
  readonly default: Snippet | null;
}

export interface TableFacts {
  rls: boolean;
  forceRls: boolean;
  readonly columns: Map<string, ColumnFacts>;
  /** Named constraint → its definition as `ALTER TABLE … ADD` takes it (`constraint k check (a > 0)`), or null when it cannot be restated. */
  readonly constraints: Map<string, Snippet | null>;
}

export class History {
  /** Tables an earlier statement created (model keys: `public.t`). */
  readonly tables = new Map<string, TableFacts>();
  /** The last COMMENT ON statement per commented object. */
  readonly comments = new Map<string, string>();
  /** Per publication: its CREATE PUBLICATION and every ALTER PUBLICATION since, as statements (Supabase creates supabase_realtime empty). */
  readonly publications = new Map<string, string[]>([["supabase_realtime", ["create publication supabase_realtime;"]]]);

  /** Records one statement (its text and node). */
  apply(text: string, node: AstNode): void {
    const kind = nodeKind(node);
    const body: Json = kind ? nodeFields(node, kind) : null;
    if (!body) return;
    switch (kind) {
      case "CreateStmt": {
        const key = relationKey(body.relation);
        if (key && !(body.if_not_exists && this.tables.has(key))) this.tables.set(key, createdTable(text, body));
        return;
      }
      case "AlterTableStmt": {
        const facts = body.objtype === "OBJECT_TABLE" ? this.tables.get(relationKey(body.relation) ?? "") : undefined;
        if (facts) alterTable(facts, text, body);
        return;
      }
      case "RenameStmt":
        return this.rename(body);
      case "DropStmt":
        return this.drop(body);
      case "CommentStmt":
        this.comments.set(commentTarget(body), terminated(text));
        return;
      case "CreatePublicationStmt":
        this.publications.set(body.pubname, [terminated(text)]);
        return;
      case "AlterPublicationStmt":
        this.publications.get(body.pubname)?.push(terminated(text));
        return;
    }
  }

  private rename(body: Json): void {
    const key = relationKey(body.relation);
    const facts = key ? this.tables.get(key) : undefined;
    if (!key || !facts) return;
    if (body.renameType === "OBJECT_TABLE") {
      this.tables.delete(key);
      this.tables.set(`${key.slice(0, key.indexOf("."))}.${body.newname}`, facts);
    } else if (body.renameType === "OBJECT_COLUMN") {
      const column = facts.columns.get(body.subname);
      facts.columns.delete(body.subname);
      if (column) facts.columns.set(body.newname, column);
    } else if (body.renameType === "OBJECT_TABCONSTRAINT") {
      // The definition keeps its old name in its text: it can no longer be restated under the new one.
      facts.constraints.delete(body.subname);
      facts.constraints.set(body.newname, null);
    }
  }

  private drop(body: Json): void {
    for (const object of Array.isArray(body.objects) ? body.objects : []) {
      if (body.removeType === "OBJECT_TABLE") {
        const names = nameList(object);
        const key = names.length > 1 ? names.slice(-2).join(".") : `public.${names[0]}`;
        this.tables.delete(key);
      } else if (body.removeType === "OBJECT_SCHEMA") {
        const schema = nodeFields(object, "String")?.sval;
        for (const key of [...this.tables.keys()]) if (key.startsWith(`${schema}.`)) this.tables.delete(key);
      } else if (body.removeType === "OBJECT_PUBLICATION") {
        this.publications.delete(String(nodeFields(object, "String")?.sval));
      }
    }
  }
}

/** The key of a COMMENT ON's object: its kind and the object as the parser gives it. */
export function commentTarget(body: Json): string {
  return JSON.stringify([body.objtype, stripLocations(body.object)]);
}

function stripLocations(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripLocations);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "location") out[k] = stripLocations(v);
  return out;
}

/** Builds history from every statement of `files` before statement `statement` of file `order`. */
export function historyBefore(files: readonly ParsedMigration[], order: number, statement: number): History {
  const history = new History();
  for (const file of files) {
    if (file.order > order) break;
    for (const s of file.parsed.statements) {
      if (file.order === order && s.index >= statement) break;
      if (s.node) history.apply(s.text, s.node);
    }
  }
  return history;
}

function createdTable(text: string, body: Json): TableFacts {
  const facts: TableFacts = { rls: false, forceRls: false, columns: new Map(), constraints: new Map() };
  for (const element of Array.isArray(body.tableElts) ? body.tableElts : []) {
    if (element.ColumnDef) addColumn(facts, text, element.ColumnDef);
    else if (element.Constraint?.conname) facts.constraints.set(element.Constraint.conname, tableConstraint(text, element.Constraint));
  }
  return facts;
}

function addColumn(facts: TableFacts, text: string, def: Json): void {
  let notNull = false;
  let defaultExpr: Snippet | null = null;
  for (const item of Array.isArray(def.constraints) ? def.constraints : []) {
    const c = item.Constraint;
    if (!c) continue;
    if (c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY") notNull = true;
    if (c.contype === "CONSTR_DEFAULT") {
      defaultExpr = new Snippet(() => expressionAfterKeyword(text, offsetOfLocation(text, c.location ?? 0), "default", true));
    }
    if (c.conname) facts.constraints.set(c.conname, columnConstraint(text, def.colname, c));
  }
  facts.columns.set(def.colname, { notNull, default: defaultExpr });
}

/** A table constraint as written (`constraint k unique (a)`). */
function tableConstraint(text: string, c: Json): Snippet {
  return new Snippet(() => expressionAt(text, offsetOfLocation(text, c.location ?? 0), false));
}

/** A named column constraint restated as a table constraint, or null for kinds that cannot be. */
function columnConstraint(text: string, column: string, c: Json): Snippet | null {
  const name = `constraint ${quoteIdent(c.conname)}`;
  const from = offsetOfLocation(text, c.location ?? 0);
  const col = quoteIdent(column);
  switch (c.contype) {
    case "CONSTR_CHECK":
      return new Snippet(() => withPrefix(`${name} check `, expressionAfterKeyword(text, from, "check", true)));
    case "CONSTR_UNIQUE":
      return new Snippet(() => `${name} unique (${col})`);
    case "CONSTR_PRIMARY":
      return new Snippet(() => `${name} primary key (${col})`);
    case "CONSTR_FOREIGN":
      return new Snippet(() => withPrefix(`${name} foreign key (${col}) references `, expressionAfterKeyword(text, from, "references", true)));
    default:
      return null;
  }
}

function withPrefix(prefix: string, rest: string | null): string | null {
  return rest === null ? null : `${prefix}${rest}`;
}

function alterTable(facts: TableFacts, text: string, body: Json): void {
  // The n-th `SET DEFAULT` in the text belongs to the n-th AT_ColumnDefault command that sets one.
  let setDefaults = 0;
  for (const item of Array.isArray(body.cmds) ? body.cmds : []) {
    const cmd = item.AlterTableCmd;
    if (!cmd) continue;
    const column = typeof cmd.name === "string" ? facts.columns.get(cmd.name) : undefined;
    switch (cmd.subtype) {
      case "AT_AddColumn":
        if (cmd.def?.ColumnDef && !facts.columns.has(cmd.def.ColumnDef.colname)) addColumn(facts, text, cmd.def.ColumnDef);
        break;
      case "AT_DropColumn":
        facts.columns.delete(cmd.name);
        break;
      case "AT_SetNotNull":
      case "AT_DropNotNull":
        if (column) facts.columns.set(cmd.name, { ...column, notNull: cmd.subtype === "AT_SetNotNull" });
        break;
      case "AT_ColumnDefault": {
        if (!cmd.def) {
          if (column) facts.columns.set(cmd.name, { ...column, default: null });
          break;
        }
        const nth = setDefaults++;
        if (column) facts.columns.set(cmd.name, { ...column, default: new Snippet(() => nthSetDefault(text, nth)) });
        break;
      }
      case "AT_EnableRowSecurity":
      case "AT_DisableRowSecurity":
        facts.rls = cmd.subtype === "AT_EnableRowSecurity";
        break;
      case "AT_ForceRowSecurity":
      case "AT_NoForceRowSecurity":
        facts.forceRls = cmd.subtype === "AT_ForceRowSecurity";
        break;
      case "AT_AddConstraint":
        if (cmd.def?.Constraint?.conname) facts.constraints.set(cmd.def.Constraint.conname, tableConstraint(text, cmd.def.Constraint));
        break;
      case "AT_DropConstraint":
        facts.constraints.delete(cmd.name);
        break;
    }
  }
}

/** The expression of the n-th (0-based) `SET DEFAULT` of an ALTER TABLE's text. */
export function nthSetDefault(text: string, nth: number): string | null {
  const tokens = sqlTokens(text);
  let seen = 0;
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].keyword !== "set" || tokens[i + 1].keyword !== "default") continue;
    if (seen++ === nth) return tokens[i + 2] ? expressionAt(text, tokens[i + 2].start, false) : null;
  }
  return null;
}
