// `--format markdown`: a report to paste into a Discourse post or a GitHub
// comment. Two sentences, a table of causes, and a <details> section per cause
// holding the exact nix-diff lines (fenced, with line numbers) and its path.
// Everything from the input goes through mdInline / mdCode / fenceFor, so it
// cannot close a fence, open HTML or break the table. The whole stays under
// MAX_CHARS (GitHub refuses comments over 65,536 characters).

import type { Cause, Report } from "../report.js";
import { num, plural } from "./context.js";
import { clip, fitting, MAX_CHARS } from "./budget.js";
import { fenceFor, mdCode, mdInline, safeText } from "./sanitize.js";
import { KIND_TITLES } from "./text.js";

export { MAX_CHARS };
const MAX_TABLE_ROWS = 100;
/** Kept for the closing lines: what was left out, the tail's own line. */
const RESERVE = 600;

/** A name or value from the input, as a code span no longer than `clip` makes it. */
const code = (s: string): string => mdCode(clip(s));

export function renderMarkdown(report: Report): string {
  const top = summary(report);
  const tail = tailNotes(report);
  const tableLines = table(report);
  let budget = MAX_CHARS - RESERVE - top.join("\n").length - tail.join("\n").length;
  // The table's header and rows, then the sections, while they fit.
  const rows = fitting(tableLines, budget);
  budget -= rows.kept.join("\n").length + 2;
  const rowsShown = Math.max(0, Math.min(rows.kept.length - 2, report.causes.length, MAX_TABLE_ROWS));
  const sections = fitting(report.causes.slice(0, rowsShown).map((c, i) => details(c, i, report)), budget);
  const leftOut: string[] = [];
  if (rows.left > 0) leftOut.push(`_${plural(report.causes.length - rowsShown, "more cause")} left out of the table to stay under ${num(MAX_CHARS)} characters; \`drvsquash --format json\` has all of them._`, "");
  const noEvidence = report.causes.length - sections.kept.length;
  if (noEvidence > 0) leftOut.push(`_The evidence of ${plural(noEvidence, "more cause")} is left out to stay under ${num(MAX_CHARS)} characters; \`drvsquash --format json\` has all of it._`, "");
  return [...top, "", ...rows.kept, "", ...sections.kept, ...leftOut, ...tail].join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

function summary(report: Report): string[] {
  const real = report.causes.filter((c) => c.kind !== "unexplained");
  const top = report.top ? code(report.top.name) : "the derivation";
  const first =
    `nix-diff printed ${plural(report.input.lines, "line")} for ${top}; ` +
    (real.length === 0
      ? `drvsquash found no root cause in them (${plural(report.summary.pairs, "differing derivation")}).`
      : `they come down to **${plural(real.length, "root cause")}** across ${plural(report.summary.pairs, "differing derivation")}.`);
  const all = report.funnels.find((f) => f.scope === "all");
  const second = all
    ? `Every cause reaches the top only through ${code(all.drv)}, which holds ${num(all.lines)} of the ${num(report.input.lines)} lines.`
    : real.length > 0
      ? `They reach the top through ${real
          .flatMap((c) => c.via)
          .filter((v, i, a) => a.indexOf(v) === i)
          .slice(0, 5)
          .map(code)
          .join(", ")}.`
      : "";
  return [`### drvsquash: ${plural(real.length, "root cause")} in ${num(report.input.lines)} lines of nix-diff`, "", `${first} ${second}`.trim()];
}

function table(report: Report): string[] {
  if (report.causes.length === 0) return [];
  const rows = report.causes.slice(0, MAX_TABLE_ROWS).map((c, i) => {
    const seen = c.seenIn.length > 1 ? `${code(c.seenIn[0]!)} and ${c.seenIn.length - 1} more` : code(c.seenIn[0] ?? c.drv);
    return `| ${i + 1} | ${KIND_TITLES[c.kind].replace(/ changes$| inputs$| bumps$/, "")} | ${what(c)} | ${seen} | ${num(c.affects)} |`;
  });
  const more = report.causes.length > MAX_TABLE_ROWS ? [`_…and ${plural(report.causes.length - MAX_TABLE_ROWS, "more cause")}._`] : [];
  return ["| # | Kind | What changed | Seen in | Pairs it explains |", "|---|---|---|---|---|", ...rows, ...more];
}

/** The table's "what changed": values go in a code span, so they cannot be read as Markdown. */
function what(c: Cause): string {
  if (c.kind === "unexplained") return mdInline(clip(c.reason ?? "no reason shown", 300));
  return code(c.summary);
}

/**
 * A short title for <summary> (raw HTML, where Markdown is not parsed but
 * GitHub still finds @mentions and #references): every input-derived part
 * HTML-escaped inside <code>, where neither is looked for.
 */
function title(c: Cause): string {
  const v = (s: string | undefined): string => `<code>${html(clip(s ?? ""))}</code>`;
  switch (c.kind) {
    case "version":
      return v(`${c.name} ${c.from} → ${c.to}`);
    case "renamed":
      return v(`${c.from} → ${c.to}`);
    case "added":
    case "removed":
      return `${v(c.drv)}: ${c.kind} input ${v(c.input)}`;
    case "env":
    case "fixed-output":
      return `${v(c.drv)}: ${(c.keys ?? []).map(v).join(", ")}`;
    case "source":
      return `${v(c.drv)}: ${v(c.source)}`;
    case "unexplained":
      return `${v(c.drv)}: unexplained`;
    default:
      return `${v(c.drv)}: ${c.kind}`;
  }
}

/** A note: our sentences quote commands and names in backticks; those become code spans, the rest is escaped. */
function noteText(note: string): string {
  return note
    .split("`")
    .map((part, i) => (i % 2 === 1 ? mdCode(part) : mdInline(part)))
    .join("");
}

function html(s: string): string {
  return safeText(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function details(c: Cause, i: number, report: Report): string {
  const lines = c.evidence.map((e) => `${String(e.line).padStart(6)}  ${e.text.length > 300 ? e.text.slice(0, 299) + "…" : e.text}`);
  const { fence, body } = fenceFor(lines);
  const path = c.path.length > 0 ? `Path from the top: ${(c.path.length > 40 ? [...c.path.slice(0, 20), "…", ...c.path.slice(-19)] : c.path).map(code).join(" › ")}` : "";
  const seen = c.seenIn.length > 1 ? `Seen in ${c.seenIn.slice(0, 20).map(code).join(", ")}${c.seenIn.length > 20 ? ` and ${c.seenIn.length - 20} more` : ""}.` : "";
  return [
    "<details>",
    `<summary>${i + 1}. ${html(KIND_TITLES[c.kind])}: ${title(c)}</summary>`,
    "",
    [path, seen].filter(Boolean).join("  \n"),
    "",
    "The nix-diff lines that show it, with their line numbers in the input:",
    "",
    fence + "text",
    ...body,
    fence,
    "",
    "</details>",
    "",
  ].join("\n");
}

function tailNotes(report: Report): string[] {
  const s = report.summary;
  const out = [
    `Collapsed as cascade: ${num(s.alreadyComparedMentions)} "already compared" mentions, ${num(s.builderChanges)} builder changes and ${num(s.storePathOnly)} values that differ only in store paths, ${num(s.skippedEnvironments)} skipped environment comparisons.`,
    "",
  ];
  for (const n of report.notes) out.push(`- ${noteText(clip(n, 1000))}`);
  if (report.notes.length) out.push("");
  out.push(`<sub>Condensed by drvsquash ${html(report.tool.version)} from nix-diff output.</sub>`);
  return out;
}
