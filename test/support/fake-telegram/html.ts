/**
 * Telegram "HTML" parse mode: turns the text a bot sends into what the user
 * sees (plain text) plus MessageEntity objects, rejecting what Telegram
 * rejects with `Bad Request: can't parse entities: ...`.
 *
 * One deliberate difference: Telegram keeps a lone "&" that starts no valid
 * entity as a literal character; here it is an error by default
 * (`strictAmpersand`), because it almost always means a user value was
 * interpolated without HTML escaping.
 */
import type { MessageEntity } from "grammy/types";
import { badRequest, type ApiError } from "./errors.js";

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

export interface HtmlOptions {
  /** Reject "&" that doesn't start &lt; &gt; &amp; &quot; or a numeric entity (default true). */
  strictAmpersand?: boolean;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

const SIMPLE_TAGS: Readonly<Record<string, MessageEntity["type"]>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
};

const SUPPORTED_TAGS = new Set([...Object.keys(SIMPLE_TAGS), "span", "a", "code", "pre", "blockquote", "tg-emoji", "tg-time"]);

interface OpenTag {
  name: string;
  attributes: Map<string, string>;
  /** UTF-16 offset in the output text where the tag's content starts. */
  start: number;
  /** For <pre>: language taken from a nested <code class="language-...">. */
  language?: string;
}

class HtmlParser {
  private pos = 0;
  private out = "";
  private readonly stack: OpenTag[] = [];
  private readonly entities: MessageEntity[] = [];

  constructor(
    private readonly src: string,
    private readonly strictAmpersand: boolean,
  ) {}

  parse(): FormattedText {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === "<") this.tag();
      else if (c === "&") this.entity();
      else {
        this.out += c;
        this.pos++;
      }
    }
    const unclosed = this.stack.at(-1);
    if (unclosed !== undefined) throw this.error(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
    this.entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
    return { text: this.out, entities: this.entities };
  }

  private error(message: string): ApiError {
    return badRequest(`can't parse entities: ${message}`);
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.src.slice(0, index), "utf8");
  }

  private entity(): void {
    const decoded = decodeEntityAt(this.src, this.pos);
    if (decoded !== undefined) {
      this.out += decoded.char;
      this.pos = decoded.end;
      return;
    }
    if (this.strictAmpersand) {
      throw this.error(`Character "&" must be escaped as "&amp;" at byte offset ${this.byteOffset(this.pos)}`);
    }
    this.out += "&";
    this.pos++;
  }

  private tag(): void {
    const tagStart = this.pos;
    if (this.src[this.pos + 1] === "/") {
      this.endTag(tagStart);
      return;
    }
    this.pos++;
    const nameMatch = /^[^\s>/]*/.exec(this.src.slice(this.pos));
    const name = (nameMatch?.[0] ?? "").toLowerCase();
    if (name === "") throw this.error(`Empty tag name at byte offset ${this.byteOffset(tagStart)}`);
    if (!SUPPORTED_TAGS.has(name))
      throw this.error(`Unsupported start tag "${name}" at byte offset ${this.byteOffset(tagStart)}`);
    this.pos += name.length;
    const attributes = this.attributes(name, tagStart);
    this.checkStartTag(name, attributes, tagStart);
    this.stack.push({ name, attributes, start: this.out.length });
  }

  private attributes(tagName: string, tagStart: number): Map<string, string> {
    const attributes = new Map<string, string>();
    for (;;) {
      while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? "")) this.pos++;
      if (this.pos >= this.src.length) throw this.error(`Unclosed start tag at byte offset ${this.byteOffset(tagStart)}`);
      if (this.src[this.pos] === ">") {
        this.pos++;
        return attributes;
      }
      const nameMatch = /^[A-Za-z0-9_-]+/.exec(this.src.slice(this.pos));
      if (nameMatch === null) {
        throw this.error(
          `Expected equal sign in declaration of an attribute of the tag "${tagName}" at byte offset ${this.byteOffset(this.pos)}`,
        );
      }
      const attrName = nameMatch[0].toLowerCase();
      this.pos += attrName.length;
      attributes.set(attrName, this.src[this.pos] === "=" ? this.attributeValue(tagStart) : "");
    }
  }

  private attributeValue(tagStart: number): string {
    this.pos++; // "="
    const quote = this.src[this.pos];
    let raw: string;
    if (quote === '"' || quote === "'") {
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end < 0) throw this.error(`Unclosed start tag at byte offset ${this.byteOffset(tagStart)}`);
      raw = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      const m = /^[^\s>]*/.exec(this.src.slice(this.pos));
      raw = m?.[0] ?? "";
      this.pos += raw.length;
    }
    return decodeAttribute(raw);
  }

  private checkStartTag(name: string, attributes: Map<string, string>, tagStart: number): void {
    const at = `at byte offset ${this.byteOffset(tagStart)}`;
    if (name === "span" && attributes.get("class") !== "tg-spoiler")
      throw this.error(`Tag "span" must have class "tg-spoiler" ${at}`);
    if (name === "tg-emoji" && !/^\d+$/.test(attributes.get("emoji-id") ?? ""))
      throw this.error(`Invalid custom emoji identifier specified ${at}`);
    if (name === "tg-time" && !/^\d+$/.test(attributes.get("unix") ?? ""))
      throw this.error(`Tag "tg-time" must have a valid "unix" attribute ${at}`);
  }

  private endTag(tagStart: number): void {
    const close = this.src.indexOf(">", tagStart);
    if (close < 0) throw this.error(`Unclosed end tag at byte offset ${this.byteOffset(tagStart)}`);
    const name = this.src
      .slice(tagStart + 2, close)
      .trim()
      .toLowerCase();
    const open = this.stack.at(-1);
    if (open === undefined) throw this.error(`Unexpected end tag at byte offset ${this.byteOffset(tagStart)}`);
    if (open.name !== name) {
      throw this.error(
        `Unmatched end tag at byte offset ${this.byteOffset(tagStart)}, expected "</${open.name}>", found "</${name}>"`,
      );
    }
    this.stack.pop();
    this.pos = close + 1;
    this.emit(open);
  }

  private emit(tag: OpenTag): void {
    const offset = tag.start;
    const length = this.out.length - tag.start;
    const parent = this.stack.at(-1);
    if (tag.name === "code" && parent?.name === "pre" && parent.start === tag.start) {
      // <pre><code class="language-x">: one pre entity with a language, no separate code entity
      const lang = /^language-(.+)$/.exec(tag.attributes.get("class") ?? "")?.[1];
      if (lang !== undefined) parent.language = lang;
      return;
    }
    if (length === 0) return;
    const entity = entityFor(tag, offset, length);
    if (entity !== undefined) this.entities.push(entity);
  }
}

