/** The Zalo client against the fake Zalo Bot API server: envelopes, errors, long polling. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZaloApiError, ZaloClient, ZaloNetworkError } from "../../../src/channels/zalo/client.js";
import { FakeZalo } from "../../support/fake-zalo/index.js";

let zalo: FakeZalo;
let client: ZaloClient;

beforeEach(async () => {
  zalo = await FakeZalo.start({ maxPollMs: 200, allowHttpWebhook: true });
  client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
});

afterEach(async () => {
  await zalo.stop();
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe("ZaloClient", () => {
  it("getMe returns the bot's id and account_name", async () => {
    await expect(client.getMe()).resolves.toEqual({
      id: zalo.botId,
      account_name: "Chibo",
      account_type: "BASIC",
      can_join_groups: true,
    });
  });

  it("sendMessage POSTs chat_id, text and parse_mode, and the fake records the message the member saw", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });

    const sent = await client.sendMessage(lan.id, "Chào <b>Lan</b>", "html");

    expect(sent.message_id).toMatch(/^[0-9a-f]{20}$/);
    expect(typeof sent.date).toBe("number");
    expect(zalo.botMessages(lan)).toEqual([
      expect.objectContaining({ message_id: sent.message_id, from: "bot", text: "Chào <b>Lan</b>", parse_mode: "html" }),
    ]);
    expect(zalo.calls("sendMessage")[0]?.params).toEqual({ chat_id: lan.id, text: "Chào <b>Lan</b>", parse_mode: "html" });
  });

  it("a 2001-character text is refused as ZaloApiError 400 and nothing reaches the chat; 2000 is accepted", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });

    const err = await rejection(client.sendMessage(lan.id, "a".repeat(2001)));

    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({ errorCode: 400, method: "sendMessage" });
    expect(zalo.botMessages(lan)).toEqual([]);
    await client.sendMessage(lan.id, "a".repeat(2000));
    expect(zalo.botMessages(lan)).toHaveLength(1);
  });

  it("a 429 answer surfaces as ZaloApiError with errorCode 429 and the platform's description", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });
    zalo.failNext("sendMessage", { errorCode: 429 });

    const err = await rejection(client.sendMessage(lan.id, "hi"));

    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({ errorCode: 429, description: "Quota exceeded" });
    expect(zalo.stats.rateLimited).toBe(1);
  });

  it("the quota option makes the client see 429 once a chat had its sends for the minute", async () => {
    await zalo.stop();
    zalo = await FakeZalo.start({ quota: { perMinutePerChat: 2 } });
    client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
    const lan = zalo.user("Lan", { wroteToBot: true });
    await client.sendMessage(lan.id, "1");
    await client.sendMessage(lan.id, "2");

    await expect(client.sendMessage(lan.id, "3")).rejects.toMatchObject({ errorCode: 429 });
    expect(zalo.stats.quotaExceeded).toBe(1);
    expect(zalo.botMessages(lan).map((m) => m.text)).toEqual(["1", "2"]);
  });

  it("a wrong token is ZaloApiError 401, and the error message never contains the token", async () => {
    const wrong = new ZaloClient({ token: "123:not-the-token", apiRoot: zalo.apiRoot });

    const err = await rejection(wrong.getMe());

    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({ errorCode: 401, method: "getMe" });
    expect(String(err)).not.toContain("not-the-token");
  });

  it("ok:false inside an HTTP 200 answer is still an error (both status and ok are checked)", async () => {
    const fakeFetch: typeof fetch = () =>
      Promise.resolve(new Response(JSON.stringify({ ok: false, error_code: 403, description: "Forbidden" }), { status: 200 }));
    const c = new ZaloClient({ token: "t", apiRoot: "http://unused.invalid", fetch: fakeFetch });
    await expect(c.sendMessage("x", "hi")).rejects.toMatchObject({ errorCode: 403, description: "Forbidden" });
  });

  it("a non-JSON answer is ZaloApiError 502 (HTTP 200) or the HTTP status (errors)", async () => {
    const html =
      (status: number): typeof fetch =>
      () =>
        Promise.resolve(new Response("<html>gateway</html>", { status }));
    await expect(new ZaloClient({ token: "t", fetch: html(200) }).getMe()).rejects.toMatchObject({ errorCode: 502 });
    await expect(new ZaloClient({ token: "t", fetch: html(503) }).getMe()).rejects.toMatchObject({ errorCode: 503 });
  });

  it("message_id given as a number is normalised to a string", async () => {
    const fakeFetch: typeof fetch = () =>
      Promise.resolve(new Response(JSON.stringify({ ok: true, result: { message_id: 12345, date: 1749632637199 } })));
    const c = new ZaloClient({ token: "t", fetch: fakeFetch });
    await expect(c.sendMessage("x", "hi")).resolves.toEqual({ message_id: "12345", date: 1749632637199 });
  });

  it("getUpdates sends the timeout as a string, returns ONE update, then null on the empty poll's 408", async () => {
    const lan = zalo.user("Lan");
    const first = await zalo.sendText(zalo.privateChat(lan), lan, "một");
    await zalo.sendText(zalo.privateChat(lan), lan, "hai");

    const u1 = await client.getUpdates(30);
    const u2 = await client.getUpdates(30);
    const started = Date.now();
    const u3 = await client.getUpdates(30);

    expect(u1).toMatchObject({
      event_name: "message.text.received",
      message: { message_id: first, text: "một", chat: { id: lan.id, chat_type: "PRIVATE" }, from: { id: lan.id } },
    });
    expect(u2?.message.text).toBe("hai");
    expect(u3).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // it long-polled (capped at 200 ms by the fake)
    expect(zalo.calls("getUpdates").map((c) => c.params["timeout"])).toEqual(["30", "30", "30"]);
  });

  it("a long poll in progress receives the message sent while it waits", async () => {
    await zalo.stop();
    zalo = await FakeZalo.start({ maxPollMs: 5000 });
    client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
    const lan = zalo.user("Lan");
    const poll = client.getUpdates(30);
    await zalo.waitFor(() => zalo.isPolling);

    const id = await zalo.sendText(lan, lan, "đang chờ");

    await expect(poll).resolves.toMatchObject({ message: { message_id: id } });
  });

  it("getUpdates is refused with a ZaloApiError while a webhook is set, and works again after deleteWebhook", async () => {
    await client.setWebhook("http://127.0.0.1:9/hook", "secret-123");
    expect(await client.getWebhookInfo()).toMatchObject({ url: "http://127.0.0.1:9/hook" });

    const err = await rejection(client.getUpdates(1));

    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).errorCode).not.toBe(408);
    await client.deleteWebhook();
    expect(await client.getWebhookInfo()).toMatchObject({ url: "" });
    await expect(client.getUpdates(0)).resolves.toBeNull();
  });

  it("a dropped connection surfaces as ZaloNetworkError (not ZaloApiError)", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });
    zalo.dropNext("sendMessage");

    const err = await rejection(client.sendMessage(lan.id, "hi"));

    expect(err).toBeInstanceOf(ZaloNetworkError);
    expect(err).not.toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({ kind: "network", method: "sendMessage" });
    expect(zalo.botMessages(lan)).toEqual([]);
  });

  it("a connection dropped after the platform acted still reports a network error (the message was sent)", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });
    zalo.dropNext("sendMessage", { processed: true });

    await expect(client.sendMessage(lan.id, "hi")).rejects.toBeInstanceOf(ZaloNetworkError);
    expect(zalo.botMessages(lan).map((m) => m.text)).toEqual(["hi"]);
  });

  it("a call with no answer within timeoutMs is a ZaloNetworkError of kind timeout", async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const c = new ZaloClient({ token: "t", fetch: hanging, timeoutMs: 30 });
    await expect(c.getMe()).rejects.toMatchObject({ name: "ZaloNetworkError", kind: "timeout" });
  });

  it("aborting a long poll rejects it as ZaloNetworkError of kind aborted", async () => {
    await zalo.stop();
    zalo = await FakeZalo.start({ maxPollMs: 5000 });
    client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot });
    const stop = new AbortController();
    const poll = client.getUpdates(30, stop.signal);
    await zalo.waitFor(() => zalo.isPolling);

    stop.abort();

    await expect(poll).rejects.toMatchObject({ kind: "aborted" });
    await zalo.waitFor(() => !zalo.isPolling);
  });

  it("sendPhoto and sendChatAction reach the fake; a non-URL photo is refused", async () => {
    const lan = zalo.user("Lan", { wroteToBot: true });

    await client.sendChatAction(lan.id, "typing");
    const photo = await client.sendPhoto(lan.id, "https://example.com/a.png", "Biên bản");

    expect(zalo.lastBotMessage(lan)).toMatchObject({
      message_id: photo.message_id,
      photo: "https://example.com/a.png",
      caption: "Biên bản",
    });
    expect(zalo.calls("sendChatAction")[0]).toMatchObject({ ok: true, params: { chat_id: lan.id, action: "typing" } });
    await expect(client.sendPhoto(lan.id, "not a url")).rejects.toMatchObject({ errorCode: 400 });
  });
});
