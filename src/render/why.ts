// `--why NAME`: the chains from one derivation down to its causes, in each format.

import type { WhyResult } from "../analyse/why.js";
import type { Report } from "../report.js";
import { jsonText } from "./json.js";
import { clip, fitting, MAX_CHARS } from "./budget.js";
import { fit, num, plural, type Format, type RenderContext } from "./context.js";
import { mdCode, safeText } from "./sanitize.js";

export function renderWhy(report: Report, why: WhyResult, format: Format, ctx: RenderContext): string {
  if (format === "json") {
    return jsonText({
      query: why.query,
      matches: why.matches,
      ownCauses: why.ownCauses.map((i) => report.causes[i]),
      frontier: why.frontier,
      causes: report.causes.map((c) => c.summary),
    });
  }
  const md = format === "markdown";
  const c = ctx.colors;
  const code = (s: string): string => (md ? mdCode(clip(s)) : c.bold(safeText(s)));
  // A summary quotes the input: in Markdown, a code span (prose could ping or link).
  const text = (s: string): string => (md ? mdCode(clip(s)) : safeText(s));
  const out: string[] = [];
  for (const f of why.frontier) {
    // Changed outside the paste: what is here is only that it changed, and how to see why.
    const role = f.builderOf > 0 ? `the builder of ${plural(f.builderOf, "pair")} here` : `an input of ${plural(f.pairs, "pair")} here`;
    const seen = f.old !== null ? "same name, new store path" : `named as "already compared"`;
    out.push(`${md ? "- " : ""}${code(f.name)} changed outside the pasted part (${seen}; ${role}). To see why: ${md ? mdCode(f.howToSee) : safeText(f.howToSee)}`);
  }
  for (const i of why.ownCauses) {
    const cause = report.causes[i]!;
    // From closures a cause has no input line; its first evidence names the .drv and field.
    const where = cause.lines[0] !== undefined ? `line ${cause.lines[0]}` : text(cause.evidence[0]?.text ?? "");
    out.push(`${md ? "- " : ""}${code(why.query)} is itself a cause: ${text(cause.summary)}${where ? ` (${where})` : ""}`);
  }
  for (const m of why.matches) {
    out.push(`${md ? "\n#### " : ""}Why ${code(m.name)} differs (${report.input.closure ? "pair" : "line"} ${m.line}; reached from the top by ${shortened(m.fromTop.map(code)).join(" › ")}):`);
    if (m.chains.length === 0) out.push(`${md ? "- " : "  "}no cause is visible below it`);
    for (const ch of m.chains) {
      const cause = report.causes[ch.cause]!;
      const chain = shortened(ch.steps.map((s, k) => `${code(s)}${md ? "" : c.dim(`:${ch.lines[k]}`)}`)).join(" → ");
      out.push(`${md ? "- " : "  "}${text(cause.summary)}: ${chain}`);
    }
  }
  const numbers = report.input.closure ? "numbers are positions of pairs in the walk" : "numbers are input lines";
  if (!md && why.matches.length > 0) out.push(c.dim(`(${plural(why.matches.length, "pair")} named ${safeText(why.query)}; ${numbers})`));
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
