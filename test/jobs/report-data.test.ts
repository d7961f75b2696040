import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type Db } from "../../src/db/client.js";
import { ATTENDANCE_STATUSES, type AttendanceStatus } from "../../src/domain/attendance.js";
import { localToUtc } from "../../src/domain/dates.js";
import { MEETING_TYPES, type MeetingType } from "../../src/domain/meetings.js";
import {
  buildMonthlyReport,
  type ReportCountedCell,
  type ReportInput,
  type ReportMeetingStatus,
} from "../../src/domain/monthly-report.js";
import type { Rating } from "../../src/domain/rating.js";
import { loadReportInput } from "../../src/jobs/report-data.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// The report's data counted in the database (SQLite, or PostgreSQL with TEST_DATABASE_URL) must read exactly as the
// same data loaded record by record: a hand-made cell with every edge the counting must respect, and a random one.

const HANOI = "Asia/Ho_Chi_Minh";
const NOW = new Date("2026-12-02T03:00:00Z");
let database: TestDatabase;
let handle: Database;
let db: Db;
let committeeId: string;

type Marks = Record<string, AttendanceStatus>;
let codes = 0;

async function addMembers(cellId: string, members: Record<string, string>) {
  await db.member.createMany({
    data: Object.entries(members).map(([id, membership]) => ({
      id,
      cellId,
      fullName: `Đảng viên ${id}`,
      nameKey: `đảng viên ${id}`,
      searchKey: `dang vien ${id}`,
      status: "official",
      membership,
    })),
  });
}

