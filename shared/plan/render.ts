/**
 * The deployment report as text (a terminal, a CI log) and as Markdown (`$GITHUB_STEP_SUMMARY`, a pull
 * request comment): the seed's checklist first, then a section a pending file.
 */
import type { DeploymentPlan, PlannedFile } from "./report.ts";

interface Check {
  readonly ok: boolean | null;
  /** A failed blocking check makes the plan not ready (✗); a failed other one is for review (!). */
  readonly blocking: boolean;
  readonly label: string;
  readonly detail: string;
}

/** The seed's pre-deployment checklist, answered from the plan (null: not known without a dry run). */
export function checklist(plan: DeploymentPlan): Check[] {
  const files = plan.pending;
  const without = files.filter((f) => f.rollback === "needed").map((f) => f.name);
  const unverified = files.filter((f) => f.rollback === "present" && f.roundTrip !== null && !f.roundTrip.ok).map((f) => f.name);
  const blocking = files.filter((f) => f.verdict !== null && !f.verdict.safeOnline).map((f) => f.name);
  const breaking = files.filter((f) => f.breaking.length > 0).map((f) => f.name);
  const rls = files.filter((f) => f.rls.length > 0).map((f) => f.name);
  const failed = files.filter((f) => f.failed !== null || f.errors.length > 0).map((f) => f.name);
  const nullsMet = files.flatMap((f) => f.notNull.filter(meetsNulls).map((c) => `${f.name}: ${c.table}.${c.column}`));
  return [
    { ok: plan.drifted.length === 0 && plan.missing.length === 0, blocking: true, label: "No deployed file edited or deleted", detail: [...plan.drifted.map((n) => `${n} edited`), ...plan.missing.map((n) => `${n} deleted`)].join(", ") },
    { ok: failed.length === 0, blocking: true, label: plan.dryRun ? "Every pending file runs (dry run) and lints without errors" : "Every pending file lints without errors", detail: failed.join(", ") },
    { ok: nullsMet.length === 0, blocking: true, label: "Every NOT NULL added meets no NULL (counted on the live table)", detail: nullsMet.join(", ") },
    { ok: plan.placeholders.length === 0, blocking: true, label: "Every placeholder has a value", detail: plan.placeholders.map((p) => `\${${p.placeholder}} in ${p.name}`).join(", ") },
    { ok: without.length === 0 && unverified.length === 0, blocking: true, label: "Rollback prepared for destructive changes (and it undoes its file, in the dry run)", detail: [...without.map((n) => `${n}: no rollback`), ...unverified.map((n) => `${n}: incomplete`)].join(", ") },
    { ok: breaking.length === 0, blocking: false, label: "No breaking change", detail: breaking.join(", ") },
    { ok: plan.dryRun ? blocking.length === 0 : null, blocking: false, label: "No maintenance window needed (locks, rewrites)", detail: plan.dryRun ? blocking.join(", ") : "run with --dry-run to trace locks" },
    { ok: rls.length === 0, blocking: false, label: "Row level security on every new table", detail: rls.join(", ") },
  ];
}

const mark = (check: Check) => (check.ok === null ? "?" : check.ok ? "✓" : check.blocking ? "✗" : "!");

/** Ready: no blocking check failed (the ! items are for review). */
export function isReady(plan: DeploymentPlan): boolean {
  return checklist(plan).every((check) => check.ok !== false || !check.blocking);
}

const verdictLine = (plan: DeploymentPlan) =>
  isReady(plan)
    ? checklist(plan).some((check) => check.ok === false) ? "Ready to apply once the ! items are reviewed." : "Ready to apply."
    : "Not ready: fix the ✗ items first.";