function entityFor(tag: OpenTag, offset: number, length: number): MessageEntity | undefined {
  const simple = SIMPLE_TAGS[tag.name];
  if (simple !== undefined) return { type: simple, offset, length } as MessageEntity;
  switch (tag.name) {
    case "span":
      return { type: "spoiler", offset, length };
    case "code":
      return { type: "code", offset, length };
    case "pre":
      return tag.language === undefined
        ? { type: "pre", offset, length }
        : { type: "pre", offset, length, language: tag.language };
    case "blockquote":
      return { type: tag.attributes.has("expandable") ? "expandable_blockquote" : "blockquote", offset, length };
    case "tg-emoji":
      return { type: "custom_emoji", offset, length, custom_emoji_id: tag.attributes.get("emoji-id") ?? "" };
    case "tg-time":
      return dateTimeEntity(tag, offset, length);
    case "a":
      return linkEntity(tag.attributes.get("href"), offset, length);
    default:
      return undefined;
  }
}

function dateTimeEntity(tag: OpenTag, offset: number, length: number): MessageEntity {
  const entity: Record<string, unknown> = { type: "date_time", offset, length, unix_time: Number(tag.attributes.get("unix")) };
  const format = tag.attributes.get("format");
  if (format !== undefined) entity["date_time_format"] = format;
  return entity as unknown as MessageEntity;
}

function linkEntity(href: string | undefined, offset: number, length: number): MessageEntity | undefined {
  if (href === undefined || href === "") return undefined;
  const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
  if (mention?.[1] !== undefined) {
    return { type: "text_mention", offset, length, user: { id: Number(mention[1]), is_bot: false, first_name: "" } };
  }
  return { type: "text_link", offset, length, url: href };
}

/** Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NN;`, `&#xHH;` at `pos`; undefined if none starts there. */
export function decodeEntityAt(src: string, pos: number): { char: string; end: number } | undefined {
  const m = /^&(#[xX][0-9a-fA-F]{1,8}|#\d{1,10}|[a-zA-Z]+);/.exec(src.slice(pos, pos + 16));
  const body = m?.[1];
  if (m === null || body === undefined) return undefined;
  const end = pos + m[0].length;
  if (body.startsWith("#")) {
    const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { char: String.fromCodePoint(code), end };
  }
  const named = NAMED_ENTITIES[body];
  return named === undefined ? undefined : { char: named, end };
}

function decodeAttribute(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; ) {
    const decoded = raw[i] === "&" ? decodeEntityAt(raw, i) : undefined;
    if (decoded !== undefined) {
      out += decoded.char;
      i = decoded.end;
    } else {
      out += raw[i];
      i++;
    }
  }
  return out;
}

export function parseHtml(src: string, options: HtmlOptions = {}): FormattedText {
  return new HtmlParser(src, options.strictAmpersand ?? true).parse();
}

const TRIMMED = /[ \t\r\n]/;

/** Telegram strips leading/trailing whitespace from message texts; entity offsets follow. */
export function trimFormatted(input: FormattedText): FormattedText {
  let start = 0;
  let end = input.text.length;
  while (start < end && TRIMMED.test(input.text[start] ?? "")) start++;
  while (end > start && TRIMMED.test(input.text[end - 1] ?? "")) end--;
  if (start === 0 && end === input.text.length) return input;
  const entities: MessageEntity[] = [];
  for (const e of input.entities) {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    if (to > from) entities.push({ ...e, offset: from - start, length: to - from });
  }
  return { text: input.text.slice(start, end), entities };
}

/** Length as Telegram counts it for the 4096/1024 limits (Unicode code points). */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
