import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { applyRetention, monthsBefore } from "../../src/jobs/retention.js";
import { JOBS } from "../../src/jobs/scheduler.js";
import { freshDatabaseEach } from "../support/fresh-database.js";
import { startHarness, type Harness } from "../support/harness.js";

// Old data goes: meetings that ended more than RETENTION_MONTHS ago with everything hanging on them, and after 30
// days the messages the bot delivered, the updates it handled and abandoned prompts and conversations.

const NOW = new Date("2026-11-25T03:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3600_000);
let codes = 0;

/** A cell with one member and a bound group, to hang meetings on. */
async function cellIn(db: Db) {
  const cell = await db.cell.create({ data: { name: "Chi bộ khối 7", type: "residential", timeZone: "Asia/Ho_Chi_Minh" } });
  const member = await db.member.create({
    data: {
      cellId: cell.id,
      fullName: "Nguyễn Văn An",
      nameKey: "nguyễn văn an",
      searchKey: "nguyen van an",
      status: "official",
    },
  });
  const binding = await db.chatBinding.create({ data: { platform: "telegram", chatId: "-1001", kind: "cell", cellId: cell.id } });
  return { cellId: cell.id, memberId: member.id, bindingId: binding.id };
}

/** A meeting with an answer, an attendance record, an agenda item, a guest, a note and a post (unless `bare`). */
async function meetingIn(
  db: Db,
  ids: { cellId: string; memberId: string; bindingId: string },
  startsAt: string,
  options: { durationMinutes?: number; actualEnd?: string; bare?: boolean } = {},
) {
  const full = !options.bare;
  return db.meeting.create({
    data: {
      cellId: ids.cellId,
      code: `R${++codes}X`,
      type: "regular",
      startsAt: new Date(startsAt),
      durationMinutes: options.durationMinutes ?? 90,
      status: "closed",
      actualEnd: options.actualEnd ? new Date(options.actualEnd) : null,
      ...(full
        ? {
            rsvps: { create: { memberId: ids.memberId, answer: "absent", reason: "ốm" } },
            attendances: { create: { memberId: ids.memberId, status: "excused", reason: "ốm", source: "rollcall" } },
            agenda: { create: { position: 0, title: "Khai mạc" } },
            guests: { create: { name: "Khách" } },
            notes: { create: { speaker: "Nguyễn Văn An", text: "Ý kiến" } },
            posts: { create: { bindingId: ids.bindingId, kind: "announcement", messageId: "12" } },
          }
        : {}),
    },
  });
}

let outboxKeys = 0;
function outboxRow(db: Db, status: string, createdAt: Date) {
  return db.outboxMessage.create({
    data: {
      dedupeKey: `test:${++outboxKeys}`,
      platform: "telegram",
      chatId: "700042",
      payload: JSON.stringify({ kind: "text", text: "Nhắc lịch Nguyễn Văn An" }),
      status,
      createdAt,
      lastError: status === "failed" ? "Forbidden: bot was blocked by the user" : null,
    },
  });
}

let updateIds = 0;
function inboundRow(db: Db, status: string, createdAt: Date) {
  return db.inboundUpdate.create({
    data: {
      platform: "telegram",
      updateId: String(++updateIds),
      chatKey: "telegram:700042",
      payload: "{}",
      status,
      availableAt: 0,
      createdAt,
    },
  });
}

describe("applyRetention", () => {
  let db: Db;
  freshDatabaseEach((opened) => (db = opened.db));

  it("deletes meetings that ended more than the retention ago, with their answers, attendance, agenda, guests, notes and posts", async () => {
    const ids = await cellIn(db);
    // with 36 months, the line is 2023-11-25 03:00 UTC
    const old = await meetingIn(db, ids, "2023-10-01T12:30:00Z", { actualEnd: "2023-10-01T14:10:00Z" });
    const endedJustBefore = await meetingIn(db, ids, "2023-11-25T01:00:00Z", { bare: true }); // ended 02:30
    const endsJustAfter = await meetingIn(db, ids, "2023-11-25T02:00:00Z", { bare: true }); // ends 03:30
    const recent = await meetingIn(db, ids, "2025-06-01T12:30:00Z");

    const removed = await applyRetention(db, NOW, 36);
    expect(removed).toMatchObject({ meetings: 2, answers: 1, attendance: 1, agendaItems: 1, guests: 1, notes: 1, posts: 1 });
    const left = (await db.meeting.findMany({ select: { id: true } })).map((m) => m.id).sort();
    expect(left).toEqual([endsJustAfter.id, recent.id].sort());
    expect([old.id, endedJustBefore.id].some((id) => left.includes(id))).toBe(false);
    // the cascade: nothing of the old meeting is left; the recent one keeps everything
    for (const count of [
      db.rsvp.count(),
      db.attendance.count(),
      db.agendaItem.count(),
      db.guest.count(),
      db.meetingNote.count(),
      db.meetingPost.count(),
    ]) {
      expect(await count).toBe(1);
    }
    expect(await db.rsvp.count({ where: { meetingId: recent.id } })).toBe(1);
    // the roster and the audit are not retention's business
    expect(await db.member.count()).toBe(1);

    expect(await applyRetention(db, NOW, 36)).toMatchObject({ meetings: 0, answers: 0 });
    // the shortest retention allowed, 13 months (since 2025-10-25), takes the other two
    expect(await applyRetention(db, NOW, 13)).toMatchObject({ meetings: 2, answers: 1 });
  });

  it("after 30 days empties delivered messages, then deletes them at 40; deletes handled updates and stale prompts", async () => {
    const emptied = [await outboxRow(db, "sent", daysAgo(31)), await outboxRow(db, "failed", daysAgo(31))];
    await outboxRow(db, "sent", daysAgo(41));
    await outboxRow(db, "failed", daysAgo(41));
    const waiting = await outboxRow(db, "pending", daysAgo(41));
    const fresh = await outboxRow(db, "sent", daysAgo(5));

    await inboundRow(db, "done", daysAgo(31));
    const kept = [
      await inboundRow(db, "failed", daysAgo(31)),
      await inboundRow(db, "pending", daysAgo(31)),
      await inboundRow(db, "done", daysAgo(2)),
    ];

    await db.storageEntry.createMany({
      data: [
        { key: "prompt:700042:15", value: "{}", updatedAt: daysAgo(31) },
        { key: "conversation:700042:700042", value: "{}", updatedAt: daysAgo(45) },
        { key: "prompt:700042:16", value: "{}", updatedAt: daysAgo(3) },
        { key: "active-cell:c1", value: "{}", updatedAt: daysAgo(90) },
        { key: "import:tok", value: "{}", updatedAt: daysAgo(90) },
      ],
    });

    const removed = await applyRetention(db, NOW, 36);
    expect(removed).toMatchObject({ meetings: 0, outboxEmptied: 2, outboxDeleted: 2, inboundUpdates: 1, chatState: 2 });

    const outbox = await db.outboxMessage.findMany({ orderBy: { dedupeKey: "asc" } });
    expect(outbox.map((row) => row.id).sort()).toEqual([...emptied.map((row) => row.id), waiting.id, fresh.id].sort());
    // an emptied row keeps its key (so a job cannot queue the same message again) but nothing of what it said
    for (const row of outbox.filter((r) => emptied.some((e) => e.id === r.id))) {
      expect(row).toMatchObject({ payload: "{}", lastError: null });
    }
    expect(outbox.find((row) => row.id === waiting.id)!.payload).toContain("Nguyễn Văn An");
    expect(outbox.find((row) => row.id === fresh.id)!.payload).toContain("Nguyễn Văn An");

    expect((await db.inboundUpdate.findMany()).map((row) => row.seq).sort()).toEqual(kept.map((row) => row.seq).sort());
    expect((await db.storageEntry.findMany()).map((entry) => entry.key).sort()).toEqual([
      "active-cell:c1",
      "import:tok",
      "prompt:700042:16",
    ]);

    expect(await applyRetention(db, NOW, 36)).toMatchObject({
      outboxEmptied: 0,
      outboxDeleted: 0,
      inboundUpdates: 0,
      chatState: 0,
    });
  });
});

describe("months before", () => {
  it("counts calendar months, ending on the month's last day when the day does not exist", () => {
    expect(monthsBefore(NOW, 36)).toEqual(new Date("2023-11-25T03:00:00Z"));
    expect(monthsBefore(new Date("2026-03-31T10:00:00Z"), 1)).toEqual(new Date("2026-02-28T10:00:00Z"));
    expect(monthsBefore(new Date("2024-02-29T00:00:00Z"), 12)).toEqual(new Date("2023-02-28T00:00:00Z"));
    expect(monthsBefore(new Date("2026-01-15T00:00:00Z"), 13)).toEqual(new Date("2024-12-15T00:00:00Z"));
  });
});

describe("RETENTION_MONTHS", () => {
  const env = { TELEGRAM_BOT_TOKEN: "123456:ABC-def" };
  it("is 36 by default, and at least 13 because the monthly report looks back 12 months", () => {
    expect(loadConfig(env).retentionMonths).toBe(36);
    expect(loadConfig({ ...env, RETENTION_MONTHS: "13" }).retentionMonths).toBe(13);
    expect(loadConfig({ ...env, RETENTION_MONTHS: "" }).retentionMonths).toBe(36);
    for (const bad of ["12", "0", "two years", "24.5"]) {
      const error = (() => {
        try {
          loadConfig({ ...env, RETENTION_MONTHS: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join("\n"), bad).toMatch(/^RETENTION_MONTHS /);
    }
  });
});

describe("the retention job", () => {
  let h: Harness;
  afterEach(async () => h.stop());

  it("runs daily with the other jobs, deletes what is due, queues no message and logs counts only", async () => {
    h = await startHarness({ now: () => NOW, env: { RETENTION_MONTHS: "24" } });
    const ids = await cellIn(h.db);
    await meetingIn(h.db, ids, "2024-10-01T12:30:00Z"); // ended more than 24 months ago
    const kept = await meetingIn(h.db, ids, "2025-01-10T12:30:00Z");
    await outboxRow(h.db, "sent", daysAgo(41));

    expect(JOBS.find((job) => job.name === "retention")?.cron).toBe("40 19 * * *");
    const queued = await h.app.runJobsNow();
    expect(queued.retention).toBe(0);
    expect((await h.db.meeting.findMany()).map((m) => m.id)).toEqual([kept.id]);
    expect(await h.db.outboxMessage.count()).toBe(0);
    expect(await h.db.jobRun.findFirst({ where: { job: "retention" } })).toMatchObject({ status: "done" });

    const logged = h.logs.find((line) => line.msg === "old data removed");
    expect(logged).toMatchObject({
      level: 30,
      job: "retention",
      retentionMonths: 24,
      removed: { meetings: 1, answers: 1, attendance: 1, notes: 1, outboxDeleted: 1 },
    });
    expect(JSON.stringify(logged)).not.toMatch(/Nguyễn Văn An|ốm|Ý kiến/);
  });
});
