import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TELEGRAM } from "../../src/channels/capabilities.js";
import { GrammyError, HttpError } from "grammy";
import { botBudget, budgetedFetch, chatBudget, nextSendAt, RateBudgets, sendInTurn } from "../../src/channels/rate-budget.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// The budgets every instance shares: whatever order and timing the requests come in, and however many instances
// ask at once, what is granted keeps a group within Telegram's rolling limit, so the bot is never silenced by 429s.
let database: TestDatabase;
let opened: Database;
let budgets: RateBudgets;
let clock = 0;
const at = (ms: number) => (clock = ms);

beforeAll(async () => {
  database = await createTestDatabase();
  opened = await openDatabase(database.url);
  budgets = new RateBudgets(opened.db, () => clock);
});
afterAll(async () => {
  await opened.close();
  await database.drop();
});

let keys = 0;
const freshGroup = () => chatBudget("telegram", `-100${++keys}`);
const T0 = 1_800_000_000_000;
const maxInAnyWindow = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map((at) => times.filter((t) => t >= at && t < at + windowMs).length));

describe("shared send budgets", () => {
  it("lets a group have 19 messages at once, then the 20th when the first leaves the minute", async () => {
    const group = freshGroup();
    for (let i = 0; i < 19; i++) {
      at(T0 + i);
      expect(await budgets.take(group)).toEqual({ granted: true, at: T0 + i });
    }
    at(T0 + 1_000);
    const refused = await budgets.take(group);
    expect(refused).toEqual({ granted: false, at: T0 + 60_000 });
    at(refused.at);
    expect(await budgets.take(group)).toEqual({ granted: true, at: T0 + 60_000 });
  });

  it("books a moment within the allowed wait, and refuses (taking nothing) beyond it", async () => {
    const chat = chatBudget("telegram", 1_000 + ++keys); // a private chat: one a second
    at(T0);
    const booked = [];
    for (let i = 0; i < 3; i++) booked.push((await budgets.take(chat, 2_000)).at - T0);
    expect(booked).toEqual([0, 1_000, 2_000]);
    expect(await budgets.take(chat, 2_000)).toEqual({ granted: false, at: T0 + 3_000 });
    at(T0 + 3_000);
    expect((await budgets.take(chat)).granted).toBe(true);
  });

  it("never grants more than 19 sends to a group in any rolling minute, whatever the timing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }), async (gaps) => {
        const group = freshGroup();
        at(T0);
        const granted: number[] = [];
        for (const gap of gaps) {
          at(clock + gap);
          const turn = await budgets.take(group, gap % 3 === 0 ? 10_000 : 0);
          if (turn.granted) granted.push(turn.at);
        }
        expect(maxInAnyWindow(granted, 60_000)).toBeLessThanOrEqual(19);
      }),
      { numRuns: 30 },
    );
  });

  it("holds when several instances take from one budget at the same moment", async () => {
    at(T0);
    const instances = [1, 2, 3].map(() => new RateBudgets(opened.db, () => clock)).concat(budgets);
    const bot = { key: `bot:race-${++keys}`, rate: TELEGRAM.limits.perBot };
    // each instance's sender takes one turn after another, as the outbox does; the four race each other
    const granted: number[] = [];
    await Promise.all(
      instances.map(async (instance) => {
        for (let i = 0; i < 15; i++) {
          const turn = await instance.take(bot, 1_100);
          if (turn.granted) granted.push(turn.at);
        }
      }),
    );
    const { count } = TELEGRAM.limits.perBot;
    expect(granted).toHaveLength(2 * count); // a second's worth now, another a second later; the rest would wait longer
    expect(maxInAnyWindow(granted, 1_000)).toBe(count);
  });

  it("keeps sends in order, never booking one before the latest", () => {
    expect(nextSendAt([T0 + 5_000], { count: 19, windowMs: 60_000 }, T0)).toBe(T0 + 5_000);
    expect(nextSendAt([], { count: 1, windowMs: 1_000 }, T0)).toBe(T0);
    expect(chatBudget("telegram", 42).rate).toEqual({ count: 1, windowMs: 1_000 });
    expect(chatBudget("zalo", "abc").rate).toEqual(TELEGRAM.limits.perGroup);
    expect(botBudget("telegram").key).toBe("bot:telegram");
  });

  it("forgets budgets that have long run out, and grants afresh", async () => {
    const group = freshGroup();
    at(T0 - 7_200_000);
    await budgets.take(group);
    at(T0);
    expect(await budgets.prune()).toBeGreaterThanOrEqual(1);
    expect(await opened.db.rateBudget.findUnique({ where: { key: group.key } })).toBeNull();
  });

  it("sends a background message in the group's turn, and says when to try again otherwise", async () => {
    const group = freshGroup();
    at(T0);
    let sent = 0;
    const send = async () => void sent++;
    expect(await sendInTurn(budgets, group, send)).toBeUndefined();
    for (let i = 1; i < 19; i++) await budgets.take(group);
    expect(await sendInTurn(budgets, group, send)).toBe(60_000); // the group's minute is full: nothing is sent
    expect(sent).toBe(1);
  });

  it("waits as Telegram asks after a 429, a little after a network or server error, and gives up on a refusal", async () => {
    const apiError =
      (error_code: number, parameters = {}) =>
      async () => {
        throw new GrammyError("call failed", { ok: false, error_code, description: "x", parameters }, "editMessageText", {});
      };
    at(T0);
    expect(await sendInTurn(budgets, freshGroup(), apiError(429, { retry_after: 7 }))).toBe(7_000);
    expect(await sendInTurn(budgets, freshGroup(), apiError(502))).toBe(5_000);
    const offline = async () => {
      throw new HttpError("network", new Error("ECONNRESET"));
    };
    expect(await sendInTurn(budgets, freshGroup(), offline)).toBe(5_000);
    await expect(sendInTurn(budgets, freshGroup(), apiError(400))).rejects.toThrow("call failed");
  });

  it("books what the bot writes into a group, and nothing for private chats, reads or uploads", async () => {
    const groupId = -4_000_000 - ++keys;
    const calls: string[] = [];
    const send = budgetedFetch(budgets, (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response("{}");
    }) as typeof fetch);
    const post = (method: string, body: unknown) =>
      send(`http://127.0.0.1/bot1:x/${method}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
    at(T0);
    await post("sendMessage", { chat_id: groupId, text: "hello" });
    await post("editMessageText", { chat_id: groupId, message_id: 1, text: "tally" });
    await post("sendMessage", { chat_id: 77, text: "private" });
    await post("getChat", { chat_id: groupId });
    await post("sendMessage", "not json");
    expect(calls).toHaveLength(5); // every request went through
    const row = await opened.db.rateBudget.findUnique({ where: { key: chatBudget("telegram", groupId).key } });
    expect(row?.sends.split(",")).toHaveLength(2);
    expect(await opened.db.rateBudget.findUnique({ where: { key: chatBudget("telegram", 77).key } })).toBeNull();
  });
});
