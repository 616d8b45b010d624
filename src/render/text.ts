// The terminal report: for a person deciding whether to switch. A header
// (lines read → causes), the funnel sentence, the causes grouped by kind with
// what changed, where and how far it reaches, then a tally of the noise.

import type { Cause, CauseKind, Report } from "../report.js";
import { fit, num, plural, type RenderContext } from "./context.js";
import { safeText } from "./sanitize.js";

export const KIND_TITLES: Record<CauseKind, string> = {
  version: "Version bumps",
  renamed: "Renamed inputs",
  added: "Added inputs",
  removed: "Removed inputs",
  source: "Source changes",
  env: "Environment changes",
  "fixed-output": "Download changes (fixed-output)",
  builder: "Builder changes",
  args: "Argument changes",
  outputs: "Output changes",
  platform: "Platform changes",
  unexplained: "Unexplained",
};

export function renderText(report: Report, ctx: RenderContext): string {
  const c = ctx.colors;
  const out: string[] = [];
  const line = (s = ""): void => {
    out.push(fit(s, ctx.width));
  };

  out.push(...header(report, ctx));
  const funnel = funnelSentence(report) ?? heaviestSentence(report);
  if (funnel) line(c.bold(funnel));
  line();

  for (const [kind, causes] of groupByKind(report.causes)) {
    line(c.bold(`${KIND_TITLES[kind]} (${causes.length})`));
    for (const cause of causes) {
      line(`  ${causeHeadline(cause, ctx)}`);
      line(`    ${c.dim(causeWhere(cause, report))}`);
      // A changed source file: its first changed line, markers as nix-diff prints them.
      if (cause.kind === "source") {
        const first = cause.evidence.find((e) => !e.text.startsWith("• "));
        if (first) line(`    ${c.dim("│")} ${safeText(first.text.trim())}`);
      }
    }
  }
  if (report.causes.length === 0) {
    line(report.summary.pairsPrinted === 0 ? "No differing derivations in the input." : "No root cause is visible in the input.");
  }
  line();
  line(c.dim(noiseTally(report)));
  for (const note of report.notes) line(c.yellow(`note: ${safeText(note)}`));
  return out.join("\n") + "\n";
}

export function header(report: Report, ctx: RenderContext): string[] {
  const c = ctx.colors;
  const s = report.summary;
  const real = report.causes.filter((x) => x.kind !== "unexplained").length;
  const unexplained = report.causes.length - real;
  return [
    fit(
      `${c.bold("drvsquash")}: ${report.input.closure ? `two closures (${plural(report.input.closure.derivations, "derivation")} read)` : `${plural(report.input.lines, "line")} of nix-diff`} → ${c.bold(plural(real, "root cause"))}` +
        (unexplained ? `, ${plural(unexplained, "unexplained pair")}` : "") +
        ` in ${plural(s.pairs, "differing derivation")}`,
      ctx.width,
    ),
  ];
}

export function funnelSentence(report: Report): string | null {
  const all = report.funnels.find((f) => f.scope === "all");
  if (!all || !report.top) return null;
  const n = all.causes.length;
  return (
    `${n === 1 ? "The cause reaches" : n === 2 ? "Both causes reach" : `All ${n} causes reach`} ${safeText(report.top.name)} only through ${safeText(all.drv)}` +
    ` (${num(all.lines)} of ${num(report.input.lines)} ${report.input.closure ? "differing pairs" : "lines"}).`
  );
}

/** Without a funnel: where most of the text is, when one subtree holds most of it. */
export function heaviestSentence(report: Report): string | null {
  const h = report.heaviest[0];
  if (!h || h.lines * 2 < report.input.lines || h.depth === 0) return null;
  return `${num(h.lines)} of ${num(report.input.lines)} ${report.input.closure ? "differing pairs" : "lines"} are under ${safeText(h.name)}.`;
}

export function groupByKind(causes: Cause[]): [CauseKind, Cause[]][] {
  const groups = new Map<CauseKind, Cause[]>();
  for (const cause of causes) {
    const kind = cause.kind === "fixed-output" ? "fixed-output" : cause.kind;
    const g = groups.get(kind);
    if (g) g.push(cause);
    else groups.set(kind, [cause]);
  }
  return [...groups.entries()];
}

function causeHeadline(cause: Cause, ctx: RenderContext): string {
  const c = ctx.colors;
  const what = safeText(cause.summary);
  switch (cause.kind) {
    case "version":
    case "renamed":
      return `${c.cyan(what)}`;
    case "added":
    case "removed":
      return `${c.cyan(what)} in ${safeText(cause.drv)}`;
    case "unexplained":
      return `${c.red(safeText(cause.drv))}: ${safeText(cause.reason ?? "")}`;
    default:
      return `${c.cyan(safeText(cause.drv))}: ${what}`;
  }
}

/** Where it is seen, how far it reaches, one path from the top, the first line. */
export function causeWhere(cause: Cause, report: Report): string {
  const parts: string[] = [];
  if (cause.kind === "version" || cause.kind === "renamed" || cause.seenIn.length > 1) {
    parts.push(
      cause.seenIn.length === 1
        ? `seen in ${safeText(cause.seenIn[0]!)}`
        : `seen in ${plural(cause.seenIn.length, "derivation")} (${safeText(cause.drv)}, …)`,
    );
  }
  // Read from closures: a cause nix-diff's own output would not show says so first.
  if (cause.nixDiffShows === false) parts.push("not in nix-diff's output");
  parts.push(`explains ${plural(cause.affects, "pair")}`);
  parts.push(`path: ${shortPath(cause.path, report)}`);
  if (cause.lines.length > 0) parts.push(`line ${cause.lines[0]}`);
  return parts.join(" · ");
}

export function shortPath(path: string[], report: Report): string {
  const p = report.top && path[0] === report.top.name ? path.slice(1) : path;
  return p.length === 0 ? "(top)" : p.map(safeText).join(" › ");
}

export function noiseTally(report: Report): string {
  const s = report.summary;
  const parts = [
    `${num(s.alreadyComparedMentions)} "already compared"`,
    `${num(s.builderChanges)} builder changes`,
    `${num(s.storePathOnly)} path-only values`,
    `${num(s.skippedEnvironments)} skipped environments`,
  ];
  if (s.repeatedNameChanges > 0) parts.push(`${num(s.repeatedNameChanges)} repeated bumps`);
  if (s.foldedPairs > 0) parts.push(`${num(s.foldedPairs)} folded pairs`);
  return `Collapsed: ${parts.join(", ")}.`;
}
