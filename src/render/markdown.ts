// `--format markdown`: a report to paste into a Discourse post or a GitHub
// comment. Two sentences, a table of causes, and a <details> section per cause
// holding the exact nix-diff lines (fenced, with line numbers) and its path.
// Everything from the input goes through mdInline / mdCode / fenceFor, so it
// cannot close a fence, open HTML or break the table. The whole stays under
// MAX_CHARS (GitHub refuses comments over 65,536 characters).

import type { Cause, Report } from "../report.js";
import { num, plural } from "./context.js";
import { fenceFor, mdCode, mdInline, safeText } from "./sanitize.js";
import { KIND_TITLES } from "./text.js";

export const MAX_CHARS = 60_000;
const MAX_TABLE_ROWS = 100;

export function renderMarkdown(report: Report): string {
  const head = [...summary(report), "", ...table(report), ""];
  const tail = tailNotes(report);
  const sections = report.causes.slice(0, MAX_TABLE_ROWS).map((c, i) => details(c, i, report));
  let size = head.join("\n").length + tail.join("\n").length + 200;
  const kept: string[] = [];
  for (const s of sections) {
    if (size + s.length > MAX_CHARS) break;
    kept.push(s);
    size += s.length + 1;
  }
  const left = report.causes.length - kept.length;
  const leftOut =
    left > 0
      ? [`_The evidence of ${plural(left, "more cause")} is left out to stay under ${num(MAX_CHARS)} characters; \`drvsquash --format json\` has all of it._`, ""]
      : [];
  return [...head, ...kept, ...leftOut, ...tail].join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

function summary(report: Report): string[] {
  const real = report.causes.filter((c) => c.kind !== "unexplained");
  const top = report.top ? mdCode(report.top.name) : "the derivation";
  const first =
    `nix-diff printed ${plural(report.input.lines, "line")} for ${top}; ` +
    (real.length === 0
      ? `drvsquash found no root cause in them (${plural(report.summary.pairs, "differing derivation")}).`
      : `they come down to **${plural(real.length, "root cause")}** across ${plural(report.summary.pairs, "differing derivation")}.`);
  const all = report.funnels.find((f) => f.scope === "all");
  const second = all
    ? `Every cause reaches the top only through ${mdCode(all.drv)}, which holds ${num(all.lines)} of the ${num(report.input.lines)} lines.`
    : real.length > 0
      ? `They reach the top through ${real
          .flatMap((c) => c.via)
          .filter((v, i, a) => a.indexOf(v) === i)
          .slice(0, 5)
          .map(mdCode)
          .join(", ")}.`
      : "";
  return [`### drvsquash: ${plural(real.length, "root cause")} in ${num(report.input.lines)} lines of nix-diff`, "", `${first} ${second}`.trim()];
}

function table(report: Report): string[] {
  if (report.causes.length === 0) return [];
  const rows = report.causes.slice(0, MAX_TABLE_ROWS).map((c, i) => {
    const seen = c.seenIn.length > 1 ? `${mdCode(c.seenIn[0]!)} and ${c.seenIn.length - 1} more` : mdCode(c.seenIn[0] ?? c.drv);
    return `| ${i + 1} | ${KIND_TITLES[c.kind].replace(/ changes$| inputs$| bumps$/, "")} | ${what(c)} | ${seen} | ${num(c.affects)} |`;
  });
  const more = report.causes.length > MAX_TABLE_ROWS ? [`_…and ${plural(report.causes.length - MAX_TABLE_ROWS, "more cause")}._`] : [];
  return ["| # | Kind | What changed | Seen in | Pairs it explains |", "|---|---|---|---|---|", ...rows, ...more];
}

/** The table's "what changed": values go in a code span, so they cannot be read as Markdown. */
function what(c: Cause): string {
  if (c.kind === "unexplained") return mdInline(c.reason ?? "no reason shown");
  return mdCode(c.summary.length > 160 ? c.summary.slice(0, 159) + "…" : c.summary);
}

/**
 * A short title for <summary> (raw HTML, where Markdown is not parsed but
 * GitHub still finds @mentions and #references): every input-derived part
 * HTML-escaped inside <code>, where neither is looked for.
 */
function title(c: Cause): string {
  const v = (s: string | undefined): string => `<code>${html(s ?? "")}</code>`;
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
  const path = c.path.length > 0 ? `Path from the top: ${c.path.map(mdCode).join(" › ")}` : "";
  const seen = c.seenIn.length > 1 ? `Seen in ${c.seenIn.slice(0, 20).map(mdCode).join(", ")}${c.seenIn.length > 20 ? ` and ${c.seenIn.length - 20} more` : ""}.` : "";
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
  for (const n of report.notes) out.push(`- ${noteText(n)}`);
  if (report.notes.length) out.push("");
  out.push(`<sub>Condensed by drvsquash ${html(report.tool.version)} from nix-diff output.</sub>`);
  return out;
}
