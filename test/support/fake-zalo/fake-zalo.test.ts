/** The fake Zalo Bot API server keeps the contract in the project's Zalo notes ("A fake server for tests must"). */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZaloClient } from "../../../src/channels/zalo/client.js";
import { parseZaloWebhookBody } from "../../../src/channels/zalo/updates.js";
import { FakeZalo, type FakeZaloOptions } from "./index.js";

let zalo: FakeZalo;
let client: ZaloClient;

async function restart(opts: FakeZaloOptions): Promise<void> {
  await zalo.stop();
  zalo = await FakeZalo.start(opts);
  client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
}

beforeEach(async () => {
  zalo = await FakeZalo.start({ maxPollMs: 100 });
  client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
});

afterEach(async () => {
  await zalo.stop();
});

/** Raw POST, to check envelopes and HTTP statuses exactly as the fake sends them. */
async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${zalo.apiRoot}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

interface Hook {
  url: string;
  received: { headers: IncomingHttpHeaders; body: unknown }[];
  close(): Promise<void>;
}

async function webhookReceiver(status = 200): Promise<Hook> {
  const received: Hook["received"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
      res.writeHead(status).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/zalo/webhook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("HTTP contract", () => {
  it("answers a bad token with 401 in the error envelope", async () => {
    expect(await post("/botWRONG:token/getMe", {})).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: "Unauthorized" },
    });
  });

  it("answers an unknown method with 400 in the error envelope", async () => {
    const res = await post(`/bot${zalo.token}/editMessageText`, {});
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ ok: false, error_code: 400 });
  });

  it("an empty long poll answers HTTP 408 with ok:false, error_code 408", async () => {
    const res = await post(`/bot${zalo.token}/getUpdates`, { timeout: "30" });
    expect(res).toEqual({ status: 408, json: { ok: false, error_code: 408, description: "Request Timeout" } });
  });

  it("getUpdates answers ONE update object (not an array), oldest first", async () => {
    const lan = zalo.user("Lan");
    const first = await zalo.sendText(lan, lan, "1");
    await zalo.sendText(lan, lan, "2");

    const res = await post(`/bot${zalo.token}/getUpdates`, { timeout: "30" });

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, result: { event_name: "message.text.received", message: { message_id: first } } });
    expect(Array.isArray((res.json as { result: unknown }).result)).toBe(false);
    expect(zalo.pendingUpdates).toBe(1);
  });

  it("validates text length 1–2000, parse_mode and photo URLs with 400", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });
    for (const params of [
      { chat_id: lan.id, text: "" },
      { chat_id: lan.id, text: "x".repeat(2001) },
      { chat_id: lan.id, text: "hi", parse_mode: "MarkdownV2" },
      { chat_id: lan.id },
    ]) {
      expect((await post(`/bot${zalo.token}/sendMessage`, params)).status).toBe(400);
    }
    expect((await post(`/bot${zalo.token}/sendPhoto`, { chat_id: lan.id, photo: "file:///etc/passwd" })).status).toBe(400);
    expect(zalo.botMessages(lan)).toEqual([]);
  });

  it("failNext fails exactly `count` calls of that method, then the method works again", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });
    zalo.failNext("sendMessage", { errorCode: 500, count: 2 });

    await expect(client.sendMessage(lan.id, "a")).rejects.toMatchObject({ errorCode: 500 });
    await expect(client.getMe()).resolves.toMatchObject({ account_name: "Chibo" });
    await expect(client.sendMessage(lan.id, "b")).rejects.toMatchObject({ errorCode: 500 });
    await expect(client.sendMessage(lan.id, "c")).resolves.toMatchObject({ message_id: expect.any(String) });
    expect(zalo.botMessages(lan).map((m) => m.text)).toEqual(["c"]);
    expect(zalo.stats.injectedFailures).toBe(2);
  });

  it("failNext refuses a method name the fake does not serve (catches typos in tests)", () => {
    expect(() => zalo.failNext("sendmessage", { errorCode: 429 })).toThrow(/no method "sendmessage"/);
  });

  it("the total quota answers 429 Quota exceeded once used up, in every chat", async () => {
    await restart({ quota: { total: 1 } });
    const lan = zalo.user("Lan", { wroteToBot: true });
    const group = zalo.createGroup("Chi bộ 1", [lan]);
    await client.sendMessage(group.id, "ok");

    const res = await post(`/bot${zalo.token}/sendMessage`, { chat_id: lan.id, text: "over" });

    expect(res).toEqual({ status: 429, json: { ok: false, error_code: 429, description: "Quota exceeded" } });
    expect(zalo.stats).toMatchObject({ rateLimited: 1, quotaExceeded: 1 });
  });

  it("records every call with its params and outcome", async () => {
    const lan = zalo.user("Lan");
    await expect(client.sendMessage(lan.id, "hi")).rejects.toMatchObject({ errorCode: 403 });
    expect(zalo.calls()).toEqual([
      expect.objectContaining({ method: "sendMessage", params: { chat_id: lan.id, text: "hi" }, ok: false, error_code: 403 }),
    ]);
  });
});

