import { TextIndex } from "../../../sql/index.ts";
import { insertAt, insertLineBefore, keywordCase } from "../../fixes.ts";
import { type AstNode, nameAfterKeyword, type SqlToken, sqlTokens } from "../../../sql/names.ts";
import type { Fix, Report, Rule } from "../../types.ts";
import { doBlockStatements, prepareDoBlocks } from "./do-block.ts";
import { createTargets, droppedKeys, type Target } from "./targets.ts";

export const rule: Rule = {
  id: "require-if-not-exists",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "CREATE without IF NOT EXISTS / OR REPLACE / a guard, which fails with \"already exists\" when run twice",
  checkFile({ file, report }) {
    const { index, statements } = file.parsed;
    // Objects dropped with IF EXISTS so far: a later CREATE of one of them is safe to run twice.
    const dropped = new Set<string>();
    // `quiet`: nothing the statement creates is reported (it runs under a guard, or it is covered by another rule).
    const check = (site: Site, quiet: boolean) => {
      const targets = quiet ? [] : createTargets(site.node);
      for (let t = 0; t < targets.length; t++) {
        const target = targets[t];
        if (target.safe || (target.key !== null && dropped.has(target.key))) continue;
        const finding = describe(index, site, target);
        if (finding) report(finding);
      }
      const keys = droppedKeys(site.node);
      for (let k = 0; k < keys.length; k++) dropped.add(keys[k]);
    };
    // DO blocks are analyzed a batch at a time, just ahead of the loop (see prepareDoBlocks).
    let prepared = 0;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (!statement.node) continue;
      // A top-level CREATE POLICY is drop-policy-before-create's finding (same fix); one finding, not two.
      const policy = statement.kind === "CreatePolicyStmt";
      check({ node: statement.node, text: statement.text, start: statement.start, located: true, nested: false }, policy);
      if (statement.kind !== "DoStmt") continue;
      if (i >= prepared) prepared = prepareDoBlocks(statements, i);
      for (const inner of doBlockStatements(index, statement)) {
        const located = inner.start !== null;
        // Unlocatable (single-quoted body): report at the DO keyword, without a fix.
        const start = inner.start ?? statement.start;
        check({ node: inner.node, text: inner.text, start, located, nested: true }, inner.guarded);
      }
    }
  },
};

/** A statement to check: top-level, or inside a DO block at `start` in the file. */
interface Site {
  readonly node: AstNode;
  readonly text: string;
  readonly start: number;
  /** False when `start` is the enclosing DO statement's (the inner text is not verbatim in the file). */
  readonly located: boolean;
  /** True inside a DO block. */
  readonly nested: boolean;
}

