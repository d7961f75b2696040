/** Reading Zalo webhook bodies / getUpdates results defensively, and dropping duplicate deliveries. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseZaloWebhookBody } from "../../../src/channels/zalo/updates.js";

const message = {
  message_id: "16f6366b3f02645a3d15",
  date: 1766619597466,
  text: "@Chibo 2 ốm #K7A",
  from: { id: "e4ea2cd5189df1c3a88c", display_name: "Lan", is_bot: false },
  chat: { id: "6ede9afa66b88fe6d6a9", chat_type: "GROUP" },
};
const bare = { event_name: "message.text.received", message };
const expected = {
  event_name: "message.text.received",
  message: {
    message_id: "16f6366b3f02645a3d15",
    date: 1766619597466,
    text: "@Chibo 2 ốm #K7A",
    from: { id: "e4ea2cd5189df1c3a88c", display_name: "Lan", is_bot: false },
    chat: { id: "6ede9afa66b88fe6d6a9", chat_type: "GROUP" },
  },
};

function withMessage(patch: Record<string, unknown>): unknown {
  return { event_name: "message.text.received", message: { ...message, ...patch } };
}

describe("parseZaloWebhookBody", () => {
  it("reads the bare { event_name, message } body", () => {
    expect(parseZaloWebhookBody(bare)).toEqual(expected);
  });

  it("reads the documented { ok: true, result: { event_name, message } } envelope the same way", () => {
    expect(parseZaloWebhookBody({ ok: true, result: bare })).toEqual(expected);
  });

  it("refuses an envelope that says ok:false or has no result", () => {
    expect(parseZaloWebhookBody({ ok: false, result: bare })).toBeUndefined();
    expect(parseZaloWebhookBody({ ok: true })).toBeUndefined();
    expect(parseZaloWebhookBody({ ok: false, error_code: 408, description: "timeout" })).toBeUndefined();
  });

  it("returns undefined (never throws) for null, primitives, arrays and empty objects", () => {
    for (const body of [null, undefined, 0, 42, "text", true, [], [bare], {}, { message: null }, { event_name: "x" }]) {
      expect(parseZaloWebhookBody(body)).toBeUndefined();
    }
  });

  it("refuses a message without its message_id, sender id, chat id or a known chat_type", () => {
    expect(parseZaloWebhookBody(withMessage({ message_id: undefined }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ message_id: "" }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ from: { display_name: "Lan" } }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ from: "Lan" }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ chat: { chat_type: "GROUP" } }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ chat: { id: "6ede9afa66b88fe6d6a9", chat_type: "CHANNEL" } }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ date: "yesterday" }))).toBeUndefined();
  });

  it("refuses ids that are objects, unsafe numbers or contain spaces/markup", () => {
    expect(parseZaloWebhookBody(withMessage({ message_id: { $gt: "" } }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ message_id: 2 ** 60 }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ message_id: "abc def" }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ chat: { id: "<script>", chat_type: "GROUP" } }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ message_id: "x".repeat(129) }))).toBeUndefined();
  });

  it("converts numeric ids to strings", () => {
    const update = parseZaloWebhookBody(withMessage({ message_id: 123456, from: { id: 42, display_name: "Lan" } }));
    expect(update?.message.message_id).toBe("123456");
    expect(update?.message.from.id).toBe("42");
  });

  it("refuses huge junk: a text beyond any real message, a non-string text", () => {
    expect(parseZaloWebhookBody(withMessage({ text: "x".repeat(60_000) }))).toBeUndefined();
    expect(parseZaloWebhookBody(withMessage({ text: { html: "hi" } }))).toBeUndefined();
    expect(parseZaloWebhookBody({ ...bare, event_name: "x".repeat(500) })).toBeUndefined();
    expect(parseZaloWebhookBody({ ...bare, event_name: 7 })).toBeUndefined();
  });

  it("never throws and only returns string ids, whatever JSON arrives", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (junk, inner) => {
        for (const body of [
          junk,
          { event_name: junk, message: inner },
          { ok: true, result: { message: { ...message, chat: junk } } },
        ]) {
          const update = parseZaloWebhookBody(body);
          if (update !== undefined) {
            expect(typeof update.message.message_id).toBe("string");
            expect(typeof update.message.chat.id).toBe("string");
          }
        }
      }),
    );
  });

  it("infers event_name from the content when it is missing (as in getUpdates samples)", () => {
    expect(parseZaloWebhookBody({ ok: true, result: { message } })?.event_name).toBe("message.text.received");
    const { text: _text, ...image } = { ...message, photo: "https://example.com/p.jpg" };
    expect(parseZaloWebhookBody({ message: image })?.event_name).toBe("message.image.received");
    const { text: _t2, ...empty } = message;
    expect(parseZaloWebhookBody({ message: empty })?.event_name).toBe("message.unsupported.received");
  });

  it("takes the sender's name from display_name, name or first_name; a missing is_bot is false", () => {
    const named = (from: Record<string, unknown>) => parseZaloWebhookBody(withMessage({ from }))?.message.from;
    expect(named({ id: "a1", name: "Hoa" })).toEqual({ id: "a1", display_name: "Hoa", is_bot: false });
    expect(named({ id: "a1", first_name: "Nguyen Van A" })).toEqual({ id: "a1", display_name: "Nguyen Van A", is_bot: false });
    expect(named({ id: "a1" })).toEqual({ id: "a1", display_name: "", is_bot: false });
    expect(named({ id: "a1", display_name: "Bot", is_bot: true })?.is_bot).toBe(true);
  });

  it("normalises dates: ms kept, seconds converted to ms, numeric strings accepted", () => {
    const dated = (date: unknown) => parseZaloWebhookBody(withMessage({ date }))?.message.date;
    expect(dated(1766619597466)).toBe(1766619597466);
    expect(dated(1766619597)).toBe(1766619597000);
    expect(dated("1766619597466")).toBe(1766619597466);
  });

  it("lower-case chat_type is accepted and normalised", () => {
    expect(parseZaloWebhookBody(withMessage({ chat: { id: "c1", chat_type: "private" } }))?.message.chat).toEqual({
      id: "c1",
      chat_type: "PRIVATE",
    });
  });

  it("reads the reply target from reply_to_message, quote or quote_msg_id into reply_to_message", () => {
    const target = { message_id: "82599fa32f56d00e8941" };
    expect(parseZaloWebhookBody(withMessage({ reply_to_message: target }))?.message.reply_to_message).toEqual(target);
    expect(
      parseZaloWebhookBody(withMessage({ quote: { message_id: "82599fa32f56d00e8941" } }))?.message.reply_to_message,
    ).toEqual(target);
    expect(parseZaloWebhookBody(withMessage({ quote_msg_id: "82599fa32f56d00e8941" }))?.message.reply_to_message).toEqual(target);
  });

  it("a missing or unreadable reply target leaves reply_to_message out but keeps the message", () => {
    expect(parseZaloWebhookBody(bare)?.message).not.toHaveProperty("reply_to_message");
    const odd = parseZaloWebhookBody(withMessage({ reply_to_message: { message_id: { x: 1 } }, quote: "nope" }));
    expect(odd?.message.text).toBe(message.text);
    expect(odd?.message).not.toHaveProperty("reply_to_message");
  });
});
