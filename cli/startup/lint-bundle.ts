/**
 * What the lint command's CommonJS file holds (build.mjs; run through the code cache, code-cache.ts):
 * the command, and the parser's loader, which entry.ts starts early for `lint --no-cache`.
 */
export { register } from "../commands/lint.ts";
export { loadParser } from "../../shared/sql/index.ts";