describe("private chats", () => {
  it("the bot can't message a user who never wrote to it (403); after they write it can", async () => {
    const lan = zalo.user("Lan");

    await expect(client.sendMessage(lan.id, "Chào")).rejects.toMatchObject({ errorCode: 403 });
    expect(zalo.hasWrittenToBot(lan)).toBe(false);
    await zalo.sendText(zalo.privateChat(lan), lan, "xin chào");

    expect(zalo.hasWrittenToBot(lan)).toBe(true);
    await client.sendMessage(lan.id, "Chào");
    expect(zalo.messages(lan).map((m) => [m.from, m.text])).toEqual([
      [lan.id, "xin chào"],
      ["bot", "Chào"],
    ]);
  });

  it("a chat id nobody has is refused with 400", async () => {
    await expect(client.sendMessage("0123456789abcdef0123", "hi")).rejects.toMatchObject({ errorCode: 400 });
  });

  it("ids are 20 hex chars and dates are milliseconds", async () => {
    const lan = zalo.user("Lan");
    const before = Date.now();
    const id = await zalo.sendText(lan, lan, "hi");
    expect(lan.id).toMatch(/^[0-9a-f]{20}$/);
    expect(id).toMatch(/^[0-9a-f]{20}$/);
    expect(zalo.messages(lan)[0]?.date).toBeGreaterThanOrEqual(before);
  });
});