export function renderText(plan: DeploymentPlan): string[] {
  const lines = [`Deployment plan for ${plan.target}: ${plan.pending.length} pending file${plan.pending.length === 1 ? "" : "s"}${plan.dryRun ? " (dry run: traced and rolled back)" : ""}`];
  for (const check of checklist(plan)) lines.push(`${mark(check)} ${check.label}${check.ok === true || !check.detail ? "" : `: ${check.detail}`}`);
  for (const file of plan.pending) {
    lines.push("", file.name);
    for (const line of fileLines(file)) lines.push(`  ${line}`);
  }
  if (plan.outOfOrder.length) lines.push("", `Out of order (sort before an applied file): ${plan.outOfOrder.join(", ")}`);
  lines.push("", verdictLine(plan));
  return lines;
}

export function renderMarkdown(plan: DeploymentPlan): string {
  const out = [`### supamigrate plan: ${plan.pending.length} pending file${plan.pending.length === 1 ? "" : "s"}`, ""];
  out.push(`Target: \`${plan.target}\`${plan.dryRun ? " · dry run: traced and rolled back" : ""}`, "");
  out.push("| | Check | Details |", "|---|---|---|");
  for (const check of checklist(plan)) out.push(`| ${mark(check)} | ${check.label} | ${check.ok === true ? "" : escape(check.detail)} |`);
  for (const file of plan.pending) {
    out.push("", `#### \`${file.name}\``, "");
    for (const line of fileLines(file)) out.push(`- ${escape(line)}`);
  }
  if (plan.outOfOrder.length) out.push("", `Out of order (sort before an applied file): ${plan.outOfOrder.map((n) => `\`${n}\``).join(", ")}`);
  out.push("", `**${verdictLine(plan)}**`);
  return `${out.join("\n")}\n`;
}

function fileLines(file: PlannedFile): string[] {
  const lines: string[] = [];
  if (file.failed) lines.push(`dry run failed at ${file.failed}`);
  for (const e of file.errors) lines.push(`error (${e.rule}) at line ${e.line}: ${e.message}`);
  lines.push(file.rollback === "needed"
    ? "rollback: none, and the file makes a destructive change"
    : file.rollback === "missing"
    ? "rollback: none"
    : file.roundTrip === null ? "rollback: present (not round-tripped: run with --dry-run)"
    : file.roundTrip.ok ? "rollback: present, undoes the file (round trip)"
    : `rollback: incomplete: ${file.roundTrip.findings.join("; ")}`);
  for (const b of file.backups) lines.push(`backup before it runs: ${b.kind} of ${b.column ? `${b.relation}.${b.column}` : b.relation}`);
  if (file.verdict) lines.push(file.verdict.safeOnline ? file.verdict.message : `${file.verdict.message}${file.verdict.hint ? `. Safer: ${file.verdict.hint}` : ""}`);
  for (const b of file.breaking) lines.push(`breaking change at line ${b.line}: ${b.message}`);
  for (const c of file.notNull) lines.push(notNullLine(c));
  for (const r of file.rls) lines.push(`RLS at line ${r.line}: ${r.message}`);
  return lines;
}

type NotNullCheck = PlannedFile["notNull"][number];

/** True when the NOT NULL will fail on what the live table holds. */
function meetsNulls(check: NotNullCheck): boolean {
  return check.failsOn === "nulls" ? (check.nulls ?? 0) > 0 : (check.rows ?? 0) > 0;
}

function notNullLine(c: NotNullCheck): string {
  const what = `NOT NULL on ${c.table}.${c.column}`;
  if (c.rows === null) return `${what}: the table is not there yet on the target`;
  if (c.failsOn === "rows") {
    return c.rows > 0 ? `${what}: added without a default to a table of ${c.rows} rows: the file fails (23502); give it a default` : `${what}: the table is empty, so it applies`;
  }
  if (c.nulls === null) return `${what}: the column is not there yet on the target`;
  return c.nulls > 0 ? `${what}: ${c.nulls} of ${c.rows} rows are NULL: the file fails (23502) until they are filled` : `${what}: no NULL in ${c.rows} rows`;
}

function escape(text: string): string {
  return text.replaceAll("|", "\\|");
}
