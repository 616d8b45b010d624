// `--tree`: the pruned nix-diff tree (src/analyse/tree.ts) as text with input
// line numbers, as a fenced Markdown block, or as JSON.

import type { TreeLine } from "../analyse/tree.js";
import type { Report } from "../report.js";
import { jsonText } from "./json.js";
import { clip, fitting, MAX_CHARS } from "./budget.js";
import { fit, num, plural, type Format, type RenderContext } from "./context.js";
import { fenceFor } from "./sanitize.js";
import { safeText } from "./sanitize.js";

export function renderTree(report: Report, tree: TreeLine[], format: Format, ctx: RenderContext): string {
  if (format === "json") return jsonText({ top: report.top, causes: report.causes.map((c) => c.summary), tree });
  const width = String(report.input.lines).length;
  const plain = tree.map((t) => `${String(t.line).padStart(width)}  ${"  ".repeat(t.depth)}${t.text}`);
  if (format === "markdown") {
    // Within the Markdown budget: whole lines (each clipped) while they fit, then what was left out.
    const { kept, left } = fitting(plain.map((l) => clip(l, 300)), MAX_CHARS - 1000);
    const { fence, body } = fenceFor(kept);
    const leftOut = left > 0 ? [`_${plural(left, "more line")} left out to stay under ${num(MAX_CHARS)} characters; \`drvsquash --tree\` (text) has all of them._`, ""] : [];
    return [`nix-diff's tree pruned to the ${report.causes.length === 1 ? "path" : "paths"} to the causes (left: input line numbers):`, "", fence + "text", ...body, fence, "", ...leftOut].join("\n");
  }
  const c = ctx.colors;
  if (tree.length === 0) return "No pair leads to a cause.\n";
  return (
    tree
      .map((t) => {
        const text = safeText(t.text);
        const body = t.kind === "evidence" ? c.cyan(text) : t.kind === "reference" ? c.dim(text) : text;
        return fit(`${c.dim(String(t.line).padStart(width))}  ${"  ".repeat(t.depth)}${body}`, ctx.width);
      })
      .join("\n") + "\n"
  );
}