describe("groups (beta): the bot sees only @mentions and replies to its own messages", () => {
  it("a plain group message is recorded but NOT forwarded to the bot", async () => {
    const lan = zalo.user("Lan");
    const group = zalo.createGroup("Chi bộ 3", [lan]);

    await zalo.sendText(group, lan, "mai họp lúc mấy giờ?");

    expect(zalo.pendingUpdates).toBe(0);
    expect(await client.getUpdates(1)).toBeNull();
    expect(zalo.messages(group)).toEqual([
      expect.objectContaining({ from: lan.id, text: "mai họp lúc mấy giờ?", forwarded: false }),
    ]);
  });

  it("an @mention of the bot (any case) is forwarded as a GROUP message", async () => {
    const lan = zalo.user("Lan");
    const group = zalo.createGroup("Chi bộ 3", [lan]);

    const id = await zalo.sendText(group, lan, "@chibo 2 ốm #K7A");

    const update = await client.getUpdates(1);
    expect(update).toMatchObject({
      event_name: "message.text.received",
      message: { message_id: id, text: "@chibo 2 ốm #K7A", chat: { id: group.id, chat_type: "GROUP" }, from: { id: lan.id } },
    });
  });

  it("a reply to a bot message is forwarded with reply_to_message; a reply to a member is not forwarded", async () => {
    const lan = zalo.user("Lan");
    const hoa = zalo.user("Hoa");
    const group = zalo.createGroup("Chi bộ 3", [lan]);
    zalo.addToGroup(group, hoa);
    const prompt = await client.sendMessage(group.id, "Trả lời tin này: 1 dự họp, 2 vắng");
    const chatter = await zalo.sendText(group, hoa, "mình đi được");

    await zalo.sendText(group, lan, "đồng ý", { replyTo: chatter });
    const answer = await zalo.sendText(group, lan, "1", { replyTo: prompt.message_id });

    expect(zalo.pendingUpdates).toBe(1);
    const update = await client.getUpdates(1);
    expect(update?.message).toMatchObject({ message_id: answer, text: "1", reply_to_message: { message_id: prompt.message_id } });
  });

  it("with replyIds: false a reply to the bot still reaches it, but without reply_to_message", async () => {
    await restart({ replyIds: false, maxPollMs: 100 });
    const lan = zalo.user("Lan");
    const group = zalo.createGroup("Chi bộ 3", [lan]);
    const prompt = await client.sendMessage(group.id, "Trả lời tin này");

    await zalo.sendText(group, lan, "2 ốm #K7A", { replyTo: prompt.message_id });

    const update = await client.getUpdates(1);
    expect(update?.message.text).toBe("2 ốm #K7A");
    expect(update?.message).not.toHaveProperty("reply_to_message");
    expect(zalo.messages(group).at(-1)?.reply_to).toBe(prompt.message_id);
  });

  it("the bot can write in a group it is in; once out of it, it gets nothing and its sends are 403", async () => {
    const lan = zalo.user("Lan");
    const group = zalo.createGroup("Chi bộ 3", [lan]);
    await client.sendMessage(group.id, "Chào chi bộ");

    zalo.setBotInGroup(group, false);
    await zalo.sendText(group, lan, "@Chibo còn đó không?");

    expect(zalo.pendingUpdates).toBe(0);
    await expect(client.sendMessage(group.id, "hi")).rejects.toMatchObject({ errorCode: 403 });
  });

  it("a user outside the group can't write in it (the simulation refuses)", async () => {
    const group = zalo.createGroup("Chi bộ 3", []);
    await expect(zalo.sendText(group, zalo.user("Người lạ"), "@Chibo hi")).rejects.toThrow(/not a member/);
  });

  it("messages are recorded per chat, in order, members' and the bot's together", async () => {
    const lan = zalo.user("Lan");
    const a = zalo.createGroup("A", [lan]);
    const b = zalo.createGroup("B", [lan]);
    await zalo.sendText(a, lan, "ở A");
    await client.sendMessage(b.id, "bot ở B");
    await client.sendMessage(a.id, "bot ở A");
    await client.sendPhoto(a.id, "https://example.com/tally.png", "Kết quả");

    expect(zalo.messages(a).map((m) => [m.from, m.text ?? m.caption])).toEqual([
      [lan.id, "ở A"],
      ["bot", "bot ở A"],
      ["bot", "Kết quả"],
    ]);
    expect(zalo.botMessages(b).map((m) => m.text)).toEqual(["bot ở B"]);
    expect(zalo.lastBotMessage(a)).toMatchObject({ kind: "image", photo: "https://example.com/tally.png" });
  });
});