function describe(index: TextIndex, site: Site, target: Target): Report | null {
  const tokens = sqlTokens(site.text);
  if (tokens.length === 0) return null;
  const head = target.columnLocation !== undefined
    ? columnHead(site.text, tokens, target.columnLocation)
    : target.enumValue
    ? enumValueHead(tokens)
    : objectHead(tokens, target);
  if (!head) return null;
  const at = site.located ? { start: site.start + head.start, end: site.start + head.end } : { start: site.start, end: site.start + 2 };
  const name = target.dropTarget ? `${head.name} on ${target.dropTarget.table}` : head.name;
  const kw = keywordCase(site.text);
  const fix = (title: string, edit: () => Fix["edits"]): Fix[] => (site.located ? [{ title, edits: edit() }] : []);
  switch (target.remedy) {
    case "if-not-exists":
      return {
        at,
        message: `${target.what} ${name} without IF NOT EXISTS fails with "already exists" when the ${target.object} is already there`,
        help: `Write ${head.guarded ?? `${target.what} IF NOT EXISTS ${name}`} so the migration can run again safely ` +
          `(Troubleshooting: "Migration Failed: Table Already Exists").`,
        fixes: fix("Add IF NOT EXISTS", () => [insertAt(index, site.start + tokens[head.before].end, kw(" if not exists"))]),
      };
    case "or-replace":
      return {
        at,
        message: `${target.what} ${name} without OR REPLACE fails with "already exists" when the ${target.object} is already there`,
        help: `Write CREATE OR REPLACE ${target.what.slice("CREATE ".length)} so running the migration again replaces it instead of failing.`,
        fixes: fix("Add OR REPLACE", () => [insertAt(index, site.start + tokens[0].end, kw(" or replace"))]),
      };
    case "drop-first": {
      const drop = target.dropTarget!;
      const line = `${kw(`drop ${drop.kind} if exists`)} ${drop.name} ${kw("on")} ${drop.table};`;
      return {
        at,
        message: `${target.what} ${name} has no IF NOT EXISTS and fails with "already exists" when the ${target.object} is already there`,
        help: drop.kind === "policy"
          ? `Drop existing policies before recreating them: put \`${line}\` before it (Troubleshooting: "RLS Policy Conflicts").`
          : `Drop it first: put \`${line}\` before it.`,
        fixes: fix(`Drop the ${drop.kind} first (DROP ${drop.kind.toUpperCase()} IF EXISTS)`, () => [insertLineBefore(index, site.start, line)]),
      };
    }
    case "guard":
      return {
        at,
        message: `${target.what} ${name} has no IF NOT EXISTS and fails with "already exists" when the ${target.object} is already there`,
        help: site.nested
          ? `Catch the duplicate: wrap it in \`begin ${target.what.toLowerCase()} …; exception when duplicate_object then null; end;\`, ` +
            `or run it only under \`if not exists (select 1 from pg_type …)\`.`
          : `Guard it: \`do $$ begin ${target.what.toLowerCase()} …; exception when duplicate_object then null; end $$;\` ` +
            `(or check pg_type with IF NOT EXISTS in a DO block).`,
      };
    case "name-it":
      return {
        at,
        message: `${target.what} without a name creates another copy of the index each time the migration runs`,
        help: "Name the index and write CREATE INDEX IF NOT EXISTS <name> ON … so running the migration again is a no-op.",
      };
  }
}

/** The `create … <name>` span (offsets into the site's text), the token to insert after, and the name as written. */
interface Head {
  readonly start: number;
  readonly end: number;
  readonly before: number;
  readonly name: string;
  /** The statement as it should read, for the help, when it is not `<what> IF NOT EXISTS <name>`. */
  readonly guarded?: string;
}

function objectHead(tokens: readonly SqlToken[], target: Target): Head | null {
  const site = nameAfterKeyword(tokens, target.keywords);
  if (!site) return null;
  if (!site.name) return { start: tokens[0].start, end: tokens[site.keyword].end, before: site.beforeName, name: "" };
  return { start: tokens[0].start, end: tokens[site.name.last].end, before: site.beforeName, name: spelled(tokens, site.name.first, site.name.last) };
}

/** For ADD COLUMN: `alter table … add column <name>` (from ADD for a command after the first). */
function columnHead(text: string, tokens: readonly SqlToken[], location: number): Head | null {
  // The column definition's location is in UTF-8 bytes into the text; tokens are in UTF-16 offsets.
  const offset = new TextIndex(text).offsetOfByte(location);
  const nameToken = tokens.findIndex((t) => t.start === offset);
  if (nameToken < 1) return null;
  const before = nameToken - 1;
  const add = tokens[before].keyword === "column" ? before - 1 : before;
  const firstCommand = !tokens.slice(0, add).some((t) => t.text === ",");
  return {
    start: firstCommand ? tokens[0].start : tokens[add].start,
    end: tokens[nameToken].end,
    before,
    name: tokens[nameToken].text,
  };
}

/** For ALTER TYPE … ADD VALUE: `alter type <name> add value '<value>'`, inserting after VALUE. */
function enumValueHead(tokens: readonly SqlToken[]): Head | null {
  const add = tokens.findIndex((t, i) => t.keyword === "add" && tokens[i + 1]?.keyword === "value");
  const literal = tokens[add + 2];
  if (add < 3 || !literal) return null;
  const type = spelled(tokens, 2, add - 1);
  return {
    start: tokens[0].start,
    end: literal.end,
    before: add + 1,
    name: `${type} ADD VALUE ${literal.text}`,
    guarded: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${literal.text}`,
  };
}

function spelled(tokens: readonly SqlToken[], first: number, last: number): string {
  return tokens.slice(first, last + 1).map((t) => t.text).join("");
}
