import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimDue, enqueue } from "../../src/jobs/outbox.js";
import { botBudget, chatBudget, RateBudgets } from "../../src/channels/rate-budget.js";
import { openPrivateChat, setUpCell } from "../support/builders.js";
import { startHarness, type Harness } from "../support/harness.js";
import type { FakeChat, FakeUser } from "../support/fake-telegram/index.js";

// One clock for the bot, its send budgets and the fake Telegram, moved by hand: the fake enforces 20 messages a
// minute per group.
let now = new Date("2026-12-01T01:00:00Z");
let h: Harness;
let secretary: FakeUser;
let group: FakeChat;

beforeEach(async () => {
  now = new Date("2026-12-01T01:00:00Z");
  h = await startHarness({ now: () => now, fake: { now: () => now.getTime() }, tuning: { rateClock: () => now.getTime() } });
  ({ secretary, group } = await setUpCell(h));
  await openPrivateChat(h, secretary);
});
afterEach(async () => h.stop());

const queue = (key: string, chatId: number, text = key) =>
  enqueue(h.db, { dedupeKey: key, platform: "telegram", chatId: String(chatId), payload: { kind: "text", text } }, now);
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
const groupTexts = () =>
  h.fake
    .messages(group)
    .map((m) => m.text)
    .filter((text) => text.startsWith("wave-"));

describe("the outbox sender", () => {
  it("never enqueues the same key twice", async () => {
    expect(await queue("wave-1", group.id)).toBe(true);
    expect(await queue("wave-1", group.id)).toBe(false);
    expect(await h.db.outboxMessage.count()).toBe(1);
  });

  it("sends at most 19 a minute to one group, the rest the next minute, with no 429", async () => {
    advance(61_000); // the set-up conversation's messages leave the group's window
    for (let i = 0; i < 25; i++) await queue(`wave-${i}`, group.id);
    const first = await h.app.drainOutbox();
    expect(first.sent).toBe(19);
    expect(groupTexts()).toHaveLength(19);
    advance(30_000);
    expect((await h.app.drainOutbox()).sent).toBe(0);
    advance(31_000);
    await h.app.drainOutbox();
    expect(groupTexts()).toHaveLength(25);
    expect(new Set(groupTexts()).size).toBe(25);
    expect(h.fake.stats.rateLimited).toBe(0);
  });

  it("shares the group's budget with every instance on the database: what another sent counts here too", async () => {
    advance(61_000);
    const other = new RateBudgets(h.db, () => now.getTime());
    for (let i = 0; i < 19; i++) expect((await other.take(chatBudget("telegram", group.id))).granted).toBe(true);
    await queue("wave-after-other", group.id);
    expect((await h.app.drainOutbox()).deferred).toBe(1);
    advance(60_000);
    expect((await h.app.drainOutbox()).sent).toBe(1);
    expect(h.fake.stats.rateLimited).toBe(0);
  });

  it("waits out a 429's retry_after, then delivers", async () => {
    await queue("wave-429", group.id);
    h.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 7", retry_after: 7 });
    expect((await h.app.drainOutbox()).deferred).toBe(1);
    advance(3_000);
    expect((await h.app.drainOutbox()).sent).toBe(0);
    advance(5_000);
    expect((await h.app.drainOutbox()).sent).toBe(1);
    expect(groupTexts()).toEqual(["wave-429"]);
  });

  it("retries server errors with backoff and gives up after a bound, recording why", async () => {
    await queue("wave-5xx", group.id);
    h.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 20);
    for (let i = 0; i < 12; i++) {
      await h.app.drainOutbox();
      advance(10 * 60_000);
    }
    const row = await h.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: "wave-5xx" } });
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("gave up after 8 attempts");
  });

  it("stops sending to a group that removed the bot and tells the secretary", async () => {
    await h.fake.removeBotFromGroup(group);
    await queue("wave-403", group.id);
    await h.app.drainOutbox();
    const binding = await h.db.chatBinding.findFirstOrThrow({ where: { chatId: String(group.id) } });
    expect(binding.active).toBe(false);
    await h.app.drainOutbox();
    expect(h.fake.lastMessage(secretary)?.text).toContain("Bot đã bị xóa khỏi nhóm");
  });

  it("follows a group that became a supergroup and resends there", async () => {
    const oldId = group.id;
    const newId = await h.fake.migrateToSupergroup(group);
    await queue("wave-migrated", oldId);
    await h.app.drainOutbox();
    await h.app.drainOutbox();
    expect(h.fake.messages(newId).map((m) => m.text)).toContain("wave-migrated");
    expect((await h.db.chatBinding.findFirstOrThrow()).chatId).toBe(String(newId));
  });

  it("offers again what a crashed instance had claimed but not sent, and nothing twice", async () => {
    for (let i = 0; i < 3; i++) await queue(`wave-crash-${i}`, group.id);
    const claimedByDeadInstance = await claimDue(h.db, "dead-instance", 2, now);
    expect(claimedByDeadInstance).toHaveLength(2);
    expect((await h.app.drainOutbox()).sent).toBe(1);
    advance(3 * 60_000);
    expect((await h.app.drainOutbox()).sent).toBe(2);
    expect(groupTexts().sort()).toEqual(["wave-crash-0", "wave-crash-1", "wave-crash-2"]);
  });

  it("leaves alone a message another instance took over while this one waited for its turn: it goes once", async () => {
    advance(61_000);
    // the bot's second is full, so this instance books the next one and waits a second before sending
    const other = new RateBudgets(h.db, () => now.getTime());
    for (let i = 0; i < 28; i++) await other.take(botBudget("telegram"));
    await queue("wave-taken-over", group.id);
    const draining = h.app.drainOutbox();
    const row = () => h.db.outboxMessage.findFirstOrThrow({ where: { dedupeKey: "wave-taken-over" } });
    while ((await row()).status !== "sending") await new Promise((resolve) => setTimeout(resolve, 10));
    // another instance judges the claim abandoned (its clock is past the timeout) and takes the message
    expect(await claimDue(h.db, "other-instance", 10, new Date(now.getTime() + 3 * 60_000))).toHaveLength(1);
    expect(await draining).toEqual({ sent: 0, deferred: 1, failed: 0 });
    expect(groupTexts()).toEqual([]);
    expect((await row()).claimedBy).toBe("other-instance");
  });
});
