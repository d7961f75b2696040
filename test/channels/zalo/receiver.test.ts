import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../support/harness.js";
import { zaloMessage, zaloOf } from "../../support/zalo-builders.js";

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ mode: "webhook", zalo: { webhookShape: "alternate" } });
});
afterEach(async () => h.stop());

const webhookUrl = () => `http://127.0.0.1:${h.app.httpPort}/zalo`;

describe("Zalo updates by webhook", () => {
  it("registers its webhook with the secret, and answers messages in both body shapes", async () => {
    const zalo = zaloOf(h);
    expect(zalo.webhook).toEqual({ url: webhookUrl(), secretToken: "test-zalo-secret" });
    const lan = zalo.user("Lan");
    const chat = zalo.privateChat(lan);
    await zalo.sendText(chat, lan, "/help");
    await zalo.sendText(chat, lan, "/lang");
    await zaloMessage(h, chat, (text) => text.includes("1. "));
    const delivered = zalo.webhookDeliveries.filter((delivery) => delivery.status === 200);
    expect(new Set(delivered.map((delivery) => delivery.shape))).toEqual(new Set(["bare", "envelope"]));
    expect(zalo.botMessages(chat).length).toBeGreaterThanOrEqual(2);
  });

  it("serves a ward on Zalo only (no Telegram token) by webhook, with health and metrics", async () => {
    await h.stop();
    h = await startHarness({ mode: "webhook", zalo: {}, telegram: false });
    const zalo = zaloOf(h);
    expect(zalo.webhook).toEqual({ url: webhookUrl(), secretToken: "test-zalo-secret" });
    const lan = zalo.user("Lan");
    const chat = zalo.privateChat(lan);
    await zalo.sendText(chat, lan, "/help");
    expect((await zaloMessage(h, chat, (text) => text.includes("/"))).text).toContain("/");
    expect((await fetch(`http://127.0.0.1:${h.app.httpPort}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${h.app.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/chibo_updates_handled_total\{kind="command",platform="zalo"\} [1-9]/);
    expect(h.fake.calls).toEqual([]);
  });

  it("handles a message delivered twice only once", async () => {
    const zalo = zaloOf(h);
    const lan = zalo.user("Lan");
    const chat = zalo.privateChat(lan);
    await zalo.sendText(chat, lan, "/help");
    await zaloMessage(h, chat, () => true);
    const answers = zalo.botMessages(chat).length;
    await zalo.replayLast();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(zalo.botMessages(chat)).toHaveLength(answers);
  });

  it("refuses a call with a wrong secret or a body that is not an update, and does no work", async () => {
    const body = JSON.stringify({
      event_name: "message.text.received",
      message: {
        message_id: "abc123",
        date: Date.now(),
        text: "/help",
        from: { id: "aa11", display_name: "Kẻ lạ", is_bot: false },
        chat: { id: "aa11", chat_type: "PRIVATE" },
      },
    });
    const wrong = await fetch(webhookUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", "x-bot-api-secret-token": "not-the-secret" },
      body,
    });
    expect(wrong.status).toBe(401);
    const junk = await fetch(webhookUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", "x-bot-api-secret-token": "test-zalo-secret" },
      body: "{ not json",
    });
    expect(junk.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.db.platformIdentity.count({ where: { platform: "zalo" } })).toBe(0);
    expect(h.logs.some((line) => line.msg === "webhook call with a wrong secret refused" && line.platform === "zalo")).toBe(true);
  });
});
