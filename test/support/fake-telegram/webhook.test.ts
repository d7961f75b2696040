/** Webhook delivery: the fake POSTs updates to grammY's webhookCallback on a local node:http server. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, InlineKeyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, runWebhook, type RunningWebhook } from "./index.js";

let fake: FakeTelegram;
let bot: Bot;
let hook: RunningWebhook | undefined;

beforeEach(async () => {
  fake = await FakeTelegram.start({ limits: false, webhookRetryDelayMs: 1 });
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});

afterEach(async () => {
  await hook?.stop();
  hook = undefined;
  await fake.close();
});

describe("webhook delivery", () => {
  it("POSTs the update with the secret token header; the action resolves after the 2xx answer", async () => {
    bot.command("start", async (ctx) => {
      await ctx.reply("Chào bạn");
    });
    hook = await runWebhook(bot, { secretToken: "s3cr3t_Token-1" });
    const u = fake.user();

    const result = await fake.sendText(u, "private", "/start");

    expect(result).toMatchObject({ delivered: true, handled: true });
    expect(fake.lastMessage(u)?.text).toBe("Chào bạn");
    expect(fake.webhookDeliveries).toEqual([expect.objectContaining({ update_id: result.update_id, attempt: 1, status: 200 })]);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url: hook.url, pending_update_count: 0, has_custom_certificate: false });
  });

  it("a wrong secret token makes grammY answer 401; the fake retries, gives up and reports last_error_message", async () => {
    bot.on("message", () => undefined);
    hook = await runWebhook(bot, { secretToken: "right" });
    await bot.api.setWebhook(hook.url, { secret_token: "wrong" });
    const u = fake.user();

    const result = await fake.sendText(u, "private", "hello");

    expect(result).toMatchObject({ delivered: true, handled: false });
    expect(result.reason).toContain("401");
    expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([401, 401, 401, 401]);
    const info = await bot.api.getWebhookInfo();
    expect(info.last_error_message).toBe("Wrong response from the webhook: 401 Unauthorized");
    expect(typeof info.last_error_date).toBe("number");
  });

  it("a handler error answers 500 and Telegram redelivers the same update until it succeeds", async () => {
    let attempts = 0;
    bot.on("message:text", async (ctx) => {
      attempts++;
      if (attempts === 1) throw new Error("database busy");
      await ctx.reply(`ok after ${attempts}`);
    });
    hook = await runWebhook(bot);
    const u = fake.user();

    const result = await fake.sendText(u, "private", "hi");

    expect(result.handled).toBe(true);
    expect(fake.webhookDeliveries.map((d) => [d.update_id, d.status])).toEqual([
      [result.update_id, 500],
      [result.update_id, 200],
    ]);
    expect(fake.messages(u).map((m) => m.text)).toEqual(["ok after 2"]);
  });

  it("connection errors are retried and reported", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await bot.api.setWebhook(`http://127.0.0.1:${port}/hook`);

    const result = await fake.sendText(fake.user(), "private", "hi");

    expect(result.handled).toBe(false);
    expect(fake.webhookDeliveries).toHaveLength(4);
    expect((await bot.api.getWebhookInfo()).last_error_message).toMatch(/^Connection refused or failed/);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
  });

  it("getUpdates while a webhook is set is 409 Conflict", async () => {
    hook = await runWebhook(bot);
    await expect(bot.api.getUpdates()).rejects.toMatchObject({
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });

  it("setWebhook accepts only local hosts (and https for anything else)", async () => {
    await expect(bot.api.setWebhook("https://example.com/hook")).rejects.toMatchObject({
      error_code: 400,
      description: expect.stringMatching(/^Bad Request: bad webhook: /),
    });
    await expect(bot.api.setWebhook("http://example.com/hook")).rejects.toMatchObject({
      description: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    });
    await expect(bot.api.setWebhook("http://localhost:1/hook")).resolves.toBe(true);
    await bot.api.deleteWebhook();
  });

  it("method calls returned in the webhook response (webhook reply) are executed", async () => {
    const replyBot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot, canUseWebhookReply: (m) => m === "sendMessage" } });
    replyBot.command("ping", (ctx) => ctx.reply("pong"));
    hook = await runWebhook(replyBot);
    const u = fake.user();
    await fake.sendText(u, "private", "/ping");
    expect(fake.lastMessage(u)?.text).toBe("pong");
  });

  it("privacy mode applies too: plain group text is never POSTed", async () => {
    bot.on("message", () => undefined);
    hook = await runWebhook(bot);
    const creator = fake.user();
    const group = fake.createGroup({ title: "G", creator });
    expect((await fake.sendText(creator, group, "just chatting")).delivered).toBe(false);
    expect((await fake.sendText(creator, group, "/help")).delivered).toBe(true);
    expect(fake.webhookDeliveries).toHaveLength(1);
  });

  it("button press, answer and edit work the same over webhooks", async () => {
    bot.command("vote", (ctx) => ctx.reply("Vote?", { reply_markup: new InlineKeyboard().text("Yes", "y") }));
    bot.callbackQuery("y", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Thanks", show_alert: true });
      await ctx.editMessageReplyMarkup({ reply_markup: new InlineKeyboard().text("Voted ✓", "done") });
    });
    hook = await runWebhook(bot);
    const creator = fake.user();
    const group = fake.createGroup({ title: "G", creator });
    await fake.sendText(creator, group, "/vote");
    const msg = fake.lastMessage(group);
    const press = await fake.pressButton(creator, group, msg?.message_id ?? 0, "Yes");
    expect(press.answer).toEqual({ text: "Thanks", show_alert: true });
    expect(fake.lastMessage(group)?.buttons).toEqual([["Voted ✓"]]);
  });
});
