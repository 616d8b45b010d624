// Markdown goes where size is limited (GitHub refuses comments over 65,536
// characters): every Markdown output stays under MAX_CHARS, the report, --tree
// and --why alike. Input-derived strings are clipped first, so no one name
// can take the budget, then whole lines or sections are kept while they fit
// and the output says how many it left out.

export const MAX_CHARS = 60_000;

/** An input-derived string for Markdown, at most `max` characters (`…` marks a cut). */
export function clip(s: string, max = 160): string {
  return s.length <= max ? s : s.slice(0, max - 1) + "…";
}

/** The leading items of `items` whose total length (one newline each) fits in `budget`. */
export function fitting(items: string[], budget: number): { kept: string[]; left: number } {
  const kept: string[] = [];
  let size = 0;
  for (const item of items) {
    if (size + item.length + 1 > budget) break;
    kept.push(item);
    size += item.length + 1;
  }
  return { kept, left: items.length - kept.length };
}
