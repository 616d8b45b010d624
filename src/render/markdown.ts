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
import { collapsedParts, displayName, rootCauses, sameChangeGroups, someOf } from "./words.js";

export { MAX_CHARS };
const MAX_TABLE_ROWS = 100;
/** Kept for the closing lines: what was left out, the tail's own line. */
const RESERVE = 600;

/** A name or value from the input, as a code span no longer than `clip` makes it. */
const code = (s: string): string => mdCode(clip(s));

export function renderMarkdown(report: Report): string {
  const top = [...summary(report), "", ...frontier(report)];
  const tail = tailNotes(report);
  // The same change in several derivations is one row and one section (the JSON keeps each cause).
  const groups = sameChangeGroups(report.causes);
  const tableLines = table(groups);
  let budget = MAX_CHARS - RESERVE - top.join("\n").length - tail.join("\n").length;
  // The table's header and rows, then the sections, while they fit.
  const rows = fitting(tableLines, budget);
  budget -= rows.kept.join("\n").length + 2;
  const rowsShown = Math.max(0, Math.min(rows.kept.length - 2, groups.length, MAX_TABLE_ROWS));
  const sections = fitting(groups.slice(0, rowsShown).map((g, i) => details(g, i, report)), budget);
  const leftOut: string[] = [];
  if (rows.left > 0) leftOut.push(`_${plural(groups.length - rowsShown, "more entry", "more entries")} left out of the table to stay under ${num(MAX_CHARS)} characters; \`drvsquash --format json\` has all of them._`, "");
  const noEvidence = groups.length - sections.kept.length;
  if (noEvidence > 0) leftOut.push(`_The evidence of ${plural(noEvidence, "more entry", "more entries")} is left out to stay under ${num(MAX_CHARS)} characters; \`drvsquash --format json\` has all of it._`, "");
  return [...top, "", ...rows.kept, "", ...sections.kept, ...leftOut, ...tail].join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

function summary(report: Report): string[] {
  const real = rootCauses(report);
  const lines = report.input.nixDiffLines;
  const fragment = !report.top || displayName(report.top.name) !== report.top.name;
  const pairs = plural(report.summary.pairs, "differing derivation");
  const first =
    (report.input.closure
      ? `drvsquash read ${plural(report.input.closure.derivations, "derivation")} of the two closures of ${code(report.top!.name)}; they `
      : fragment
        ? `The pasted part of nix-diff's output (${plural(lines, "line")}) `
        : `nix-diff printed ${plural(lines, "line")} for ${code(report.top!.name)}; they `) +
    (real.length === 0
      ? `${fragment ? "shows" : "show"} no root cause (${pairs}).`
      : `${fragment ? "comes" : "come"} down to **${plural(real.length, "root cause")}** across ${pairs}.`);
  const all = report.funnels.find((f) => f.scope === "all");
  const via = [...new Set(real.flatMap((c) => c.via))];
  const second = all
    ? `Every cause reaches the top only through ${code(all.drv)}, which holds ${num(all.lines)} of the ${num(lines)} ${report.input.closure ? "differing pairs" : "lines"}.`
    : via.length > 0
      ? `${real.length === 1 ? "It reaches" : "They reach"} ${fragment ? "the top of the pasted part" : "the top"} through ${someOf(via.map((v) => code(displayName(v))), 5)}.`
      : "";
  // Prose around the output is not nix-diff's: say which input lines were.
  const r = report.input.nixDiffRanges;
  const where =
    lines === report.input.lines || r.length === 0
      ? ""
      : r.length === 1
        ? `The nix-diff output is input lines ${num(r[0]![0])}–${num(r[0]![1])} of ${num(report.input.lines)}; the rest was set aside.`
        : `The nix-diff output is ${plural(lines, "line")} of ${num(report.input.lines)} input lines; the rest was set aside.`;
  const input = report.input.closure ? `two closures (${plural(report.input.closure.derivations, "derivation")})` : `${plural(lines, "line")} of nix-diff`;
  return [`### drvsquash: ${plural(real.length, "root cause")} in ${input}`, "", [first, second, where].filter(Boolean).join(" ")];
}

/** Derivations that changed outside a pasted fragment: what explains pairs here without their comparison. */
function frontier(report: Report): string[] {
  if (report.frontier.length === 0) return [];
  const excerpt = report.input.fragment || report.input.truncated;
  const out = [`**${excerpt ? "Changed outside the pasted part" : "Changed without nix-diff comparing them"} (${report.frontier.length}):**`, ""];
  const unseen = report.frontier.filter((f) => f.old === null && f.seenAs.includes("name set"));
  if (unseen.length > 0) {
    out.push(`- ${someOf(unseen.map((f) => code(f.name)), 5)}: kept ${unseen.length === 1 ? "its name" : "their names"} and changed; nix-diff never compared ${unseen.length === 1 ? "it" : "them"} (its names were garbled by the store directory). To see why: \`drvsquash OLD.drv NEW.drv\`.`);
  }
  const withPaths = report.frontier.filter((f) => f.old !== null).slice(0, 5);
  for (const f of withPaths) {
    const role = f.builderOf > 0 ? `the builder of ${plural(f.builderOf, "pair")} here` : `in ${plural(f.pairs, "pair")} here`;
    // The command quotes two store paths: clipped only far past their length.
    out.push(`- ${code(f.name)}: same name, new store path — ${role}. To see why: ${mdCode(clip(f.howToSee, 600))}`);
  }
  const rest = report.frontier.filter((f) => !withPaths.includes(f) && !unseen.includes(f));
  if (rest.length > 0) {
    out.push(
      excerpt
        ? `- ${someOf(rest.map((f) => code(f.name)), 5)}: compared in nix-diff's output before the pasted part, which says why ${rest.length === 1 ? "it" : "they"} changed.`
        : `- ${someOf(rest.map((f) => code(f.name)), 5)}: named as already compared, but no comparison of ${rest.length === 1 ? "it" : "them"} is in the output.`,
    );
  }
  out.push("");
  return out;
}

function table(groups: Cause[][]): string[] {
  if (groups.length === 0) return [];
  const rows = groups.slice(0, MAX_TABLE_ROWS).map((g, i) => {
    const c = g[0]!;
    const seenIn = seenOf(g);
    const seen =
      seenIn.length === 2 ? seenIn.map(code).join(" and ")
      : seenIn.length > 1 ? `${code(seenIn[0]!)} and ${num(seenIn.length - 1)} more`
      : code(displayName(seenIn[0] ?? c.drv));
    // A group's reach: the widest of its causes (their reaches overlap).
    return `| ${i + 1} | ${KIND_TITLES[c.kind].replace(/ changes$| inputs$| bumps$/, "")} | ${what(c)} | ${seen} | ${num(Math.max(...g.map((x) => x.affects)))} |`;
  });
  const more = groups.length > MAX_TABLE_ROWS ? [`_…and ${plural(groups.length - MAX_TABLE_ROWS, "more entry", "more entries")}._`] : [];
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

/** Where a cause, or the same change in several derivations, is seen. */
function seenOf(group: Cause[]): string[] {
  return group.length === 1 ? group[0]!.seenIn : [...new Set(group.flatMap((c) => c.seenIn))];
}

function details(group: Cause[], i: number, report: Report): string {
  const c = group[0]!;
  const seenIn = seenOf(group);
  const lines = c.evidence.map((e) => `${e.drv !== undefined ? "" : `${String(e.line).padStart(6)}  `}${e.text.length > 300 ? e.text.slice(0, 299) + "…" : e.text}`);
  const { fence, body } = fenceFor(lines);
  const shownPath = c.path.length > 40 ? [...c.path.slice(0, 20), "…", ...c.path.slice(-19)] : c.path;
  const path = c.path.length > 0 ? `Path from the top: ${shownPath.map((p) => code(displayName(p))).join(" › ")}` : "";
  const seen = seenIn.length > 1 ? `Seen in ${seenIn.slice(0, 20).map(code).join(", ")}${seenIn.length > 20 ? ` and ${seenIn.length - 20} more` : ""}.` : "";
  return [
    "<details>",
    `<summary>${i + 1}. ${html(KIND_TITLES[c.kind])}: ${title(c)}</summary>`,
    "",
    [path, seen].filter(Boolean).join("  \n"),
    "",
    c.evidence.some((e) => e.drv !== undefined) ? "The derivations and fields that show it:" : "The nix-diff lines that show it, with their line numbers in the input:",
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
  const parts = collapsedParts(report);
  const out = parts.length > 0 ? [`Collapsed as cascade: ${someOf(parts, parts.length)}.`, ""] : [];
  for (const n of report.notes) out.push(`- ${noteText(clip(n, 1000))}`);
  if (report.notes.length) out.push("");
  out.push(`<sub>Condensed by drvsquash ${html(report.tool.version)} from nix-diff output.</sub>`);
  return out;
}
