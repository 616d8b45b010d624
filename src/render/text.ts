// The terminal report: for a person deciding whether to switch. A header
// (lines read → causes), the funnel sentence, the causes grouped by kind with
// what changed, where and how far it reaches, then a tally of the noise.

import type { Cause, CauseKind, Report } from "../report.js";
import { fit, num, plural, type RenderContext } from "./context.js";
import { clip } from "./budget.js";
import { safeText } from "./sanitize.js";
import { collapsedParts, displayName, extent, noCauseSentence, rootCauses, sameChangeGroups, someOf } from "./words.js";

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
    for (const same of sameChangeGroups(causes)) {
      const cause = same[0]!;
      line(`  ${causeHeadline(same, ctx)}`);
      line(`    ${c.dim(causeWhere(cause, report))}`);
      // A changed source file: its first changed line, markers as nix-diff prints them.
      if (cause.kind === "source") {
        const first = cause.evidence.find((e) => !e.text.startsWith("• "));
        if (first) line(`    ${c.dim("│")} ${safeText(first.text.trim())}`);
      }
    }
  }
  if (report.causes.length === 0) {
    line(noCauseSentence(report));
  }
  if (report.frontier.length > 0) {
    line();
    out.push(...frontierLines(report, ctx));
  }
  const tally = noiseTally(report);
  if (tally) {
    line();
    line(c.dim(tally));
  }
  for (const note of report.notes) line(c.yellow(`note: ${safeText(note)}`));
  return out.join("\n") + "\n";
}

export function header(report: Report, ctx: RenderContext): string[] {
  const c = ctx.colors;
  const s = report.summary;
  const real = rootCauses(report).length;
  const unexplained = report.causes.length - real;
  return [
    fit(
      `${c.bold("drvsquash")}: ${report.input.closure ? `two closures (${plural(report.input.closure.derivations, "derivation")} read)` : extent(report)} → ${c.bold(plural(real, "root cause"))}` +
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
    `${n === 1 ? "The cause reaches" : n === 2 ? "Both causes reach" : `All ${n} causes reach`} ${safeText(displayName(report.top.name))} only through ${safeText(all.drv)}` +
    ` (${num(all.lines)} of ${num(report.input.nixDiffLines)} ${report.input.closure ? "differing pairs" : "lines"}).`
  );
}

/** Without a funnel: where most of the text is, when one subtree holds most of it. */
export function heaviestSentence(report: Report): string | null {
  const h = report.heaviest[0];
  // The pair inferred above a fragment has no name to put in a sentence.
  if (!h || h.lines * 2 < report.input.nixDiffLines || h.depth === 0 || displayName(h.name) !== h.name) return null;
  return `${num(h.lines)} of ${num(report.input.nixDiffLines)} ${report.input.closure ? "differing pairs" : "lines"} are under ${safeText(h.name)}.`;
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

/** One entry: a cause, or the same change seen in several derivations. */
function causeHeadline(same: Cause[], ctx: RenderContext): string {
  const c = ctx.colors;
  const cause = same[0]!;
  // Lines are not cut to the terminal when piped, so a whole-file value is cut here; --format json has it all.
  const what = safeText(clip(cause.summary, 240));
  const where = someOf(same.map((x) => safeText(displayName(x.drv))), 5);
  switch (cause.kind) {
    case "version":
    case "renamed":
      return `${c.cyan(what)}`;
    case "added":
    case "removed":
      return `${c.cyan(what)} in ${where}`;
    case "unexplained":
      return `${c.red(where)}: ${safeText(cause.reason ?? "")}`;
    default:
      return `${c.cyan(where)}: ${what}`;
  }
}

/** Where it is seen, how far it reaches, one path from the top, the first line. */
export function causeWhere(cause: Cause, report: Report): string {
  const parts: string[] = [];
  if (cause.kind === "version" || cause.kind === "renamed" || cause.seenIn.length > 1) {
    parts.push(`seen in ${cause.seenIn.length === 1 ? safeText(cause.seenIn[0]!) : `${plural(cause.seenIn.length, "derivation")} (${someOf(cause.seenIn.map(safeText), 1)})`}`);
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
  // Several pairs inferred above a fragment read as one.
  const shown = p.filter((n, i) => i === 0 || n !== p[i - 1] || displayName(n) === n);
  return shown.length === 0 ? "(top)" : shown.map((n) => safeText(displayName(n))).join(" › ");
}

/** What changed outside the pasted part: the derivations that explain pairs here without their comparison. */
function frontierLines(report: Report, ctx: RenderContext): string[] {
  const c = ctx.colors;
  const out: string[] = [];
  const line = (s: string): void => {
    out.push(fit(s, ctx.width));
  };
  const here = report.summary.pairs;
  const excerpt = report.input.fragment || report.input.truncated;
  line(c.bold(`${excerpt ? "Changed outside the pasted part" : "Changed without nix-diff comparing them"} (${report.frontier.length})`));
  // Kept their name in a garbled name set (a store outside /nix/store): never compared by this nix-diff.
  const unseen = report.frontier.filter((f) => f.old === null && f.seenAs.includes("name set"));
  if (unseen.length > 0) {
    line(`  ${someOf(unseen.map((f) => safeText(f.name)), 5)}: kept ${unseen.length === 1 ? "its name" : "their names"} and changed; nix-diff never compared ${unseen.length === 1 ? "it" : "them"} (its names were garbled by the store directory)`);
    line(`    ${c.dim("to see why: drvsquash OLD.drv NEW.drv compares the two closures")}`);
  }
  // Seen as a path, it can be looked up; named only as "already compared", its comparison is earlier in nix-diff's output.
  const withPaths = report.frontier.filter((f) => f.old !== null).slice(0, 5);
  for (const f of withPaths) {
    const role =
      f.builderOf > 0
        ? `the builder of ${f.builderOf === here ? (here === 1 ? "the pair here" : `all ${num(here)} pairs here`) : `${num(f.builderOf)} of the ${num(here)} pairs here`}`
        : `in ${plural(f.pairs, "pair")} here`;
    line(`  ${c.cyan(safeText(f.name))}: same name, new store path — ${role} · line ${f.lines[0] ?? "?"}`);
    line(`    ${c.dim(`to see why: ${safeText(f.howToSee)}`)}`);
  }
  const rest = report.frontier.filter((f) => !withPaths.includes(f) && !unseen.includes(f));
  if (rest.length > 0) {
    const named = rest.map((f) => `${safeText(f.name)} (${f === rest[0] ? `an input of ${plural(f.pairs, "pair")} here` : num(f.pairs)})`);
    line(
      excerpt
        ? `  ${someOf(named, 3)}: compared in nix-diff's output before the pasted part, which says why ${rest.length === 1 ? "it" : "they"} changed`
        : `  ${someOf(named, 3)}: named as already compared, but no comparison of ${rest.length === 1 ? "it" : "them"} is in the output`,
    );
  }
  return out;
}

export function noiseTally(report: Report): string {
  const parts = collapsedParts(report);
  return parts.length > 0 ? `Collapsed: ${parts.join(", ")}.` : "";
}
