import { insertLineAfter, keywordCase } from "../../fixes.ts";
import {
  type AstNode,
  formatQualified,
  headTokens,
  isTemporary,
  nameAfterKeyword,
  nodeFields,
  qualifiedName,
  type QualifiedName,
  relationName,
  relationSql,
} from "../../../sql/names.ts";
import { TextIndex } from "../../../sql/index.ts";
import type { LintFile, LintProject, Rule } from "../../types.ts";

/** Schemas the Supabase Data API exposes by default. */
const EXPOSED_SCHEMAS = new Set(["public"]);

export const rule: Rule = {
  id: "rls-not-enabled",
  defaultSeverity: "warning",
  summary: "a table created in an API-exposed schema (public) without ENABLE ROW LEVEL SECURITY",
  checkFile({ file, project, report }) {
    const { index, statements } = file.parsed;
    // This file and every later one may enable RLS (or drop the table again).
    const lastSecured = securedTables(project);
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const created = statement.kind === "CreateStmt" || statement.kind === "CreateTableAsStmt" ? createdTable(statement.node) : null;
      if (!created || !EXPOSED_SCHEMAS.has(created.name.schema)) continue;
      if ((lastSecured.get(tableKey(created.name)) ?? -1) >= file.order) continue;

      const tokens = headTokens(statement.text, created.offset === null ? -1 : textOffset(statement.text, created.offset));
      const site = nameAfterKeyword(tokens, ["table"]);
      const end = site?.name ? tokens[site.name.last].end : statement.text.length;
      const kw = keywordCase(statement.text);
      const line = `${kw("alter table")} ${relationSql(created.relation)} ${kw("enable row level security")};`;
      const name = formatQualified(created.name);
      report({
        at: { start: statement.start, end: statement.start + end },
        message: `Table ${name} is in the API-exposed ${created.name.schema} schema without ENABLE ROW LEVEL SECURITY: ` +
          "anyone with the anon key can read and change its rows through the Data API",
        help: `Add \`${line}\` (in this migration or a later one), then policies for the roles that need access.`,
        fixes: [{ title: "Enable row level security", edits: [insertLineAfter(index, statement, line)] }],
      });
    }
  },
};

/** UTF-16 offset in a statement's text of a parse-tree location (UTF-8 bytes). */
function textOffset(text: string, byte: number): number {
  // deno-lint-ignore no-control-regex
  return /^[\u0000-\u007f]*$/.test(text) ? byte : new TextIndex(text).offsetOfByte(byte);
}

/** The table a statement creates (CREATE TABLE, CREATE TABLE AS), with its RangeVar and its location. */
function createdTable(node: AstNode | null): { name: QualifiedName; relation: unknown; offset: number | null } | null {
  const create = nodeFields(node, "CreateStmt");
  const asSelect = create ? null : nodeFields(node, "CreateTableAsStmt");
  const relation = create ? create.relation : asSelect?.objtype === "OBJECT_TABLE" ? (asSelect.into as AstNode | undefined)?.rel : null;
  if (!relation || isTemporary(relation)) return null;
  const location = (nodeFields(relation, "RangeVar") ?? relation as AstNode).location;
  return { name: relationName(relation), relation, offset: typeof location === "number" ? location : null };
}

function tableKey(name: QualifiedName): string {
  return `${name.schema}\u0000${name.name}`;
}

/** Per project (computed once per lint run): table → the last file order that enables RLS on it or drops it. */
const projectIndex = new WeakMap<LintProject, Map<string, number>>();
/** Per parsed file (reused while its text is unchanged): the tables it enables RLS on or drops. */
const fileIndex = new WeakMap<object, ReadonlySet<string>>();

function securedTables(project: LintProject): Map<string, number> {
  let index = projectIndex.get(project);
  if (index) return index;
  index = new Map();
  for (const file of project.files) {
    for (const key of securedIn(file)) if ((index.get(key) ?? -1) < file.order) index.set(key, file.order);
  }
  projectIndex.set(project, index);
  return index;
}

/** The tables a file enables RLS on, or drops. */
function securedIn(file: LintFile): ReadonlySet<string> {
  let keys = fileIndex.get(file.parsed);
  if (keys) return keys;
  const found = new Set<string>();
  const { statements } = file.parsed;
  for (let i = 0; i < statements.length; i++) {
    const { kind, node } = statements[i];
    if (kind === "AlterTableStmt") {
      const alter = nodeFields(node, kind)!;
      if (Array.isArray(alter.cmds) && alter.cmds.some((cmd) => nodeFields(cmd, "AlterTableCmd")?.subtype === "AT_EnableRowSecurity")) {
        found.add(tableKey(relationName(alter.relation)));
      }
    } else if (kind === "DropStmt") {
      const drop = nodeFields(node, kind)!;
      if (drop.removeType === "OBJECT_TABLE" && Array.isArray(drop.objects)) for (const o of drop.objects) found.add(tableKey(qualifiedName(o)));
    }
  }
  keys = found;
  fileIndex.set(file.parsed, keys);
  return keys;
}
