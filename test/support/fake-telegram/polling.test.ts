import { Bot, GrammyError, InlineKeyboard, InputFile } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, runPolling, type RunningBot } from "./index.js";

let fake: FakeTelegram;
let bot: Bot;
let running: RunningBot | undefined;
let botErrors: unknown[];

beforeEach(async () => {
  fake = await FakeTelegram.start({ limits: false });
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  botErrors = [];
  bot.catch((err) => {
    botErrors.push(err.error);
  });
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await fake.close();
});

async function start(): Promise<void> {
  running = await runPolling(bot);
}

describe("long polling delivery", () => {
  it("delivers a private /start command and records the bot's reply", async () => {
    bot.command("start", (ctx) => ctx.reply(`Xin chào <b>${ctx.from?.first_name ?? ""}</b>!`, { parse_mode: "HTML" }));
    await start();
    const lan = fake.user({ first_name: "Lan" });

    const result = await fake.sendText(lan, "private", "/start");

    expect(result).toMatchObject({ delivered: true, handled: true });
    expect(result.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    const reply = fake.lastMessage(lan);
    expect(reply).toMatchObject({ text: "Xin chào Lan!", html: "Xin chào <b>Lan</b>!", chat_id: lan.id, edits: 0 });
    expect(reply?.entities).toEqual([{ type: "bold", offset: 9, length: 3 }]);
    expect(botErrors).toEqual([]);
  });

  it("resolves user actions only after the bot finished handling (async handler work is visible)", async () => {
    bot.on("message:text", async (ctx) => {
      await new Promise((r) => setTimeout(r, 30));
      await ctx.reply("first");
      await ctx.reply("second");
    });
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "hello");
    expect(fake.messages(u).map((m) => m.text)).toEqual(["first", "second"]);
  });

  it("privacy mode: a plain group text is not delivered, a command and a command for this bot are", async () => {
    const seen: string[] = [];
    bot.on("message", (ctx) => {
      seen.push(ctx.message.text ?? "");
    });
    await start();
    const creator = fake.user();
    const member = fake.user();
    const group = fake.createGroup({ title: "Chi bộ 1", creator, members: [member] });

    expect(await fake.sendText(member, group, "chào mọi người")).toMatchObject({ delivered: false, handled: false });
    expect((await fake.sendText(member, group, "/diemdanh")).delivered).toBe(true);
    expect((await fake.sendText(member, group, "/diemdanh@chibo_test_bot")).delivered).toBe(true);
    const other = await fake.sendText(member, group, "/diemdanh@other_bot");
    expect(other.delivered).toBe(false);
    expect(other.reason).toContain("other_bot");
    expect(seen).toEqual(["/diemdanh", "/diemdanh@chibo_test_bot"]);
  });

  it("privacy mode: a reply to one of the bot's messages in a group is delivered with reply_to_message", async () => {
    let repliedTo: number | undefined;
    bot.command("hop", (ctx) => ctx.reply("Nhập nội dung cuộc họp:"));
    bot.on("message:text", (ctx) => {
      repliedTo = ctx.message.reply_to_message?.message_id;
    });
    await start();
    const creator = fake.user();
    const group = fake.createGroup({ title: "Chi bộ 2", creator, type: "supergroup" });
    expect(group.id).toBeLessThan(-1_000_000_000_000);

    await fake.sendText(creator, group, "/hop");
    const prompt = fake.lastMessage(group);
    const answer = await fake.sendText(creator, group, "Sinh hoạt tháng 6", { replyTo: prompt?.message_id });

    expect(answer.delivered).toBe(true);
    expect(repliedTo).toBe(prompt?.message_id);
    expect(answer.message?.reply_to_message?.text).toBe("Nhập nội dung cuộc họp:");
  });

  it("an admin bot receives every group message even with privacy mode on", async () => {
    const seen: string[] = [];
    bot.on("message:text", (ctx) => {
      seen.push(ctx.message.text);
    });
    await start();
    const creator = fake.user();
    const group = fake.createGroup({ title: "G", creator, botIsAdmin: true });
    expect((await fake.sendText(creator, group, "plain text")).delivered).toBe(true);
    expect(seen).toEqual(["plain text"]);
  });

  it("button press delivers a callback_query; the bot's answer and edit are observable", async () => {
    bot.command("vote", (ctx) =>
      ctx.reply("Biểu quyết?", { reply_markup: new InlineKeyboard().text("Đồng ý", "vote:yes").text("Không", "vote:no") }),
    );
    bot.callbackQuery(/^vote:(.+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Đã ghi nhận" });
      await ctx.editMessageText(`Bạn chọn: ${ctx.match[1] ?? ""}`);
    });
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "/vote");
    const question = fake.lastMessage(u);
    expect(question?.buttons).toEqual([["Đồng ý", "Không"]]);

    const press = await fake.pressButton(u, "private", question?.message_id ?? 0, "Đồng ý");

    expect(press).toMatchObject({ delivered: true, answered: true, answer: { text: "Đã ghi nhận" } });
    const edited = fake.lastMessage(u);
    expect(edited).toMatchObject({ text: "Bạn chọn: yes", edits: 1, buttons: [] });
    expect(edited?.history.map((h) => h.text)).toEqual(["Biểu quyết?", "Bạn chọn: yes"]);
  });

  it("pressButton on a missing button fails with the list of current buttons", async () => {
    bot.command("menu", (ctx) => ctx.reply("Menu", { reply_markup: new InlineKeyboard().text("A", "a").row().text("B", "b") }));
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "/menu");
    const id = fake.lastMessage(u)?.message_id ?? 0;
    await expect(fake.pressButton(u, "private", id, "C")).rejects.toThrow(/no button "C".*\[\["A"\],\["B"\]\]/);
    const press = await fake.pressButton(u, "private", id, (b) => b.callback_data === "b");
    expect(press.answered).toBe(false);
    // grammY's own button type works as a predicate too
    const isA = (b: InlineKeyboardButton): boolean => "callback_data" in b && b.callback_data === "a";
    expect((await fake.pressButton(u, "private", id, isA)).update?.callback_query?.data).toBe("a");
  });

  it("a second answerCallbackQuery for the same query fails with 'query is too old'", async () => {
    const errors: string[] = [];
    bot.on("callback_query:data", async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.answerCallbackQuery().catch((e: unknown) => errors.push(e instanceof GrammyError ? e.description : String(e)));
    });
    bot.command("x", (ctx) => ctx.reply("x", { reply_markup: new InlineKeyboard().text("go", "go") }));
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "/x");
    await fake.pressButton(u, "private", fake.lastMessage(u)?.message_id ?? 0, "go");
    expect(errors).toEqual(["Bad Request: query is too old and response timeout expired or query ID is invalid"]);
  });

  it("uploaded documents can be fetched by the bot with getFile + download, byte for byte", async () => {
    const content = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x0d, 0x0a, 0x42]);
    let downloaded: Buffer | undefined;
    let fileName: string | undefined;
    bot.on("message:document", async (ctx) => {
      fileName = ctx.message.document.file_name;
      const file = await ctx.getFile();
      const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path ?? ""}`);
      downloaded = Buffer.from(await res.arrayBuffer());
    });
    await start();
    const u = fake.user();
    const result = await fake.sendDocument(u, "private", { fileName: "bien ban.pdf", mimeType: "application/pdf", content });
    expect(result.message?.document).toMatchObject({ file_name: "bien ban.pdf", mime_type: "application/pdf", file_size: 10 });
    expect(fileName).toBe("bien ban.pdf");
    expect(downloaded?.equals(content)).toBe(true);
  });

  it("sendDocument with a multipart InputFile is recorded with its file name and exact bytes", async () => {
    const bytes = Buffer.from("Họ tên,Điểm\nLan,10\n", "utf8");
    bot.command("export", (ctx) =>
      ctx.replyWithDocument(new InputFile(bytes, "ket qua; thang 6.csv"), { caption: "<i>Kết quả</i>", parse_mode: "HTML" }),
    );
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "/export");
    const msg = fake.lastMessage(u);
    expect(msg).toMatchObject({ kind: "document", text: "Kết quả", html: "<i>Kết quả</i>" });
    expect(msg?.document?.file_name).toBe("ket qua; thang 6.csv");
    expect(msg?.document?.mime_type).toBe("text/csv");
    expect(msg?.document?.bytes.equals(bytes)).toBe(true);
  });

  it("HTML the bot builds from unescaped user input is rejected like Telegram does", async () => {
    const errors: string[] = [];
    bot.on("message:text", async (ctx) => {
      await ctx.reply(`Tên: <b>${ctx.message.text}</b>`, { parse_mode: "HTML" }).catch((e: unknown) => {
        errors.push(e instanceof GrammyError ? `${e.error_code} ${e.description}` : String(e));
      });
    });
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "a <script> b");
    await fake.sendText(u, "private", "Tom & Jerry");
    expect(errors).toEqual([
      expect.stringMatching(/^400 Bad Request: can't parse entities: Unsupported start tag "script" at byte offset \d+$/),
      expect.stringMatching(/^400 Bad Request: can't parse entities: .*"&"/),
    ]);
    expect(fake.messages(u)).toEqual([]);
  });

  it("a message longer than 4096 characters after entity parsing is rejected; exactly 4096 is fine", async () => {
    const results: string[] = [];
    bot.command("long", async (ctx) => {
      const ok = `<b>${"á".repeat(4096)}</b>`; // 4096 code points of text once the tags are parsed
      await ctx.reply(ok, { parse_mode: "HTML" });
      await ctx.reply("x".repeat(4097)).catch((e: unknown) => results.push(e instanceof GrammyError ? e.description : ""));
      await ctx.reply("   ").catch((e: unknown) => results.push(e instanceof GrammyError ? e.description : ""));
    });
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "/long");
    expect(fake.messages(u)).toHaveLength(1);
    expect(results).toEqual(["Bad Request: message is too long", "Bad Request: message text is empty"]);
  });

  it("callback_data over 64 UTF-8 bytes is rejected with BUTTON_DATA_INVALID", async () => {
    const results: string[] = [];
    bot.command("kb", async (ctx) => {
      await ctx.reply("ok", { reply_markup: new InlineKeyboard().text("a", "đ".repeat(32)) }); // 64 bytes
      await ctx
        .reply("too long", { reply_markup: new InlineKeyboard().text("a", `x${"đ".repeat(32)}`) }) // 65 bytes
        .catch((e: unknown) => results.push(e instanceof GrammyError ? e.description : ""));
    });
    await start();
    const u = fake.user();
    await fake.sendText(u, "private", "/kb");
    expect(fake.messages(u).map((m) => m.text)).toEqual(["ok"]);
    expect(results).toEqual(["Bad Request: BUTTON_DATA_INVALID"]);
  });

  it("sending to a user who never started the bot fails with 403", async () => {
    const stranger = fake.user();
    await start();
    const err = await bot.api.sendMessage(stranger.id, "hi").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({ error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
    await fake.sendText(stranger, "private", "/start");
    await expect(bot.api.sendMessage(stranger.id, "hi")).resolves.toMatchObject({ text: "hi" });
  });

  it("a removed bot gets my_chat_member and its sends to the group fail with 403", async () => {
    const statuses: string[] = [];
    bot.on("my_chat_member", (ctx) => {
      statuses.push(ctx.myChatMember.new_chat_member.status);
    });
    await start();
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    await bot.api.sendMessage(group.id, "before");
    await fake.removeBotFromGroup(group);
    expect(statuses).toEqual(["kicked"]);
    await expect(bot.api.sendMessage(group.id, "after")).rejects.toMatchObject({
      error_code: 403,
      description: "Forbidden: bot was kicked from the group chat",
    });
  });

  it("after migration to a supergroup the old id answers 400 with migrate_to_chat_id", async () => {
    const migrated: number[] = [];
    bot.on("message:migrate_to_chat_id", (ctx) => {
      migrated.push(ctx.message.migrate_to_chat_id);
    });
    await start();
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    const oldId = group.id;
    const newId = await fake.migrateToSupergroup(group);
    expect(group.id).toBe(newId);
    expect(migrated).toEqual([newId]);
    await expect(bot.api.sendMessage(oldId, "x")).rejects.toMatchObject({
      error_code: 400,
      parameters: { migrate_to_chat_id: newId },
    });
    await bot.api.sendMessage(newId, "x");
    expect(fake.messages(group).map((m) => m.text)).toEqual(["x"]);
  });

  it("getChatMember and getChatAdministrators reflect the simulated group", async () => {
    await start();
    const creator = fake.user();
    const admin = fake.user();
    const member = fake.user();
    const outsider = fake.user();
    const group = fake.createGroup({ title: "G", creator, admins: [admin], members: [member] });
    const status = async (id: number): Promise<string> => (await bot.api.getChatMember(group.id, id)).status;
    expect(await status(creator.id)).toBe("creator");
    expect(await status(admin.id)).toBe("administrator");
    expect(await status(member.id)).toBe("member");
    expect(await status(outsider.id)).toBe("left");
    expect(await status(fake.botUser.id)).toBe("member");
    await fake.setAdmin(group, member, true);
    expect(await status(member.id)).toBe("administrator");
    const admins = await bot.api.getChatAdministrators(group.id);
    expect(admins.map((a) => a.user.id).sort()).toEqual([creator.id, admin.id, member.id].sort());
    expect(await bot.api.getChat(group.id)).toMatchObject({ id: group.id, type: "group", title: "G" });
  });

  it("setMyCommands is stored per scope and language_code", async () => {
    await start();
    const group = fake.createGroup({ title: "G", creator: fake.user() });
    await bot.api.setMyCommands([{ command: "start", description: "Bắt đầu" }]);
    await bot.api.setMyCommands([{ command: "start", description: "Start" }], { language_code: "en" });
    await bot.api.setMyCommands([{ command: "hop", description: "Mở cuộc họp" }], { scope: { type: "all_group_chats" } });
    await bot.api.setMyCommands([{ command: "ketthuc", description: "Kết thúc" }], {
      scope: { type: "chat_administrators", chat_id: group.id },
    });

    expect(fake.commands()).toEqual([{ command: "start", description: "Bắt đầu" }]);
    expect(fake.commands(undefined, "en")).toEqual([{ command: "start", description: "Start" }]);
    expect(fake.commands({ type: "all_group_chats" })).toEqual([{ command: "hop", description: "Mở cuộc họp" }]);
    expect(fake.commands({ type: "chat_administrators", chat_id: group.id })).toHaveLength(1);
    expect(fake.commands({ type: "all_private_chats" })).toEqual([]);
    expect(await bot.api.getMyCommands({ language_code: "en" })).toEqual([{ command: "start", description: "Start" }]);
    await bot.api.deleteMyCommands({ language_code: "en" });
    expect(fake.commands(undefined, "en")).toEqual([]);
    await expect(bot.api.setMyCommands([{ command: "Bad-Cmd", description: "x" }])).rejects.toMatchObject({
      description: "Bad Request: BOT_COMMAND_INVALID",
    });
  });

  it("a second getUpdates consumer gets 409 Conflict", async () => {
    await start();
    const other = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    await expect(other.api.getUpdates({ timeout: 0 })).resolves.toEqual([]);
    // the running bot's pending long poll was terminated by the call above; grammY rethrows 409 and stops polling
    await fake.waitFor(() => !bot.isRunning());
    const conflicts = fake.callsTo("getUpdates").filter((c) => c.error_code === 409);
    expect(conflicts[0]?.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    running = undefined;
  });
});
