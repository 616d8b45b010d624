// `--why NAME`: the chains from one derivation down to its causes, in each format.

import type { WhyResult } from "../analyse/why.js";
import type { Report } from "../report.js";
import { jsonText } from "./json.js";
import type { Format } from "../cli.js";
import { clip, fitting, MAX_CHARS } from "./budget.js";
import { fit, num, plural, type RenderContext } from "./context.js";
import { mdCode, safeText } from "./sanitize.js";

export function renderWhy(report: Report, why: WhyResult, format: Format, ctx: RenderContext): string {
  if (format === "json") {
    return jsonText({ query: why.query, matches: why.matches, ownCauses: why.ownCauses.map((i) => report.causes[i]), causes: report.causes.map((c) => c.summary) });
  }
  const md = format === "markdown";
  const c = ctx.colors;
  const code = (s: string): string => (md ? mdCode(clip(s)) : c.bold(safeText(s)));
  // A summary quotes the input: in Markdown, a code span (prose could ping or link).
  const text = (s: string): string => (md ? mdCode(clip(s)) : safeText(s));
  const out: string[] = [];
  if (why.matches.length === 0 && why.ownCauses.length === 0) {
    return `${md ? "" : "drvsquash: "}no differing derivation named ${code(why.query)} in the input.\n`;
  }
  for (const i of why.ownCauses) {
    const cause = report.causes[i]!;
    out.push(`${md ? "- " : ""}${code(why.query)} is itself a cause: ${text(cause.summary)} (line ${cause.lines[0] ?? "?"})`);
  }
  for (const m of why.matches) {
    out.push(`${md ? "\n#### " : ""}Why ${code(m.name)} differs (line ${m.line}; reached from the top by ${shortened(m.fromTop.map(code)).join(" › ")}):`);
    if (m.chains.length === 0) out.push(`${md ? "- " : "  "}no cause is visible below it`);
    for (const ch of m.chains) {
      const cause = report.causes[ch.cause]!;
      const chain = shortened(ch.steps.map((s, k) => `${code(s)}${md ? "" : c.dim(`:${ch.lines[k]}`)}`)).join(" → ");
      out.push(`${md ? "- " : "  "}${text(cause.summary)}: ${chain}`);
    }
  }
  if (!md && why.matches.length > 0) out.push(c.dim(`(${plural(why.matches.length, "pair")} named ${safeText(why.query)}; numbers are input lines)`));
  if (md) {
    // Within the Markdown budget: whole lines (a chain of many steps clipped) while they fit.
    const { kept, left } = fitting(out, MAX_CHARS - 1000);
    if (left > 0) kept.push("", `_${plural(left, "more line")} left out to stay under ${num(MAX_CHARS)} characters; \`drvsquash --format json --why\` has all of them._`);
    return kept.join("\n") + "\n";
  }
  return out.map((l) => fit(l, ctx.width)).join("\n") + "\n";
}

/** A chain of more than 20 steps: its first 10 and last 9, `…` between (no line grows without bound). */
function shortened(steps: string[]): string[] {
  return steps.length > 20 ? [...steps.slice(0, 10), "…", ...steps.slice(-9)] : steps;
}
