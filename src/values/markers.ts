// nix-diff's markers around the old-only (←) and new-only (→) chunks of a
// text diff, as its uncoloured output prints them; the colour decoder
// (parse/ansi.ts) turns coloured spans into the same markers.

export const OLD_MARK = "←";
export const NEW_MARK = "→";
