import { offsetOfLocation } from "../../../sql/index.ts";
import { insertAt, insertLineBefore, keywordCase } from "../../fixes.ts";
import { type AstNode, formatQualified, nodeFields, qualifiedName, sqlTokens } from "../../../sql/names.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "security-definer-search-path",
  defaultSeverity: "warning",
  fileLocal: true,
  summary: "a SECURITY DEFINER function without a pinned search_path",
  checkFile({ file, report }) {
    const { index, statements } = file.parsed;
    // Functions whose search_path an ALTER FUNCTION … SET search_path in this file pins.
    const pinnedLater = new Set<string>();
    for (let i = 0; i < statements.length; i++) {
      const { kind, node } = statements[i];
      const alter = kind === "AlterFunctionStmt" ? nodeFields(node, kind) : null;
      if (alter && pinsSearchPath(alter.actions)) pinnedLater.add(formatQualified(qualifiedName((alter.func as AstNode | undefined)?.objname)));
    }
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const fn = statement.kind === "CreateFunctionStmt" ? nodeFields(statement.node, "CreateFunctionStmt") : null;
      if (!fn || !Array.isArray(fn.options)) continue;
      const options = fn.options.map((o) => nodeFields(o, "DefElem") ?? {});
      const security = options.find((o) => o.defname === "security" && nodeFields(o.arg, "Boolean")?.boolval === true);
      if (!security || pinsSearchPath(fn.options)) continue;
      const name = formatQualified(qualifiedName(fn.funcname));
      if (pinnedLater.has(name)) continue;

      // Underline `[external] security definer`.
      const tokens = sqlTokens(statement.text);
      const from = offsetOfLocation(index, statement, Number(security.location)) - statement.start;
      const first = tokens.findIndex((t) => t.start >= from);
      const definer = tokens.findIndex((t, i) => i >= first && t.keyword === "definer");
      if (first < 0 || definer < 0) continue;

      // Put the option before the body: `as $$…`, `begin atomic` or `return …`.
      const asOption = options.find((o) => o.defname === "as");
      const bodyToken = asOption
        ? tokens.findIndex((t) => t.start >= offsetOfLocation(index, statement, Number(asOption.location)) - statement.start)
        : tokens.findIndex((t, i) => t.keyword === "return" || (t.keyword === "begin" && tokens[i + 1]?.keyword === "atomic"));
      const object = fn.is_procedure === true ? "procedure" : "function";
      const option = `${keywordCase(statement.text)("set")} search_path = ''`;
      const bodyAt = bodyToken >= 0 ? statement.start + tokens[bodyToken].start : -1;
      const ownLine = bodyAt >= 0 && /^[ \t]*$/.test(file.text.slice(file.text.lastIndexOf("\n", bodyAt - 1) + 1, bodyAt));
      report({
        at: { start: statement.start + tokens[first].start, end: statement.start + tokens[definer].end },
        message: `SECURITY DEFINER ${object} ${name} does not pin search_path: a caller can put their own objects ` +
          "first on the search_path and have them run with the owner's rights",
        help: `Add \`set search_path = ''\` to the ${object}'s options and schema-qualify every name in its body ` +
          "(public.my_table, auth.uid()), or pin it with ALTER FUNCTION … SET search_path = '' later in this migration.",
        fixes: bodyAt < 0 ? [] : [{
          title: "Pin search_path to ''",
          edits: [ownLine ? insertLineBefore(index, bodyAt, option) : insertAt(index, bodyAt, `${option} `)],
        }],
      });
    }
  },
};

/** True when function options/actions include `SET search_path = …` or `SET search_path FROM CURRENT`. */
function pinsSearchPath(options: unknown): boolean {
  if (!Array.isArray(options)) return false;
  return options.some((o) => {
    const option = nodeFields(o, "DefElem");
    const set = option?.defname === "set" ? nodeFields(option.arg, "VariableSetStmt") as AstNode | null : null;
    return set?.name === "search_path" && (set.kind === "VAR_SET_VALUE" || set.kind === "VAR_SET_CURRENT");
  });
}