describe("webhooks", () => {
  let hook: Hook | undefined;

  afterEach(async () => {
    await hook?.close();
    hook = undefined;
  });

  it("setWebhook accepts only https urls by default and secrets of 8–256 chars", async () => {
    await expect(client.setWebhook("http://127.0.0.1:1/hook", "secret-123")).rejects.toMatchObject({ errorCode: 400 });
    await expect(client.setWebhook("https://bot.example.vn/zalo", "short")).rejects.toMatchObject({ errorCode: 400 });
    await expect(client.setWebhook("https://bot.example.vn/zalo", "x".repeat(257))).rejects.toMatchObject({ errorCode: 400 });
    await expect(client.setWebhook("https://bot.example.vn/zalo", "x".repeat(8))).resolves.toMatchObject({
      url: "https://bot.example.vn/zalo",
    });
    expect(zalo.webhook).toEqual({ url: "https://bot.example.vn/zalo", secretToken: "x".repeat(8) });
  });

  it("POSTs member messages with the X-Bot-Api-Secret-Token header, alternating bare and envelope bodies", async () => {
    await restart({ allowHttpWebhook: true });
    hook = await webhookReceiver();
    await client.setWebhook(hook.url, "webhook-secret-1");
    const lan = zalo.user("Lan");

    const first = await zalo.sendText(lan, lan, "một");
    const second = await zalo.sendText(lan, lan, "hai");

    expect(hook.received.map((r) => r.headers["x-bot-api-secret-token"])).toEqual(["webhook-secret-1", "webhook-secret-1"]);
    const [bare, envelope] = hook.received.map((r) => r.body);
    expect(bare).toMatchObject({ event_name: "message.text.received", message: { message_id: first } });
    expect(bare).not.toHaveProperty("ok");
    expect(envelope).toMatchObject({
      ok: true,
      result: { event_name: "message.text.received", message: { message_id: second } },
    });
    expect(parseZaloWebhookBody(bare)?.message.text).toBe("một");
    expect(parseZaloWebhookBody(envelope)?.message.text).toBe("hai");
    expect(zalo.webhookDeliveries.map((d) => [d.shape, d.status])).toEqual([
      ["bare", 200],
      ["envelope", 200],
    ]);
  });

  it("webhookShape fixes the body shape", async () => {
    await restart({ allowHttpWebhook: true, webhookShape: "envelope" });
    hook = await webhookReceiver();
    await client.setWebhook(hook.url, "webhook-secret-1");
    const lan = zalo.user("Lan");
    await zalo.sendText(lan, lan, "một");
    await zalo.sendText(lan, lan, "hai");
    expect(hook.received.map((r) => (r.body as { ok?: unknown }).ok)).toEqual([true, true]);
  });

  it("replayLast re-delivers the same message_id (for deduplication tests)", async () => {
    await restart({ allowHttpWebhook: true, webhookShape: "bare" });
    hook = await webhookReceiver();
    await client.setWebhook(hook.url, "webhook-secret-1");
    const lan = zalo.user("Lan");
    const id = await zalo.sendText(lan, lan, "1 dự họp");

    expect(await zalo.replayLast()).toBe(id);

    const ids = hook.received.map((r) => parseZaloWebhookBody(r.body)?.message.message_id);
    expect(ids).toEqual([id, id]);
    expect(zalo.webhookDeliveries.map((d) => d.replay)).toEqual([false, true]);
    expect(zalo.messages(lan)).toHaveLength(1);
  });

  it("a group's plain chatter is never POSTed; an @mention is", async () => {
    await restart({ allowHttpWebhook: true });
    hook = await webhookReceiver();
    await client.setWebhook(hook.url, "webhook-secret-1");
    const lan = zalo.user("Lan");
    const group = zalo.createGroup("Chi bộ 3", [lan]);

    await zalo.sendText(group, lan, "chuyện phiếm");
    await zalo.sendText(group, lan, "@Chibo /ds K7A");

    expect(hook.received.map((r) => parseZaloWebhookBody(r.body)?.message.text)).toEqual(["@Chibo /ds K7A"]);
  });

  it("a failing webhook is recorded, not retried, and does not break the member's action", async () => {
    await restart({ allowHttpWebhook: true });
    hook = await webhookReceiver(500);
    await client.setWebhook(hook.url, "webhook-secret-1");
    const lan = zalo.user("Lan");

    await zalo.sendText(lan, lan, "hi");

    expect(zalo.webhookDeliveries.map((d) => d.status)).toEqual([500]);
    expect(hook.received).toHaveLength(1);
  });

  it("messages queued before setWebhook are pushed once it is set", async () => {
    await restart({ allowHttpWebhook: true });
    const lan = zalo.user("Lan");
    await zalo.sendText(lan, lan, "trước");
    hook = await webhookReceiver();

    await client.setWebhook(hook.url, "webhook-secret-1");

    const h = hook;
    await zalo.waitFor(() => h.received.length === 1);
    expect(zalo.pendingUpdates).toBe(0);
  });
});
