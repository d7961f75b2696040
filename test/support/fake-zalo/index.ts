/**
 * Fake Zalo Bot API server for tests: the real Zalo client talks to it over HTTP on 127.0.0.1 and simulated
 * members talk to the bot. Follows "A fake server for tests must" in the project's Zalo notes.
 *
 * Usage (long polling):
 *
 *   const zalo = await FakeZalo.start();
 *   const client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
 *   const lan = zalo.user("Lan");
 *   await zalo.sendText(zalo.privateChat(lan), lan, "xin chào");   // queued for getUpdates
 *   const update = await client.getUpdates(30);                      // ONE update; null after a 408
 *   await client.sendMessage(lan.id, "Chào Lan");
 *   expect(zalo.lastBotMessage(lan)?.text).toBe("Chào Lan");
 *   await zalo.stop();
 *
 * - Groups (beta on Zalo): a member's message reaches the bot only if it contains `@<botName>` or replies to a
 *   bot message; everything is still recorded in `zalo.messages(group)`.
 * - Private chats: the bot may write to a user only after they wrote to it (403 before).
 * - Webhooks: `setWebhook` needs https (http too with `allowHttpWebhook`), a secret of 8–256 chars; POSTs carry
 *   `X-Bot-Api-Secret-Token`, alternate the bare and envelope body shapes by default, are not retried;
 *   `replayLast()` re-delivers an update with the same message_id. getUpdates answers 400 while a webhook is set.
 * - Failures: `failNext(method, { errorCode })`, `dropNext(method)` (connection destroyed), `quota` (429).
 * - Member actions resolve once the update is handed over (queued, or the webhook POST answered); for what the
 *   bot does afterwards use `zalo.waitFor(() => ...)`.
 */
export { FakeZalo } from "./fake-zalo.js";
export { FakeZaloError } from "./errors.js";
export { METHODS } from "./server.js";
export type * from "./types.js";
