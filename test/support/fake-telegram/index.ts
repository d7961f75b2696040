/**
 * Fake Telegram Bot API server for integration tests: the REAL grammY bot talks
 * to it over HTTP on 127.0.0.1 and simulated users talk to the bot.
 *
 * Usage (long polling):
 *
 *   const fake = await FakeTelegram.start();
 *   const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
 *   bot.command("start", (ctx) => ctx.reply("Xin chào!"));
 *   void bot.start();
 *   const lan = fake.user({ first_name: "Lan" });
 *   await fake.sendText(lan, "private", "/start");      // resolves after the bot handled it
 *   expect(fake.lastMessage(lan)?.text).toBe("Xin chào!");
 *   await bot.stop();
 *   await fake.close();
 *
 * Webhooks: run `webhookCallback(bot, "http", { secretToken })` on a local
 * node:http server and call `bot.api.setWebhook(url, { secret_token })`; user
 * actions then resolve when the POST answered 2xx.
 *
 * - Groups follow privacy mode (plain texts are not delivered: `{ delivered: false }`).
 * - Calls are validated against bot-api-methods.json (generated from the Bot API
 *   spec by generate-spec-table.ts), text/caption/keyboard limits and the HTML
 *   parse mode are enforced, errors have Telegram's shape and HTTP status.
 * - Flood limits use the `now` clock option, so tests can move time by hand.
 * - Never sleep in tests: user actions resolve when the bot is done; for work
 *   the bot does later, use `fake.waitFor(() => ...)` or `fake.settled()`.
 */
export { FakeTelegram } from "./fake-telegram.js";
export { ApiError } from "./errors.js";
export { parseHtml } from "./html.js";
export { SIMULATED_METHODS } from "./server.js";
export type * from "./types.js";
export type { MemberStatus } from "./world.js";
export { runPolling, runWebhook, type RunningBot, type RunningWebhook } from "./harness.js";
