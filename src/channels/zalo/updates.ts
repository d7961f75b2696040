/**
 * Reading Zalo updates (webhook bodies and getUpdates results) defensively, and dropping duplicates.
 *
 * The platform is documented loosely and seen to vary, so the reader accepts:
 * - `{ ok: true, result: { event_name, message } }` and the bare `{ event_name, message }`;
 * - a missing `event_name` (seen in getUpdates samples): inferred from the content;
 * - ids as strings or as safe integers (converted to strings); larger numbers are refused (precision lost);
 * - `date` in ms (documented), numeric strings, or seconds (converted to ms);
 * - the sender's name as `display_name`, `name` or `first_name`;
 * - a reply target as `reply_to_message.message_id`, `quote.message_id` or `quote_msg_id`.
 * Anything else malformed gives undefined; it never throws.
 */
import type { ZaloChatType, ZaloMessage, ZaloUpdate, ZaloUser } from "./client.js";

/** Ids are opaque (hex in practice, decimal for bots, "abc.xyz" in samples): a conservative charset. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const EVENT_PATTERN = /^[A-Za-z0-9_.]{1,100}$/;
/** Far above what a member can type; anything longer is junk, not a message. */
const MAX_TEXT = 50_000;
const MAX_URL = 4_096;
const MAX_NAME = 256;
/** Below this a date is taken as seconds (1e11 ms is 1973; 1e11 s is year 5138). */
const SECONDS_THRESHOLD = 100_000_000_000;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function id(v: unknown): string | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
  return typeof v === "string" && ID_PATTERN.test(v) ? v : undefined;
}

function date(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === "number" && Number.isFinite(v)) n = v;
  else if (typeof v === "string" && /^\d{1,16}$/.test(v)) n = Number(v);
  if (n === undefined || n <= 0) return undefined;
  return Math.round(n < SECONDS_THRESHOLD ? n * 1000 : n);
}

/** `undefined` when absent, `null` when present but unusable, else the string. */
function optionalString(v: unknown, max: number): string | undefined | null {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v.length > max) return null;
  return v;
}

function user(v: unknown): ZaloUser | undefined {
  if (!isObject(v)) return undefined;
  const userId = id(v["id"]);
  if (userId === undefined) return undefined;
  const name = [v["display_name"], v["name"], v["first_name"]].find((n): n is string => typeof n === "string") ?? "";
  return { id: userId, display_name: name.slice(0, MAX_NAME), is_bot: v["is_bot"] === true };
}

function chat(v: unknown): { id: string; chat_type: ZaloChatType } | undefined {
  if (!isObject(v)) return undefined;
  const chatId = id(v["id"]);
  const type = typeof v["chat_type"] === "string" ? v["chat_type"].toUpperCase() : undefined;
  if (chatId === undefined || (type !== "PRIVATE" && type !== "GROUP")) return undefined;
  return { id: chatId, chat_type: type };
}

function replyTarget(m: Obj): string | undefined {
  const candidates = [
    isObject(m["reply_to_message"]) ? m["reply_to_message"]["message_id"] : undefined,
    isObject(m["quote"]) ? m["quote"]["message_id"] : undefined,
    m["quote_msg_id"],
  ];
  for (const c of candidates) {
    const found = id(c);
    if (found !== undefined) return found;
  }
  return undefined;
}

function inferEvent(m: ZaloMessage): string {
  if (m.text !== undefined) return "message.text.received";
  if (m.photo !== undefined) return "message.image.received";
  if (m.sticker !== undefined) return "message.sticker.received";
  return "message.unsupported.received";
}

function message(v: unknown): ZaloMessage | undefined {
  if (!isObject(v)) return undefined;
  const messageId = id(v["message_id"]);
  const when = date(v["date"]);
  const from = user(v["from"]);
  const where = chat(v["chat"]);
  if (messageId === undefined || when === undefined || from === undefined || where === undefined) return undefined;
  const result: ZaloMessage = { message_id: messageId, date: when, from, chat: where };
  const fields: [keyof ZaloMessage & ("text" | "caption" | "photo" | "sticker" | "url"), unknown, number][] = [
    ["text", v["text"], MAX_TEXT],
    ["caption", v["caption"], MAX_TEXT],
    ["photo", v["photo"] ?? v["photo_url"], MAX_URL],
    ["sticker", v["sticker"], MAX_URL],
    ["url", v["url"], MAX_URL],
  ];
  for (const [name, raw, max] of fields) {
    const s = optionalString(raw, max);
    if (s === null) return undefined;
    if (s !== undefined) result[name] = s;
  }
  const replyTo = replyTarget(v);
  if (replyTo !== undefined) result.reply_to_message = { message_id: replyTo };
  return result;
}

/** The update in a webhook body or getUpdates result, or undefined when it is not a readable update. */
export function parseZaloWebhookBody(body: unknown): ZaloUpdate | undefined {
  try {
    if (!isObject(body)) return undefined;
    let inner: Obj = body;
    if ("ok" in body || "result" in body) {
      if (body["ok"] !== true || !isObject(body["result"])) return undefined;
      inner = body["result"];
    }
    const msg = message(inner["message"]);
    if (msg === undefined) return undefined;
    const event = inner["event_name"];
    if (event === undefined || event === null) return { event_name: inferEvent(msg), message: msg };
    if (typeof event !== "string" || !EVENT_PATTERN.test(event)) return undefined;
    return { event_name: event, message: msg };
  } catch {
    return undefined;
  }
}
