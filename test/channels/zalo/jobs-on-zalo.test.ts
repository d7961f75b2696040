import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { announceMeeting, importRoster, openPrivateChat, setUpCell } from "../../support/builders.js";
import type { FakeUser } from "../../support/fake-telegram/index.js";
import type { FakeZaloChat } from "../../support/fake-zalo/index.js";
import { startHarness, type Harness } from "../../support/harness.js";
import { bindZaloGroup, linkedZaloMembers, zaloOf } from "../../support/zalo-builders.js";

// Time is injected: the meeting is announced on 25 Nov for 19:30 on 5 Dec (Hanoi), then the clock jumps.
let now = new Date("2026-11-25T03:00:00Z");
const hanoi = (local: string) => new Date(`${local}+07:00`);

let h: Harness;
let secretary: FakeUser;
let zaloGroup: FakeZaloChat;
let cellId: string;
let meeting: { id: string; code: string };

beforeEach(async () => {
  now = new Date("2026-11-25T03:00:00Z");
  h = await startHarness({ now: () => now, zalo: { now: () => now.getTime() } });
  const cell = await setUpCell(h);
  secretary = cell.secretary;
  cellId = cell.cell.id;
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, "cell-01.csv"); // 135 members: the reminder's list of names is long
  ({ group: zaloGroup } = await bindZaloGroup(h, secretary));
  meeting = await announceMeeting(h, secretary);
});
afterEach(async () => h.stop());

async function tick(at: Date) {
  now = at;
  await h.app.runJobsNow();
  return h.app.drainOutbox();
}
const reminderStarts = (chat: FakeZaloChat) =>
  zaloOf(h)
    .botMessages(chat)
    .filter((m) => m.text?.includes(`Nhắc lịch: buổi họp ${meeting.code}`));

describe("reminders to a Zalo group, through the outbox", () => {
  it("reaches the Zalo group as plain text in parts of at most 2,000 characters, once", async () => {
    await tick(hanoi("2026-12-02T19:31:00"));
    const parts = zaloOf(h)
      .botMessages(zaloGroup)
      .filter((m) => m.date >= hanoi("2026-12-02T19:31:00").getTime());
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.text!.length).toBeLessThanOrEqual(2000);
    const text = parts.map((m) => m.text).join("\n");
    expect(text).toContain(`Nhắc lịch: buổi họp ${meeting.code}`);
    expect(text).toContain("Chưa trả lời");
    expect(text).not.toMatch(/<a href|tg:\/\//); // names, not Telegram links

    const before = zaloOf(h).botMessages(zaloGroup).length;
    await tick(hanoi("2026-12-02T19:45:00"));
    expect(zaloOf(h).botMessages(zaloGroup)).toHaveLength(before);
  });

  it("backs off when Zalo answers 429 Quota exceeded part-way, then delivers without a duplicate part", async () => {
    const zalo = zaloOf(h);
    const original = zalo.calls("sendMessage").length;
    zalo.failNext("sendMessage", { errorCode: 429, description: "Quota exceeded", after: 1 }); // the second part
    const first = await tick(hanoi("2026-12-02T19:31:00"));
    expect(first.deferred).toBeGreaterThan(0);
    const row = await h.db.outboxMessage.findFirstOrThrow({ where: { platform: "zalo", status: "pending" } });
    expect(row.lastError).toContain("Quota exceeded");
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 60_000);

    await tick(new Date(now.getTime() + 61_000));
    const sent = await h.db.outboxMessage.findMany({ where: { platform: "zalo" } });
    expect(sent.every((m) => m.status === "sent")).toBe(true);
    expect(reminderStarts(zaloGroup)).toHaveLength(1);
    const parts = zalo.botMessages(zaloGroup).filter((m) => m.date >= hanoi("2026-12-02T19:31:00").getTime());
    expect(new Set(parts.map((m) => m.text)).size).toBe(parts.length); // no part twice
    expect(zalo.calls("sendMessage").length - original).toBe(parts.length + 1); // one refused call
  });

  it("reminds privately only the Zalo members who have written to the bot", async () => {
    const [wrote, silent] = await linkedZaloMembers(h, zaloGroup, cellId, 2);
    const zalo = zaloOf(h);
    await zalo.sendText(zalo.privateChat(wrote!.user), wrote!.user, "chào bot");
    await zalo.waitFor(() => zalo.botMessages(zalo.privateChat(wrote!.user)).length > 0, 8000);
    await tick(hanoi("2026-12-02T19:31:00"));
    expect(
      zalo.botMessages(zalo.privateChat(wrote!.user)).some((m) => m.text?.includes(`chưa trả lời buổi họp ${meeting.code}`)),
    ).toBe(true);
    expect(zalo.messages(zalo.privateChat(silent!.user))).toHaveLength(0);
  });
});
