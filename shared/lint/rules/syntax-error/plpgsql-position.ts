/**
 * Where in a PL/pgSQL body its compile error is. libpg-query's PL/pgSQL parser reports only a message
 * (`syntax error at or near "retrun"`, `"x" is not a known variable`), never a position, so the position is
 * found by asking the parser about prefixes of the body: the error lies in the shortest prefix that, closed by
 * a sentinel token, still fails with the same message. Both parsers read left to right and fail at the first
 * token that cannot continue what came before, so a prefix that ends before the error fails only at the
 * sentinel (with another message), and every prefix that holds the error fails with the error's message.
 * PL/pgSQL hands each embedded SQL statement to the SQL parser when it reaches the statement's end, which
 * the sentinel `;` provides. A binary search over token boundaries costs a dozen parses of the statement,
 * paid only by a body that has an error. Within that prefix, the error's token is the one the message names
 * (searched back from the prefix's end, within the PL/pgSQL statement), else the statement's first token.
 */
import { foldIdentifier, type SqlToken, sqlTokens } from "../../../sql/names.ts";

/** Parses the function with `body` in place of its body: the parser's message, or null when it compiles. */
export type BodyProbe = (body: string) => string | null;

/** Messages PostgreSQL reports at the start of the PL/pgSQL statement rather than at a token of it. */
const WHOLE_STATEMENT = /^(?:too (?:many|few) parameters specified for RAISE|cannot use RETURN (?:QUERY|NEXT) in a non-SETOF function)$/;

/** Words after which a PL/pgSQL statement starts (and `>>`, the end of a block label); not all are SQL keywords. */
const STATEMENT_STARTS = new Set(["begin", "then", "else", "loop", "declare", "exception"]);

/** The UTF-16 offset in `body` of the error `message` (what `probe(body)` returns). */
export function plpgsqlErrorOffset(body: string, message: string, probe: BodyProbe): number {
  const tokens = sqlTokens(body);
  const near = /at or near "(.*)"$/s.exec(message)?.[1];
  if (tokens.length === 0) return near ? Math.max(0, body.indexOf(near)) : 0;
  // "at end of input" is also what every cut-short SQL statement says: only cut after a `;`, where a
  // statement ends whole and the sentinel cannot complete it.
  const endOfInput = /at end of input$/.test(message);
  const cuts: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (!endOfInput || tokens[i].text === ";") cuts.push(i);
  const sentinel = message.includes('";"') ? " )" : " ;";
  const fails = (i: number) => probe(body.slice(0, tokens[i].end) + sentinel) === message;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(cuts[mid])) hi = mid;
    else lo = mid + 1;
  }
  // The body ends before its block does: PostgreSQL points at the body's end.
  if (lo === cuts.length && endOfInput) return body.length;
  const at = lo < cuts.length ? cuts[lo] : tokens.length - 1;
  let first = at;
  while (first > 0 && tokens[first - 1].text !== ";") first--;
  if (endOfInput) {
    // SQL that ended too soon: an IF's or WHILE's condition (cut at THEN / LOOP), else the statement ended by the `;`.
    // PostgreSQL points just after the SQL's last token.
    let end = at;
    for (let i = first; i < at; i++) if (/^(?:then|loop)$/i.test(tokens[i].text) && fails(i)) { end = i; break; }
    return end > 0 ? tokens[end - 1].end : tokens[end].start;
  }
  if (/^missing ".*" at end of SQL (?:expression|statement)$/.test(message)) {
    // Raised at the `;` that ended the SQL before the keyword it needed: the sentinel is such a `;`, so any
    // cut inside that SQL fails alike. The body's own `;` is the first one from the cut on.
    for (let i = at; i < tokens.length; i++) if (tokens[i].text === ";") return tokens[i].start;
    return body.length;
  }
  const named = near ?? /"([^"]+)"/.exec(message)?.[1];
  if (named !== undefined) {
    const found = findBack(tokens, first, at, (t) => t.text === named) ??
      findBack(tokens, first, at, (t) => foldIdentifier(t.text) === named || t.text.toLowerCase() === named.toLowerCase());
    if (found !== null) return found.start;
  }
  // Checks of a whole statement point at its start; others at the token the parser stopped at.
  return WHOLE_STATEMENT.test(message) ? statementStart(tokens, first, at).start : tokens[at].start;
}

function findBack(tokens: readonly SqlToken[], first: number, last: number, match: (t: SqlToken) => boolean): SqlToken | null {
  for (let i = last; i >= first; i--) if (match(tokens[i])) return tokens[i];
  return null;
}

/** The first token of the PL/pgSQL statement that token `at` belongs to (within the `;`-delimited run from `first`). */
function statementStart(tokens: readonly SqlToken[], first: number, at: number): SqlToken {
  for (let i = at - 1; i >= first; i--) if (STATEMENT_STARTS.has(tokens[i].text.toLowerCase()) || tokens[i].text === ">>") return tokens[i + 1];
  return tokens[first];
}