async function addMeeting(
  cellId: string,
  id: string,
  local: string,
  marks: Marks,
  options: { type?: MeetingType; status?: ReportMeetingStatus } = {},
) {
  const startsAt = localToUtc(local, HANOI);
  const closed = (options.status ?? "closed") === "closed";
  await db.meeting.create({
    data: {
      id,
      cellId,
      code: `T${++codes}`,
      type: options.type ?? "regular",
      startsAt,
      durationMinutes: 90,
      status: options.status ?? "closed",
      actualStart: closed ? startsAt : null,
      actualEnd: closed ? new Date(startsAt.getTime() + 95 * 60_000) : null,
      rating: closed ? "fair" : null,
    },
  });
  await db.attendance.createMany({
    data: Object.entries(marks).map(([memberId, status]) => ({ meetingId: id, memberId, status, source: "rollcall" })),
  });
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase(database.url);
  db = handle.db;
  const committee = await db.committee.create({ data: { name: "Đảng bộ phường Đông Kinh", timeZone: HANOI } });
  const other = await db.committee.create({ data: { name: "Đảng bộ phường khác", timeZone: HANOI } });
  committeeId = committee.id;
  for (const [id, name, owner] of [
    ["A", "Chi bộ khối 1", committee.id],
    ["B", "Chi bộ khối 2", committee.id],
    ["R", "Chi bộ khối 3", committee.id],
    ["Z", "Chi bộ phường khác", other.id],
  ] as const) {
    await db.cell.create({ data: { id, name, type: "residential", committeeId: owner, timeZone: HANOI } });
  }

  // khối 1: a0…a9 active, two exempt members, one transferred out, one removed.
  await addMembers("A", {
    ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, "active"])),
    ax0: "exempt",
    ax1: "exempt",
    at0: "transferred_out",
    ar0: "removed",
  });
  await addMembers("B", Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`b${i}`, "active"])));
  await addMembers("Z", { z0: "active" });
  // Absent without reason at every meeting: members not on khối 1's rolls, and b0 of khối 2 (a record the bot would
  // refuse, written straight into the database): none of them may be counted for khối 1 or khối 2.
  const outsiders: Marks = { at0: "unexcused", ar0: "unexcused", b0: "unexcused" };
  await addMeeting("A", "a-2511", "2025-11-30T19:30", { a0: "unexcused" });
  await addMeeting("A", "a-2512", "2025-12-01T06:00", { a0: "unexcused", a2: "excused" }); // 30/11 23:00 UTC
  await addMeeting("A", "a-2603", "2026-03-10T19:30", { a0: "unexcused", a1: "unexcused", ax0: "unexcused", ...outsiders });
  await addMeeting("A", "a-2604", "2026-04-02T19:30", { a1: "unexcused", a2: "unexcused" }, { type: "committee" });
  await addMeeting("A", "a-2607", "2026-07-10T19:30", {
    a0: "unexcused",
    a1: "unexcused",
    a4: "excused",
    ax0: "unexcused",
    ...outsiders,
  });
  await addMeeting(
    "A",
    "a-2608",
    "2026-08-20T19:30",
    { a3: "excused", a4: "excused", ax0: "unexcused", ...outsiders },
    { type: "extraordinary" },
  );
  await addMeeting("A", "a-2609", "2026-09-05T19:30", {
    a2: "excused",
    a3: "excused",
    a4: "excused",
    a5: "excused",
    a6: "excused",
  });
  await addMeeting("A", "a-2610", "2026-10-05T19:30", {
    a2: "excused",
    a3: "exempt",
    a4: "excused",
    a5: "excused",
    a6: "excused",
  });
  await addMeeting("A", "a-2611-draft", "2026-11-01T19:30", { a0: "unexcused", a1: "unexcused" }, { status: "draft" });
  // Two meetings at the same time: the one with the smaller id comes first.
  await addMeeting("A", "a-2611a", "2026-11-05T19:30", {
    a0: "unexcused",
    a1: "present",
    a2: "excused",
    a3: "excused",
    a4: "present",
    a5: "present",
    a6: "excused",
    a7: "exempt",
    a9: "late",
    ax0: "present",
    ax1: "excused",
    at0: "present",
    ar0: "present",
    b0: "present",
  });
  await addMeeting("A", "a-2611b", "2026-11-05T19:30", { a5: "excused", a6: "present" }, { type: "thematic" });
  await addMeeting("A", "a-2612", "2026-12-01T06:00", { a0: "unexcused", a1: "unexcused", a9: "excused" }); // 30/11 UTC

  await addMeeting("B", "b-2610", "2026-10-08T19:30", { b0: "present", b1: "unexcused", b2: "left_early", b3: "present" });
  await addMeeting("B", "b-2611", "2026-11-20T19:30", {}, { status: "published" });
  await addMeeting("B", "b-2611-cancelled", "2026-11-06T19:30", { b1: "unexcused" }, { status: "cancelled" });
  await addMeeting("Z", "z-2611", "2026-11-05T19:30", { z0: "unexcused" });
  await addMeeting("Z", "z-2610", "2026-10-05T19:30", { z0: "unexcused" });
  await addMeeting("Z", "z-2609", "2026-09-05T19:30", { z0: "unexcused" });

  // khối 3: twelve members, twenty meetings of any type, status and time (some at the same time), random roll calls.
  const next = random(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const memberships = ["active", "active", "active", "exempt", "transferred_out", "removed"];
  await addMembers("R", Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}`, pick(memberships)])));
  let previous = "2026-01-05T19:30";
  for (let k = 0; k < 20; k++) {
    const month = Math.floor(next() * 15); // 2025-11 … 2027-01
    const index = 2025 * 12 + 10 + month;
    const yearMonth = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
    const local = next() < 0.2 ? previous : `${yearMonth}-${pick(["01", "05", "28"])}T${pick(["00:00", "06:00", "19:30"])}`;
    previous = local;
    const marks: Marks = {};
    for (let i = 0; i < 12; i++) if (next() < 0.85) marks[`r${i}`] = pick([...ATTENDANCE_STATUSES, "excused", "unexcused"]);
    if (next() < 0.2) marks.b1 = pick(ATTENDANCE_STATUSES);
    await addMeeting("R", `r-${String((k * 7) % 20).padStart(2, "0")}-${k}`, local, marks, {
      type: pick(MEETING_TYPES),
      status: pick<ReportMeetingStatus>(["closed", "closed", "closed", "published", "cancelled", "draft"]),
    });
  }
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

/** The same cells loaded the simple way: every member and every record, counted by buildMonthlyReport itself. */
async function recordByRecord(scope: { committeeId?: string; cellIds?: string[] }, period: string): Promise<ReportInput> {
  const cells = await db.cell.findMany({
    where: scope.committeeId ? { committeeId: scope.committeeId } : { id: { in: scope.cellIds ?? [] } },
    orderBy: { name: "asc" },
    include: {
      committee: true,
      members: { where: { membership: { in: ["active", "exempt", "transferred_out"] } } },
      meetings: { include: { attendances: true } },
    },
  });
  return {
    committeeName: cells[0]?.committee?.name ?? null,
    period,
    timeZone: HANOI,
    now: NOW,
    cells: cells.map((cell) => ({
      id: cell.id,
      name: cell.name,
      members: cell.members.map((m) => ({ id: m.id, membership: m.membership as "active" | "exempt" | "transferred_out" })),
      meetings: cell.meetings.map((m) => ({
        id: m.id,
        code: m.code,
        type: m.type as MeetingType,
        status: m.status as ReportMeetingStatus,
        startsAt: m.startsAt,
        durationMinutes: m.durationMinutes,
        actualStart: m.actualStart,
        actualEnd: m.actualEnd,
        rating: m.rating as Rating | null,
        records: m.attendances.map((a) => ({ memberId: a.memberId, status: a.status as AttendanceStatus })),
      })),
    })),
  };
}

describe("the monthly report's data, counted in the database", () => {
  it("counts the month's roll call per status; flags members absent 3 times, 2 times, 3 times excused in a row", async () => {
    const report = buildMonthlyReport(await loadReportInput(db, { committeeId }, "2026-11", HANOI, NOW));
    expect(report.cells.map((cell) => cell.cellId)).toEqual(["A", "B", "R"]);
    const block1 = report.cells[0]!;
    // 10 active members, a7 exempt at the meeting → 9 expected; present: a1, a4, a5, a9 (late); excused: a2, a3, a6.
    expect(block1).toMatchObject({ status: "held", meetingId: "a-2611a", present: 4, expected: 9, excused: 3, unexcused: 1 });
    expect(block1.rate).toBeCloseTo(4 / 9, 12);
    // a0 (March, July, November) and the exempt ax0 (March, July, August): 3 this year; a1: 2 (the committee
    // pre-meeting and the draft do not count); a2 and a3 (an exemption in between): 3 excused in a row. a4 and a6
    // came to their latest meeting; a5 did, then was excused once.
    expect(block1).toMatchObject({ membersUnexcused3: 2, membersUnexcused2: 1, membersExcused3InARow: 2 });
    expect(report.cells[1]).toMatchObject({ status: "scheduled", membersUnexcused3: 0, membersUnexcused2: 0 });
  });

  it("sends counts, not records: only members who may carry a flag, with records only for runs of excused absences", async () => {
    const input = await loadReportInput(db, { cellIds: ["A"] }, "2026-11", HANOI, NOW);
    const block1 = input.cells[0] as ReportCountedCell;
    expect(block1.activeMembers).toBe(10);
    expect(block1.meetings.map((m) => m.id).sort()).toEqual([
      "a-2512",
      "a-2603",
      "a-2604",
      "a-2607",
      "a-2608",
      "a-2609",
      "a-2610",
      "a-2611-draft",
      "a-2611a",
      "a-2611b",
    ]);
    expect(block1.meetings.find((m) => m.id === "a-2611a")?.rollCall).toEqual({ marked: 9, excused: 3, unexcused: 1, exempt: 1 });
    const absentees = [...block1.absentees].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    expect(absentees.map((a) => [a.memberId, a.unexcusedThisYear, a.records.length])).toEqual([
      ["a0", 3, 0],
      ["a1", 2, 0],
      ["a2", 0, 4],
      ["a3", 0, 4],
      ["a4", 0, 5],
      ["a5", 0, 4],
      ["a6", 0, 4],
      ["ax0", 3, 0],
    ]);
  });

  it.each(["2025-11", "2025-12", "2026-01", "2026-03", "2026-08", "2026-10", "2026-11", "2026-12", "2027-01"])(
    "reads for %s exactly as the same data loaded record by record",
    async (period) => {
      const counted = buildMonthlyReport(await loadReportInput(db, { committeeId }, period, HANOI, NOW));
      expect(counted).toEqual(buildMonthlyReport(await recordByRecord({ committeeId }, period)));
      const some = await loadReportInput(db, { cellIds: ["R", "B"] }, period, HANOI, NOW);
      expect(buildMonthlyReport(some)).toEqual(buildMonthlyReport(await recordByRecord({ cellIds: ["R", "B"] }, period)));
    },
  );

  it("an empty scope gives an empty report", async () => {
    const input = await loadReportInput(db, { cellIds: [] }, "2026-11", HANOI, NOW);
    expect(input.cells).toEqual([]);
    expect(buildMonthlyReport(input).totals.cells).toBe(0);
  });
});
