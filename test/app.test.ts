import { afterEach, describe, expect, it } from "vitest";
import { last, setUpCell } from "./support/builders.js";
import { startHarness, type Harness } from "./support/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("webhook mode", () => {
  it("registers its webhook with the secret and serves updates posted by Telegram", async () => {
    h = await startHarness({ mode: "webhook" });
    const info = h.fake.callsTo("setWebhook").at(-1)!;
    expect(info.params.url).toBe(`http://127.0.0.1:${h.app.httpPort}/telegram`);
    expect(info.params.secret_token).toBe("test-webhook-secret");
    const { cell } = await setUpCell(h, { title: "Chi bộ webhook" });
    expect(cell.name).toBe("Chi bộ webhook");
  });

  it("refuses a post without the right secret and does no work", async () => {
    h = await startHarness({ mode: "webhook" });
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 5, type: "private", first_name: "X" },
        from: { id: 5, is_bot: false, first_name: "X" },
        text: "/start",
      },
    };
    const response = await fetch(`http://127.0.0.1:${h.app.httpPort}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong-secret" },
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(401);
    expect(await h.db.platformIdentity.count()).toBe(0);
    expect(h.logs.some((line) => line.msg === "webhook call with a wrong secret refused")).toBe(true);
  });

  it("answers /healthz with the database's state", async () => {
    h = await startHarness({ mode: "webhook" });
    const response = await fetch(`http://127.0.0.1:${h.app.httpPort}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe("the error boundary", () => {
  it("answers politely when a handler fails, logs it with the update id, and keeps serving", async () => {
    h = await startHarness();
    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Chi bộ khối 6", creator: admin });
    h.fake.failNext("getChatMember", { error_code: 400, description: "Bad Request: something broke" });
    const failed = await h.fake.sendText(admin, group, "/setup");
    expect(last(h, group).text).toContain("Xin lỗi, có lỗi khi xử lý yêu cầu");
    const logged = h.logs.find((line) => line.msg === "update handling failed");
    expect(logged?.update_id).toBe(failed.update_id);
    await h.fake.sendText(admin, group, "/help");
    expect(last(h, group).text).toContain("Các lệnh");
  });

  it("escapes HTML typed by users wherever it is shown back", async () => {
    h = await startHarness();
    const admin = h.fake.user();
    const group = h.fake.createGroup({ title: "Nhóm", creator: admin });
    await h.fake.sendText(admin, group, "/setup");
    await h.fake.sendText(admin, group, 'Chi bộ <b>Khối 1</b> & "A"', { replyTo: last(h, group).message_id });
    expect(last(h, group).text).toContain("bước 2/3");
    await h.fake.pressButton(admin, group, last(h, group).message_id, (b) => b.callback_data === "setup:type:agency");
    expect(last(h, group).text).toContain('Tên: Chi bộ <b>Khối 1</b> & "A"');
  });
});

describe("shutdown", () => {
  it("stops taking updates and closes the database when asked to stop, once", async () => {
    h = await startHarness();
    await h.app.stop();
    await h.app.stop(); // a second signal is harmless
    expect(h.logs.filter((line) => line.msg === "chibo stopped")).toHaveLength(1);
    const user = h.fake.user();
    const pending = h.fake.sendText(user, "private", "/start"); // arrives while the bot is down
    expect(h.fake.lastMessage(user)).toBeUndefined();
    await h.restart();
    await pending;
    expect(h.fake.messages(user).filter((m) => m.text.includes("Xin chào"))).toHaveLength(1);
  });
});
