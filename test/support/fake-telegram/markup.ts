/** Checks on reply markup beyond field types: Telegram's inline keyboard rules. */
import { badRequest } from "./errors.js";
import { isRecord } from "./params.js";

export const MAX_INLINE_BUTTONS = 100;
export const MAX_CALLBACK_DATA_BYTES = 64;

/** Button fields that give an inline button its action; exactly one must be present. */
const ACTION_FIELDS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

function checkButton(button: Record<string, unknown>): void {
  const text = button["text"];
  if (typeof text !== "string" || text.trim() === "") {
    throw badRequest("can't parse inline keyboard button: Text must be non-empty");
  }
  const actions = ACTION_FIELDS.filter((f) => button[f] !== undefined && button[f] !== null);
  if (actions.length === 0)
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  if (actions.length > 1) {
    throw badRequest(
      `can't parse inline keyboard button: exactly one of the optional fields must be used, found ${actions.join(", ")}`,
    );
  }
  const data = button["callback_data"];
  if (typeof data === "string") {
    const bytes = Buffer.byteLength(data, "utf8");
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  }
  const url = button["url"];
  if (typeof url === "string" && !/^(https?:\/\/[^\s/]+|tg:\/\/\S+)/i.test(url)) {
    throw badRequest(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
  }
}

/** Validates reply_markup (already type-checked against the table). */
export function checkReplyMarkup(markup: unknown): void {
  if (!isRecord(markup) || !Array.isArray(markup["inline_keyboard"])) return;
  let count = 0;
  for (const row of markup["inline_keyboard"] as unknown[]) {
    if (!Array.isArray(row)) continue;
    for (const button of row as unknown[]) {
      if (isRecord(button)) checkButton(button);
      count++;
    }
  }
  if (count > MAX_INLINE_BUTTONS) throw badRequest("reply markup is too long");
}

/** Canonical form for comparing markups ("message is not modified"). Empty inline keyboards count as none. */
export function normalizeMarkup(markup: unknown): string {
  if (markup === undefined || markup === null) return "";
  if (
    isRecord(markup) &&
    Array.isArray(markup["inline_keyboard"]) &&
    (markup["inline_keyboard"] as unknown[]).every((r) => Array.isArray(r) && r.length === 0)
  ) {
    return "";
  }
  return JSON.stringify(markup, (_k, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
