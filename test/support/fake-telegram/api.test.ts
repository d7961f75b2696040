/** The fake's Bot API surface driven directly (grammY's Api client and raw HTTP), without a polling loop. */
import { Api, GrammyError, InlineKeyboard, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, type FakeUser } from "./index.js";

let fake: FakeTelegram;
let api: Api;
let clock: number;

async function startFake(limits: { globalPerSecond: number; perChatPerMinute: number } | false = false): Promise<void> {
  fake = await FakeTelegram.start({ limits, now: () => clock });
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
}

beforeEach(async () => {
  clock = Date.UTC(2026, 5, 1, 8, 0, 0);
  await startFake();
});

afterEach(async () => {
  await fake.close();
});

/** A user who has written to the bot before, so the bot may message them. */
async function startedUser(): Promise<FakeUser> {
  return Promise.resolve(fake.user({}, { startedBot: true }));
}

async function raw(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fake.apiRoot}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function errorOf(p: Promise<unknown>): Promise<GrammyError> {
  return p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => {
      if (!(e instanceof GrammyError)) throw e;
      return e;
    },
  );
}

describe("HTTP surface and error shapes", () => {
  it("wrong token answers HTTP 401 Unauthorized", async () => {
    const res = await raw("/bot000:WRONG/getMe");
    expect(res).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
  });

  it("unknown method answers HTTP 404 Not Found; method names are case-insensitive", async () => {
    expect(await raw(`/bot${fake.token}/sendMesage`)).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found" },
    });
    expect((await raw(`/bot${fake.token}/GETME`)).body).toMatchObject({
      ok: true,
      result: { id: 999000, username: "chibo_test_bot", is_bot: true },
    });
  });

  it("accepts parameters from the query string, urlencoded and JSON bodies", async () => {
    const u = await startedUser();
    const q = await raw(`/bot${fake.token}/sendMessage?chat_id=${u.id}&text=from+query`);
    const form = await raw(`/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        chat_id: String(u.id),
        text: "from form",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
      }),
    });
    const json = await raw(`/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: u.id, text: "from json" }),
    });
    expect([q.status, form.status, json.status]).toEqual([200, 200, 200]);
    expect(fake.messages(u).map((m) => [m.text, m.buttons])).toEqual([
      ["from query", []],
      ["from form", [["A"]]],
      ["from json", []],
    ]);
  });

  it("a missing required parameter is a 400 naming it", async () => {
    const err = await errorOf(api.raw.sendMessage({ text: "x" } as never));
    expect(err).toMatchObject({ error_code: 400, description: "Bad Request: chat_id is empty" });
  });

  it("a parameter of the wrong type is a 400 naming the parameter and the expected type", async () => {
    const u = await startedUser();
    const err = await errorOf(api.raw.editMessageText({ chat_id: u.id, message_id: "abc" as unknown as number, text: "x" }));
    expect(err.error_code).toBe(400);
    expect(err.description).toBe('Bad Request: invalid parameter "message_id": expected Integer, got String "abc"');
    const nested = await errorOf(
      api.sendMessage(u.id, "x", { reply_markup: { inline_keyboard: [[{ text: "A", callback_data: 5 as unknown as string }]] } }),
    );
    expect(nested.description).toBe(
      'Bad Request: invalid parameter "reply_markup": inline_keyboard[0][0].callback_data: expected String, got Integer 5',
    );
    const scope = await errorOf(
      api.setMyCommands([{ command: "a", description: "b" }], { scope: { type: "everyone" } as never }),
    );
    expect(scope.description).toMatch(
      /^Bad Request: invalid parameter "scope": type: BotCommandScope type must be one of "default", .*"chat_member", got String "everyone"$/,
    );
  });

  it("unknown chats are 400 'chat not found'", async () => {
    await expect(api.sendMessage(123_456_789, "x")).rejects.toMatchObject({
      error_code: 400,
      description: "Bad Request: chat not found",
    });
    await expect(api.sendMessage(-100_999, "x")).rejects.toMatchObject({ description: "Bad Request: chat not found" });
  });

  it("multipart/form-data with a standard FormData upload (file part named like the parameter) works", async () => {
    const u = await startedUser();
    const form = new FormData();
    form.append("chat_id", String(u.id));
    form.append("caption", "Biên bản");
    form.append("document", new Blob([Buffer.from("xyz")]), "bien-ban.docx");
    const res = await raw(`/bot${fake.token}/sendDocument`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(res.body["result"]).toMatchObject({
      caption: "Biên bản",
      document: {
        file_name: "bien-ban.docx",
        mime_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        file_size: 3,
      },
    });
  });

  it("after leaveChat the bot's sends to that group are 403", async () => {
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    await api.leaveChat(group.id);
    await expect(api.sendMessage(group.id, "x")).rejects.toMatchObject({
      error_code: 403,
      description: "Forbidden: bot is not a member of the group chat",
    });
  });

  it("a blocked bot gets 403 'bot was blocked by the user'", async () => {
    const u = await startedUser();
    fake.blockBot(u);
    await expect(api.sendMessage(u.id, "x")).rejects.toMatchObject({
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
  });

  it("methods without simulation validate, then answer true (True-returning) or 501 (object-returning)", async () => {
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    await expect(api.setChatTitle(group.id, "New")).resolves.toBe(true);
    await expect(errorOf(api.raw.setChatTitle({ title: "x" } as never))).resolves.toMatchObject({
      description: "Bad Request: chat_id is empty",
    });
    const err = await errorOf(api.getStarTransactions());
    expect(err.error_code).toBe(501);
    expect(err.description).toContain("getStarTransactions");
  });
});

describe("messages, edits and limits", () => {
  it("editMessageText with identical content is 'message is not modified'; a missing message is 'not found'", async () => {
    const u = await startedUser();
    const kb = new InlineKeyboard().text("A", "a");
    const sent = await api.sendMessage(u.id, "<b>Hi</b>", { parse_mode: "HTML", reply_markup: kb });
    const same = await errorOf(api.editMessageText(u.id, sent.message_id, "<b>Hi</b>", { parse_mode: "HTML", reply_markup: kb }));
    expect(same.description).toMatch(/^Bad Request: message is not modified: /);
    // Same text but no reply_markup removes the keyboard, which is a modification.
    await api.editMessageText(u.id, sent.message_id, "<b>Hi</b>", { parse_mode: "HTML" });
    expect(fake.lastMessage(u)).toMatchObject({ buttons: [], edits: 1 });
    const missing = await errorOf(api.editMessageText(u.id, 999, "x"));
    expect(missing.description).toBe("Bad Request: message to edit not found");
  });

  it("the bot cannot edit a user's message", async () => {
    const u = fake.user();
    void fake.sendText(u, "private", "hello"); // message 1, written by the user; nobody polls here
    const err = await errorOf(api.editMessageText(u.id, 1, "changed"));
    expect(err.description).toBe("Bad Request: message can't be edited");
  });

  it("editMessageReplyMarkup replaces the keyboard and counts as an edit", async () => {
    const u = await startedUser();
    const sent = await api.sendMessage(u.id, "Pick", { reply_markup: new InlineKeyboard().text("A", "a") });
    await api.editMessageReplyMarkup(u.id, sent.message_id, { reply_markup: new InlineKeyboard().text("B", "b") });
    const msg = fake.lastMessage(u);
    expect(msg).toMatchObject({ text: "Pick", buttons: [["B"]], edits: 1 });
    expect(msg?.history.map((h) => h.reply_markup)).toEqual([
      { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
      { inline_keyboard: [[{ text: "B", callback_data: "b" }]] },
    ]);
  });

  it("deleteMessage hides the message; deleting twice is 'message to delete not found'", async () => {
    const u = await startedUser();
    const sent = await api.sendMessage(u.id, "temp");
    await api.deleteMessage(u.id, sent.message_id);
    expect(fake.messages(u)).toEqual([]);
    expect(fake.messages(u, { includeDeleted: true })[0]).toMatchObject({ text: "temp", deleted: true });
    await expect(api.deleteMessage(u.id, sent.message_id)).rejects.toMatchObject({
      description: "Bad Request: message to delete not found",
    });
  });

  it("captions are limited to 1024 characters", async () => {
    const u = await startedUser();
    const doc = new InputFile(Buffer.from("x"), "a.txt");
    await expect(api.sendDocument(u.id, doc, { caption: "c".repeat(1025) })).rejects.toMatchObject({
      description: "Bad Request: message caption is too long",
    });
    await expect(
      api.sendDocument(u.id, new InputFile(Buffer.from("x"), "a.txt"), { caption: "c".repeat(1024) }),
    ).resolves.toBeDefined();
  });

  it("sendDocument by file_id reuses the stored file; an unknown file_id is rejected", async () => {
    const u = await startedUser();
    const first = await api.sendDocument(u.id, new InputFile(Buffer.from("abc"), "x.txt"));
    const again = await api.sendDocument(u.id, first.document.file_id);
    expect(again.document.file_id).toBe(first.document.file_id);
    expect(fake.lastMessage(u)?.document?.bytes.toString()).toBe("abc");
    await expect(api.sendDocument(u.id, "nope")).rejects.toMatchObject({
      description: "Bad Request: wrong file identifier/HTTP URL specified",
    });
  });

  it("sendPhoto reads PNG dimensions and rejects non-images", async () => {
    const u = await startedUser();
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000002000000030806000000b8ad3a630000000d49444154789c63606060f8cf00000401010027a4b9a10000000049454e44ae426082",
      "hex",
    );
    const sent = await api.sendPhoto(u.id, new InputFile(png, "p.png"));
    expect(sent.photo[0]).toMatchObject({ width: 2, height: 3 });
    await expect(api.sendPhoto(u.id, new InputFile(Buffer.from("not an image"), "p.png"))).rejects.toMatchObject({
      description: "Bad Request: IMAGE_PROCESS_FAILED",
    });
  });

  it("inline keyboards: text-only buttons, empty callback_data and more than 100 buttons are rejected", async () => {
    const u = await startedUser();
    const send = (inline_keyboard: unknown): Promise<GrammyError> =>
      errorOf(api.sendMessage(u.id, "x", { reply_markup: { inline_keyboard } as never }));
    expect((await send([[{ text: "A" }]])).description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    expect((await send([[{ text: "A", callback_data: "" }]])).description).toBe("Bad Request: BUTTON_DATA_INVALID");
    const many = Array.from({ length: 11 }, (_, r) =>
      Array.from({ length: 10 }, (_, c) => ({ text: `${r}.${c}`, callback_data: "d" })),
    );
    expect((await send(many)).description).toBe("Bad Request: reply markup is too long");
  });

  it("answerCallbackQuery for an unknown or 15-minute-old query is 'query is too old'", async () => {
    const expected = "Bad Request: query is too old and response timeout expired or query ID is invalid";
    await expect(api.answerCallbackQuery("12345")).rejects.toMatchObject({ description: expected });

    const u = await startedUser();
    const sent = await api.sendMessage(u.id, "q", { reply_markup: new InlineKeyboard().text("A", "a") });
    const pressing = fake.pressButton(u, "private", sent.message_id, "A");
    const [update] = await api.getUpdates({ timeout: 0 });
    await expect(api.answerCallbackQuery(update?.callback_query?.id ?? "", { text: "x".repeat(201) })).rejects.toMatchObject({
      description: "Bad Request: MESSAGE_TOO_LONG",
    });
    expect(update?.callback_query).toMatchObject({ data: "a", from: { id: u.id }, message: { message_id: sent.message_id } });
    clock += 15 * 60 * 1000 + 1;
    await expect(api.answerCallbackQuery(update?.callback_query?.id ?? "")).rejects.toMatchObject({ description: expected });
    await api.getUpdates({ offset: (update?.update_id ?? 0) + 1, timeout: 0 }); // confirms the update
    await expect(pressing).resolves.toMatchObject({ delivered: true, handled: true, answered: false });
  });

  it("getUpdates holds the request until an update arrives, and honours offset confirmation", async () => {
    const u = await startedUser();
    const poll = api.getUpdates({ timeout: 20 });
    const sending = fake.sendText(u, "private", "hello");
    const updates = await poll;
    expect(updates.map((x) => x.message?.text)).toEqual(["hello"]);
    // Unconfirmed updates are served again.
    expect((await api.getUpdates({ timeout: 0 })).map((x) => x.update_id)).toEqual(updates.map((x) => x.update_id));
    await api.getUpdates({ offset: (updates[0]?.update_id ?? 0) + 1, timeout: 0 });
    await expect(sending).resolves.toMatchObject({ delivered: true, handled: true });
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it("flood: more than globalPerSecond sends in a rolling second answer 429 with retry_after", async () => {
    await fake.close();
    await startFake({ globalPerSecond: 3, perChatPerMinute: 100 });
    const users = [await startedUser(), await startedUser(), await startedUser(), await startedUser()];
    for (const u of users.slice(0, 3)) await api.sendMessage(u.id, "hi");
    const err = await errorOf(api.sendMessage(users[3]?.id ?? 0, "hi"));
    expect(err).toMatchObject({
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    clock += 1000;
    await expect(api.sendMessage(users[3]?.id ?? 0, "hi")).resolves.toBeDefined();
    expect(fake.stats).toEqual({ sent: 4, edits: 0, rateLimited: 1 });
  });

  it("flood: a group accepts perChatPerMinute sends+edits per rolling minute, then 429 until the window frees", async () => {
    await fake.close();
    await startFake({ globalPerSecond: 1000, perChatPerMinute: 3 });
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    const first = await api.sendMessage(group.id, "1");
    clock += 10_000;
    await api.sendMessage(group.id, "2");
    await api.editMessageText(group.id, first.message_id, "1 edited");
    clock += 5_000;
    const err = await errorOf(api.sendMessage(group.id, "3"));
    expect(err.parameters.retry_after).toBe(45);
    expect(err.description).toBe("Too Many Requests: retry after 45");
    clock += 45_000;
    await expect(api.sendMessage(group.id, "3")).resolves.toBeDefined();
    expect(fake.stats).toEqual({ sent: 3, edits: 1, rateLimited: 1 });
  });

  it("failNext injects errors before validation and limits, for the given number of calls", async () => {
    const u = await startedUser();
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 7", retry_after: 7 }, 2);
    for (let i = 0; i < 2; i++) {
      await expect(api.sendMessage(u.id, "x")).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 7 } });
    }
    await expect(api.sendMessage(u.id, "x")).resolves.toBeDefined();
    fake.failNext("getChat", { error_code: 500, description: "Internal Server Error" });
    await expect(api.getChat(u.id)).rejects.toMatchObject({ error_code: 500 });
    const recorded = fake.callsTo("sendMessage").map((c) => c.error_code ?? 200);
    expect(recorded).toEqual([429, 429, 200]);
  });

  it("records every call with decoded params (multipart JSON fields parsed, files summarised)", async () => {
    const u = await startedUser();
    await api.sendDocument(u.id, new InputFile(Buffer.from("12345"), "r.txt"), {
      reply_markup: new InlineKeyboard().text("A", "a"),
    });
    const call = fake.callsTo("sendDocument")[0];
    expect(call).toMatchObject({
      ok: true,
      params: {
        chat_id: u.id,
        document: { file: "r.txt", size: 5 },
        reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
      },
    });
    expect(call?.time).toBe(clock);
  });

  it("pin/unpin requires admin rights in groups", async () => {
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    const sent = await api.sendMessage(group.id, "pin me");
    await expect(api.pinChatMessage(group.id, sent.message_id)).rejects.toMatchObject({
      description: "Bad Request: not enough rights to manage pinned messages in the chat",
    });
    void fake.setBotAdmin(group, true); // status changes now; nobody consumes the my_chat_member update here
    await api.pinChatMessage(group.id, sent.message_id);
    expect(fake.lastMessage(group)?.pinned).toBe(true);
    expect((await api.getChat(group.id)).pinned_message?.message_id).toBe(sent.message_id);
  });

  it("sendChatAction validates the action", async () => {
    const u = await startedUser();
    await expect(api.sendChatAction(u.id, "typing")).resolves.toBe(true);
    await expect(api.sendChatAction(u.id, "dancing" as never)).rejects.toMatchObject({
      description: "Bad Request: wrong parameter action in request",
    });
  });

  it("descriptions and menu button are stored", async () => {
    await api.setMyDescription("Trợ lý chi bộ");
    await api.setMyShortDescription("Chi bộ", { language_code: "vi" });
    await api.setChatMenuButton({ menu_button: { type: "commands" } });
    expect(fake.description()).toBe("Trợ lý chi bộ");
    expect(fake.shortDescription("vi")).toBe("Chi bộ");
    expect(await api.getChatMenuButton()).toEqual({ type: "commands" });
    await expect(api.setMyShortDescription("x".repeat(121))).rejects.toMatchObject({ error_code: 400 });
  });
});
