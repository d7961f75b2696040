import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlToText, splitText } from "../../../src/channels/zalo/text.js";

describe("the bot's HTML as Zalo text", () => {
  it("drops tags and entities, and shows mentions and links readably", () => {
    const html =
      '<b>Nhắc lịch</b>: <code>K7A</code> &lt;19:30&gt; &amp; <a href="tg://user?id=42">Nguyễn An</a>, xem <a href="https://x.vn/a">tài liệu</a>';
    expect(htmlToText(html)).toBe("Nhắc lịch: K7A <19:30> & @Nguyễn An, xem tài liệu (https://x.vn/a)");
  });
});

describe("splitting texts longer than a Zalo message", () => {
  it("cuts between paragraphs first, then lines, and never loses a word", () => {
    const paragraph = (n: number) => Array.from({ length: 40 }, (_, i) => `từ${n}-${i}`).join(" ");
    const text = [paragraph(1), paragraph(2), paragraph(3), paragraph(4)].join("\n\n");
    const parts = splitText(text, 700);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(700);
    expect(parts[0]!.endsWith("từ1-39") || parts[0]!.endsWith("từ2-39")).toBe(true);
    expect(parts.join(" ").split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it("keeps every part within the limit for any text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6000 }), fc.integer({ min: 20, max: 2000 }), (text, max) => {
        const parts = splitText(text, max);
        for (const part of parts) expect(part.length).toBeLessThanOrEqual(max);
        expect(parts.join("").replace(/\s+/g, "")).toBe(text.trim().replace(/\s+/g, ""));
      }),
    );
  });
});
