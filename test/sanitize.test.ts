import { describe, expect, it } from "vitest";
import { fenceFor, mdCode, mdInline, safeText } from "../src/render/sanitize.js";

const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/;

const HOSTILE =
  "a\x1b[31mred\x1b[0m " + // SGR colour
  "b\x1b]52;c;aGVsbG8=\x07 " + // OSC 52: write the clipboard
  "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ " + // OSC 8 hyperlink
  "c\x9b31m " + // 8-bit CSI
  "d\x07 " + // BEL
  "e\u202etxt.exe"; // right-to-left override

describe("safeText", () => {
  it("leaves plain text, tabs and non-ASCII alone", () => {
    expect(safeText("hello\tworld • ←x← →y→ é 日本")).toBe("hello\tworld • ←x← →y→ é 日本");
  });

  it("removes escape sequences and makes every other control visible", () => {
    const out = safeText(HOSTILE);
    expect(out).toBe("ared b link c d␇ e<U+202E>txt.exe");
    expect(out).not.toMatch(UNSAFE);
    expect(out).not.toContain("evil.example");
    expect(out).not.toContain("aGVsbG8=");
  });

  it("removes title sets, DCS/APC strings, private modes, charset and reset escapes", () => {
    expect(safeText("\x1b]0;pwned\x1b\\t\x1b]2;x\x07i")).toBe("ti");
    expect(safeText("\x1bP1$r0m\x1b\\a\x1b_apc\x1b\\b")).toBe("ab");
    expect(safeText("\x1b[?1049h\x1b[2J\x1b(Bx\x1bc\x1b7y")).toBe("xy");
  });

  it("shows an unterminated 7-bit OSC instead of letting it hide the rest of the text (issue 12, point 14)", () => {
    expect(safeText("ok\x1b]52;c;aGVsbG8=")).toBe("ok␛]52;c;aGVsbG8=");
  });

  it("removes terminated 8-bit strings (U+009D OSC) and shows a lone C1 control", () => {
    expect(safeText("a\x9d0;title\x9cb")).toBe("ab");
    expect(safeText("a\x9d0;title\x07b")).toBe("ab");
    // `”` decoded twice ends in U+009D: keep the text, show the control.
    expect(safeText("â€\x9d quoted")).toBe("â€<U+009D> quoted");
    expect(safeText("x\x85y\x80z")).toBe("x<U+0085>y<U+0080>z");
  });

  it("shows C0 controls, DEL and line breaks as Control Pictures", () => {
    expect(safeText("a\x00b\x7fd\ne\rf\x08\x1b")).toBe("a␀b␡d␊e␍f␈␛");
    // An ESC that starts no sequence stays visible; one that does is removed with it (ESC c resets the terminal).
    expect(safeText("\x1bé \x1bc")).toBe("␛é ");
  });

  it("shows every bidi control and the Unicode line separators as <U+XXXX>", () => {
    const bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029";
    expect(safeText(bidi)).toBe(
      "<U+202A><U+202B><U+202C><U+202D><U+202E><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C><U+2028><U+2029>",
    );
  });

  it("never lets a control byte through, whatever the input", () => {
    let all = "";
    for (let c = 0; c < 0xa0; c++) all += String.fromCharCode(c) + "x";
    const out = safeText(all + "\u202e\u2066");
    expect(out).not.toMatch(UNSAFE);
    expect(out).toContain("\t");
  });
});

describe("fenceFor", () => {
  it("uses ``` when the text has no backtick run of 3", () => {
    expect(fenceFor(["a `b` c", "d"])).toEqual({ fence: "```", body: ["a `b` c", "d"] });
  });

  it("picks a fence longer than any backtick run in the text", () => {
    const { fence, body } = fenceFor(["```", "x ````` y", "```"]);
    expect(fence).toBe("``````");
    expect(body).toEqual(["```", "x ````` y", "```"]);
    for (const line of body) expect(line.trim() === fence).toBe(false);
  });

  it("sanitizes every line", () => {
    const { body } = fenceFor([HOSTILE, "ok"]);
    expect(body[0]).not.toMatch(UNSAFE);
    expect(body[1]).toBe("ok");
  });
});

describe("mdInline", () => {
  it("cannot open HTML", () => {
    expect(mdInline("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mdInline("a & b &amp;")).toBe("a &amp; b &amp;amp;");
  });

  it("cannot end a table cell or a table row", () => {
    const out = mdInline("| a |\nb");
    expect(out).toBe("\\| a \\|␊b");
    expect(out).not.toMatch(/(^|[^\\])\|/);
    expect(out).not.toContain("\n");
  });

  it("cannot open emphasis, code, links, images, headings or maths", () => {
    expect(mdInline("*a* _b_ `c` [d](e) ![f](g) #1 ~~h~~ $x$ \\")).toBe(
      "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\!\\[f\\](g) `#`1 \\~\\~h\\~\\~ \\$x\\$ \\\\",
    );
  });

  it("cannot start a list or a quote at the start of a line", () => {
    expect(mdInline("- x")).toBe("\\- x");
    expect(mdInline("+ x")).toBe("\\+ x");
    expect(mdInline("1. x")).toBe("1\\. x");
    expect(mdInline("> x")).toBe("&gt; x");
    expect(mdInline("a - b")).toBe("a - b");
  });

  it("sanitizes control characters first", () => {
    expect(mdInline("\x1b[31mred\x1b[0m\u202e")).toBe("red&lt;U+202E&gt;");
  });
});

describe("mdCode", () => {
  it("wraps a plain value in single backticks", () => {
    expect(mdCode("systemd-257.9")).toBe("`systemd-257.9`");
  });

  it("uses a longer backtick run than the value has, padding when it starts or ends with one", () => {
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("a``b")).toBe("```a``b```");
    expect(mdCode("`x`")).toBe("`` `x` ``");
    expect(mdCode("`a")).toBe("`` `a ``");
    expect(mdCode("a`")).toBe("`` a` ``");
  });

  it("pads a value with a space at both ends so CommonMark keeps them", () => {
    expect(mdCode(" x ")).toBe("`  x  `");
    expect(mdCode("   ")).toBe("`   `");
    expect(mdCode("")).toBe("` `");
  });

  it("escapes | for GFM tables and sanitizes the value", () => {
    expect(mdCode("a|b")).toBe("`a\\|b`");
    expect(mdCode("a\\|b")).toBe("`a\\\\|b`");
    const out = mdCode(HOSTILE);
    expect(out).not.toMatch(UNSAFE);
    expect(out).not.toMatch(/(^|[^\\])\|/);
  });
});
