/** The HTML parse mode rules the fake enforces, which guard the app's escaping of user values. */
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.js";
import { parseHtml, trimFormatted } from "./html.js";

function parseError(src: string, strictAmpersand = true): string {
  try {
    parseHtml(src, { strictAmpersand });
  } catch (err) {
    if (err instanceof ApiError) return err.description;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(src)} to be rejected`);
}

describe("Telegram HTML parse mode", () => {
  it("turns supported tags into entities with UTF-16 offsets", () => {
    const r = parseHtml(
      '<b>Đảng</b> <i>viên</i> <u>u</u> <s>s</s> <tg-spoiler>x</tg-spoiler> <a href="https://t.me/x">link</a> 😀<code>c</code>',
    );
    expect(r.text).toBe("Đảng viên u s x link 😀c");
    expect(r.entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 5, length: 4 },
      { type: "underline", offset: 10, length: 1 },
      { type: "strikethrough", offset: 12, length: 1 },
      { type: "spoiler", offset: 14, length: 1 },
      { type: "text_link", offset: 16, length: 4, url: "https://t.me/x" },
      { type: "code", offset: 23, length: 1 },
    ]);
  });

  it("accepts every alias and attribute form Telegram documents", () => {
    const r = parseHtml(
      '<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del><span class="tg-spoiler">f</span>' +
        "<blockquote>g</blockquote><blockquote expandable>h</blockquote><tg-emoji emoji-id='5368324170671202286'>👍</tg-emoji>" +
        '<pre><code class="language-python">print(1)</code></pre><a href=tg://user?id=42>m</a><B>i</B>',
    );
    expect(r.entities.map((e) => e.type)).toEqual([
      "bold",
      "italic",
      "underline",
      "strikethrough",
      "strikethrough",
      "spoiler",
      "blockquote",
      "expandable_blockquote",
      "custom_emoji",
      "pre",
      "text_mention",
      "bold",
    ]);
    expect(r.entities.find((e) => e.type === "pre")).toMatchObject({ language: "python" });
    expect(parseHtml("<pre><code>x</code></pre>").entities).toEqual([{ type: "pre", offset: 0, length: 1 }]);
  });

  it("decodes &lt; &gt; &amp; &quot; and numeric entities", () => {
    expect(parseHtml("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x1F600; 1 > 0").text).toBe('<b> & "q" A😀 1 > 0');
  });

  it("rejects unknown tags, with the byte offset", () => {
    expect(parseError("Xin chào <script>")).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 10',
    );
    expect(parseError("a <br/> b")).toMatch(/Unsupported start tag "br"/);
  });

  it("rejects a raw '<' that does not start a tag", () => {
    expect(parseError("1 < 2")).toBe("Bad Request: can't parse entities: Empty tag name at byte offset 2");
    expect(parseError("x <3")).toMatch(/Unsupported start tag "3"/);
  });

  it("rejects unclosed, mismatched and stray end tags", () => {
    expect(parseError("<b>bold")).toBe("Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"");
    expect(parseError("<b><i>x</b></i>")).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    expect(parseError("x</b>")).toBe("Bad Request: can't parse entities: Unexpected end tag at byte offset 1");
    expect(parseError("<a href='x")).toMatch(/Unclosed start tag/);
  });

  it("rejects a lone '&' (strict mode) and unknown named entities", () => {
    expect(parseError("Tom & Jerry")).toBe(
      'Bad Request: can\'t parse entities: Character "&" must be escaped as "&amp;" at byte offset 4',
    );
    expect(parseError("&nbsp;")).toMatch(/Character "&" must be escaped/);
    expect(parseHtml("Tom & Jerry", { strictAmpersand: false }).text).toBe("Tom & Jerry");
  });

  it("requires class tg-spoiler on span and a numeric emoji-id on tg-emoji", () => {
    expect(parseError('<span class="x">a</span>')).toMatch(/Tag "span" must have class "tg-spoiler"/);
    expect(parseError("<tg-emoji>a</tg-emoji>")).toMatch(/custom emoji identifier/);
  });

  it("trims surrounding whitespace like Telegram, keeping entity offsets right", () => {
    const r = trimFormatted(parseHtml("\n  <b> hi </b>\n"));
    expect(r).toEqual({ text: "hi", entities: [{ type: "bold", offset: 0, length: 2 }] });
  });
});
