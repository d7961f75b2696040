import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ mode: "webhook" });
});
afterEach(async () => h.stop());

const url = (path: string) => `http://127.0.0.1:${h.app.httpPort}${path}`;
const post = (body: string, secret = "test-webhook-secret") =>
  fetch(url("/telegram"), {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body,
  });

describe("the HTTP side in webhook mode", () => {
  it("answers liveness and readiness, and exposes Prometheus metrics with handled updates and queue depths", async () => {
    expect((await fetch(url("/livez"))).status).toBe(200);
    expect(await (await fetch(url("/readyz"))).json()).toEqual({ ok: true });
    const member = h.fake.user();
    await h.fake.sendText(member, "private", "/help");
    const text = await (await fetch(url("/metrics"))).text();
    expect(text).toContain("# TYPE chibo_updates_handled_total counter");
    expect(text).toMatch(/chibo_updates_handled_total\{kind="command",platform="telegram"\} [1-9]/);
    expect(text).toMatch(/chibo_update_handler_seconds_count\{platform="telegram"\} [1-9]/);
    expect(text).toMatch(/chibo_inbox_updates\{status="done"\} [1-9]/);
    expect(text).toMatch(/^chibo_inbox_idle_workers [0-4]$/m);
  });

  it("refuses an oversized or malformed update without doing any work", async () => {
    const huge = JSON.stringify({ update_id: 1, message: { text: "x".repeat(2 * 1024 * 1024) } });
    expect((await post(huge)).status).toBe(413);
    expect((await post("{ not json")).status).toBe(400);
    expect((await post(JSON.stringify({ hello: "world" }))).status).toBe(400);
    expect(await h.db.inboundUpdate.count()).toBe(0);
  });

  it("handles an update Telegram sends twice only once", async () => {
    const member = h.fake.user();
    await h.fake.sendText(member, "private", "/start");
    const before = h.fake.messages(member).length;
    const update = {
      update_id: 987654,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: member.id, type: "private", first_name: member.first_name },
        from: member,
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    expect((await post(JSON.stringify(update))).status).toBe(200);
    expect((await post(JSON.stringify(update))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.messages(member)).toHaveLength(before + 1);
    expect(await h.db.inboundUpdate.count({ where: { updateId: "987654" } })).toBe(1);
  });
});
