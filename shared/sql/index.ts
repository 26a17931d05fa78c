export { loadParser } from "./parser.ts";
export { type ParsedSql, type ParsedStatement, type SqlSyntaxError, offsetOfLocation, parseSpan, parseSpans, parseSql, positionOfLocation } from "./parse.ts";
export { type Position, type Range, spanRange, TextIndex, offsetOfCodePoint } from "./positions.ts";
export { type StatementSpan, splitStatements } from "./split.ts";
export { transactionRestriction } from "./transaction-restriction.ts";
export { READING_SETTINGS, readingSettingChange } from "./reading-settings.ts";
export { wrappedInTransaction } from "./transaction-wrapper.ts";
