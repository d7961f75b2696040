import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HANOI, at, roster, marks, policeCell } from "../support/report-builders.js";
import {
  ATTENDANCE_STATUSES,
  attendanceRate,
  memberFlags,
  type AttendanceHistoryEntry,
  type AttendanceStatus,
} from "../../src/domain/attendance.js";
import { MEETING_TYPES, type MeetingType } from "../../src/domain/meetings.js";
import {
  ATTENTION_WEIGHTS,
  buildMonthlyReport,
  parsePeriod,
  previousPeriod,
  reportWindow,
  type ReportCellInput,
  type ReportCountedCell,
  type ReportInput,
  type ReportMeetingInput,
} from "../../src/domain/monthly-report.js";

function meeting(
  id: string,
  local: string,
  options: {
    type?: MeetingType;
    status?: ReportMeetingInput["status"];
    minutes?: number;
    rating?: ReportMeetingInput["rating"];
    records?: ReportMeetingInput["records"];
  } = {},
): ReportMeetingInput {
  const startsAt = at(local);
  const status = options.status ?? "closed";
  const closed = status === "closed";
  const actualStart = closed ? new Date(startsAt.getTime() + 5 * 60_000) : null;
  return {
    id,
    code: `K${id.length}A`,
    type: options.type ?? "regular",
    status,
    startsAt,
    durationMinutes: 90,
    actualStart,
    actualEnd: actualStart ? new Date(actualStart.getTime() + (options.minutes ?? 95) * 60_000) : null,
    rating: closed ? (options.rating ?? "fair") : null,
    records: options.records ?? [],
  };
}

/** A report input whose cells come record by record (as in these tests), not counted by the database. */
type RecordsInput = Omit<ReportInput, "cells"> & { cells: ReportCellInput[] };

/**
 * The hand-worked ward for November 2026 (report read on 2 December):
 *  - khối 1: 135 members, 54 exempt → 81 expected; 70 present, 6 excused, 5 unexcused → 86,4%;
 *    95 minutes, rated fair; a thematic meeting in October → nothing to look at;
 *  - khối 2: its November meeting was cancelled → not held;
 *  - Trường Tiểu học: announced for 28/11 but never closed → scheduled, overdue;
 *  - Công an phường: 14 members, 11 present, 3 unexcused → 78,6%, 80 minutes, rated average;
 *    member a0 was also absent without reason in March and July (3 this year), a1 in July (2).
 */
function wardInput(overrides: Partial<RecordsInput> = {}): RecordsInput {
  const block1: ReportCellInput = {
    id: "c1",
    name: "Chi bộ khối 1",
    members: roster("k", 81, 54),
    meetings: [
      meeting("k-oct-t", "2026-10-20T19:30", { type: "thematic", records: marks("k", 0, 81, "present") }),
      meeting("k-nov", "2026-11-05T19:30", {
        records: [
          ...marks("k", 0, 66, "present"),
          ...marks("k", 66, 4, "late"),
          ...marks("k", 70, 6, "excused"),
          ...marks("k", 76, 5, "unexcused"),
          ...marks("kx", 0, 2, "present"), // exempt members who came anyway: not in the rate
        ],
      }),
    ],
  };
  const block2: ReportCellInput = {
    id: "c2",
    name: "Chi bộ khối 2",
    members: roster("b", 40),
    meetings: [
      meeting("b-oct", "2026-10-05T19:30", { records: marks("b", 0, 40, "present") }),
      meeting("b-nov", "2026-11-05T19:30", { status: "cancelled" }),
    ],
  };
  const school: ReportCellInput = {
    id: "c3",
    name: "Chi bộ Trường Tiểu học Đông Kinh",
    members: roster("s", 21),
    meetings: [meeting("s-nov", "2026-11-28T14:00", { status: "published" })],
  };
  const police = policeCell();

  return {
    committeeName: "Đảng bộ phường Đông Kinh",
    period: "2026-11",
    timeZone: HANOI,
    now: at("2026-12-02T10:00"),
    cells: [police, block2, school, block1],
    ...overrides,
  };
}

function cellNamed(report: ReturnType<typeof buildMonthlyReport>, name: string) {
  const cell = report.cells.find((c) => c.name === name);
  if (!cell) throw new Error(`no cell ${name}`);
  return cell;
}

describe("what the committee sees for each cell in the month", () => {
  const report = buildMonthlyReport(wardInput());

  it("a held meeting: date, 95 minutes, 70 present of 81 expected (86,4%), 6 excused, 5 unexcused, rated fair", () => {
    expect(cellNamed(report, "Chi bộ khối 1")).toMatchObject({
      status: "held",
      meetingId: "k-nov",
      date: "2026-11-05",
      minutes: 95,
      present: 70,
      expected: 81,
      excused: 6,
      unexcused: 5,
      rating: "fair",
      flags: ["unexcused_absence"],
      thematicThisQuarter: true,
      membersUnexcused3: 0,
      needsAttention: 0,
      reasons: [],
    });
    expect(cellNamed(report, "Chi bộ khối 1").rate).toBeCloseTo(70 / 81, 10);
  });

  it("a cell whose only meeting was cancelled has not held it", () => {
    expect(cellNamed(report, "Chi bộ khối 2")).toMatchObject({
      status: "not_held",
      cancelled: true,
      date: null,
      present: null,
      expected: null,
      rate: null,
      needsAttention: ATTENTION_WEIGHTS.not_held,
      reasons: ["not_held"],
    });
  });

  it("a meeting announced for 28/11 but never closed is scheduled, overdue, and last in the attention list", () => {
    expect(cellNamed(report, "Chi bộ Trường Tiểu học Đông Kinh")).toMatchObject({
      status: "scheduled",
      overdue: true,
      date: "2026-11-28",
      rate: null,
      reasons: ["scheduled_not_closed"],
      needsAttention: 1,
    });
  });

  it("a member absent without reason for the third time this year is counted, one at two is warned", () => {
    const police = cellNamed(report, "Chi bộ Công an phường");
    expect(police).toMatchObject({
      status: "held",
      present: 11,
      expected: 14,
      unexcused: 3,
      minutes: 80,
      rating: "average",
      flags: ["below_85", "unexcused_absence", "too_short"],
      membersUnexcused3: 1,
      membersUnexcused2: 1,
      thematicThisQuarter: false,
      reasons: ["unexcused_3", "below_85", "rating_average"],
    });
    expect(police.needsAttention).toBe(32 + 16 + 4);
  });

  it("cells are listed by name, numbers in order", () => {
    expect(report.cells.map((c) => c.name)).toEqual([
      "Chi bộ Công an phường",
      "Chi bộ khối 1",
      "Chi bộ khối 2",
      "Chi bộ Trường Tiểu học Đông Kinh",
    ]);
  });

  it("the attention list puts the cell that did not meet first, then the 3-time absentee, then the unclosed meeting", () => {
    expect(report.attention.map((a) => [a.name, a.reasons])).toEqual([
      ["Chi bộ khối 2", ["not_held"]],
      ["Chi bộ Công an phường", ["unexcused_3", "below_85", "rating_average"]],
      ["Chi bộ Trường Tiểu học Đông Kinh", ["scheduled_not_closed"]],
    ]);
  });

  it("the ward-wide totals add up the held meetings: 81 present of 95 expected", () => {
    expect(report.totals).toMatchObject({
      cells: 4,
      held: 2,
      scheduled: 1,
      notHeld: 1,
      present: 81,
      expected: 95,
      excused: 6,
      unexcused: 8,
      below85: 1,
      membersUnexcused3: 1,
      membersUnexcused2: 1,
      thematicThisQuarter: 1,
      needingAttention: 3,
    });
    expect(report.totals.rate).toBeCloseTo(81 / 95, 10);
    expect(report.quarter).toBe(4);
    expect(report.quarterEnd).toBe(false);
  });

  it("the trend covers the 12 months up to November, oldest first, with no rate for months without a meeting", () => {
    expect(report.trend.map((m) => m.period)).toEqual([
      "2025-12",
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
      "2026-11",
    ]);
    const byPeriod = new Map(report.trend.map((m) => [m.period, m]));
    expect(byPeriod.get("2026-01")?.rate).toBeNull();
    expect(byPeriod.get("2026-03")?.rate).toBeCloseTo(13 / 14, 10);
    // October: khối 2's regular meeting only (khối 1's was thematic, not the regular one).
    expect(byPeriod.get("2026-10")).toMatchObject({ present: 40, expected: 40, rate: 1, held: 1 });
    const november = byPeriod.get("2026-11");
    expect(november?.rate).toBeCloseTo(81 / 95, 10);
    expect(november?.cells.map((c) => c.cellId)).toEqual(report.cells.map((c) => c.cellId));
    expect(november?.cells.map((c) => c.rate)).toEqual([11 / 14, 70 / 81, null, null]);
  });
});

describe("the quarter's thematic meeting", () => {
  it("in the quarter's last month, a cell without a thematic meeting is flagged; a combined meeting counts", () => {
    const input = wardInput({ period: "2026-12", now: at("2027-01-03T09:00") });
    const block2 = input.cells.find((c) => c.id === "c2");
    block2?.meetings.push(
      meeting("b-dec", "2026-12-06T19:30", { type: "combined", minutes: 125, records: marks("b", 0, 40, "present") }),
    );
    const report = buildMonthlyReport(input);
    expect(report.quarterEnd).toBe(true);
    expect(cellNamed(report, "Chi bộ khối 2")).toMatchObject({
      status: "held",
      thematicThisQuarter: true,
      flags: [],
      reasons: [],
    });
    expect(cellNamed(report, "Chi bộ khối 1")).toMatchObject({
      status: "not_held",
      cancelled: false,
      thematicThisQuarter: true,
      reasons: ["not_held"],
    });
    expect(cellNamed(report, "Chi bộ Công an phường").reasons).toEqual(["not_held", "unexcused_3", "no_thematic"]);
    expect(cellNamed(report, "Chi bộ Công an phường").needsAttention).toBe(1024 + 32 + 2);
  });

  it("a thematic meeting after the report's month does not count for it", () => {
    const input = wardInput({ period: "2026-10", now: at("2026-12-02T10:00") });
    const report = buildMonthlyReport(input);
    expect(cellNamed(report, "Chi bộ khối 1").thematicThisQuarter).toBe(true);
    input.cells.find((c) => c.id === "c4")?.meetings.push(meeting("a-nov-t", "2026-11-20T08:00", { type: "thematic" }));
    expect(cellNamed(buildMonthlyReport(input), "Chi bộ Công an phường").thematicThisQuarter).toBe(false);
  });
});

describe("which month a meeting counts for", () => {
  it("06:00 on 1 November in Hà Nội (still 31 October in UTC) is November's meeting", () => {
    const cell: ReportCellInput = {
      id: "x",
      name: "Chi bộ khối 9",
      members: roster("m", 3),
      meetings: [meeting("early", "2026-11-01T06:00", { records: marks("m", 0, 3, "present") })],
    };
    const report = buildMonthlyReport({ ...wardInput(), cells: [cell] });
    expect(report.cells[0]).toMatchObject({ status: "held", date: "2026-11-01", rate: 1 });
    const october = buildMonthlyReport({ ...wardInput(), period: "2026-10", cells: [cell] });
    expect(october.cells[0]?.status).toBe("not_held");
  });

  it("with two closed regular meetings in a month the earlier is reported and the other counted", () => {
    const cell: ReportCellInput = {
      id: "x",
      name: "Chi bộ khối 9",
      members: roster("m", 4),
      meetings: [
        meeting("model", "2026-11-20T19:30", { type: "model", records: marks("m", 0, 4, "present") }),
        meeting("regular", "2026-11-05T19:30", { records: marks("m", 0, 2, "present") }),
        meeting("extra", "2026-11-25T19:30", { type: "extraordinary", records: marks("m", 0, 4, "unexcused") }),
      ],
    };
    const report = buildMonthlyReport({ ...wardInput(), cells: [cell] });
    expect(report.cells[0]).toMatchObject({ meetingId: "regular", rate: 0.5, otherRegularMeetings: 1 });
  });

  it("a draft meeting was never announced: the cell has not held (nor scheduled) its meeting", () => {
    const cell: ReportCellInput = {
      id: "x",
      name: "Chi bộ khối 9",
      members: roster("m", 4),
      meetings: [meeting("d", "2026-11-20T19:30", { status: "draft" })],
    };
    expect(buildMonthlyReport({ ...wardInput(), cells: [cell] }).cells[0]).toMatchObject({
      status: "not_held",
      cancelled: false,
    });
  });

  it("a meeting announced for later this month is scheduled but not yet a reason for attention", () => {
    const report = buildMonthlyReport(wardInput({ now: at("2026-11-20T10:00") }));
    expect(cellNamed(report, "Chi bộ Trường Tiểu học Đông Kinh")).toMatchObject({
      status: "scheduled",
      overdue: false,
      reasons: [],
    });
  });

  it("unexcused absences of last year are not counted in this year's flags", () => {
    const cell: ReportCellInput = {
      id: "x",
      name: "Chi bộ khối 9",
      members: roster("m", 2),
      meetings: [
        meeting("dec", "2025-12-05T19:30", { records: marks("m", 0, 1, "unexcused") }),
        meeting("jan", "2026-01-05T19:30", { records: marks("m", 0, 1, "unexcused") }),
        meeting("feb", "2026-02-05T19:30", { records: marks("m", 0, 1, "unexcused") }),
      ],
    };
    const report = buildMonthlyReport({ ...wardInput(), period: "2026-02", cells: [cell] });
    expect(report.cells[0]).toMatchObject({ membersUnexcused3: 0, membersUnexcused2: 1 });
  });
});

describe("the month the report is for", () => {
  it("in January, last month is December of the year before", () => {
    expect(previousPeriod(at("2027-01-15T09:00"), HANOI)).toBe("2026-12");
  });

  it("just after midnight on 1 April in Hà Nội (still 31 March in UTC), last month is March", () => {
    expect(previousPeriod(new Date("2026-03-31T17:30:00Z"), HANOI)).toBe("2026-03");
    expect(previousPeriod(new Date("2026-03-31T16:59:00Z"), HANOI)).toBe("2026-02");
  });

  const now = at("2027-01-10T09:00");
  it.each([
    ["11/2026", "2026-11"],
    ["11-2026", "2026-11"],
    ["2026-11", "2026-11"],
    ["2026/1", "2026-01"],
    ["tháng 11", "2026-11"],
    ["Tháng 1", "2027-01"],
    ["thang 11/2026", "2026-11"],
    ["tháng 11 năm 2026", "2026-11"],
    ["t11", "2026-11"],
    ["T11/2026", "2026-11"],
    ["11", "2026-11"],
    ["tháng trước", "2026-12"],
    ["Thang truoc", "2026-12"],
    ["last month", "2026-12"],
    ["tháng này", "2027-01"],
    ["nov 2026", "2026-11"],
    ["November", "2026-11"],
    ["  tháng   11  ", "2026-11"],
  ])("%s → %s", (text, period) => {
    expect(parsePeriod(text, now, HANOI)).toBe(period);
  });

  it.each(["", "tháng 13", "13/2026", "0/2026", "tháng", "hôm qua", "2026", "11/2026/1", "novembre 2026", "t 11 12"])(
    "%s is not a month",
    (text) => {
      expect(parsePeriod(text, now, HANOI)).toBeUndefined();
    },
  );

  it("a malformed period is refused", () => {
    expect(() => buildMonthlyReport(wardInput({ period: "2026-13" }))).toThrow(RangeError);
    expect(() => buildMonthlyReport(wardInput({ period: "11/2026" }))).toThrow(RangeError);
  });
});

describe("a large committee", () => {
  it("500 cells × 150 members × 12 months build in one pass, with every cell and month accounted for", () => {
    const statuses: AttendanceStatus[] = ["present", "present", "present", "present", "present", "late", "excused", "unexcused"];
    const cells: ReportCellInput[] = Array.from({ length: 500 }, (_, c) => {
      const cellMembers = roster(`c${c}m`, 135, 15);
      const meetings = Array.from({ length: 12 }, (_, k) => {
        const month = ((11 + k) % 12) + 1; // Dec 2025 … Nov 2026
        const year = k === 0 ? 2025 : 2026;
        return meeting(`c${c}k${k}`, `${year}-${String(month).padStart(2, "0")}-05T19:30`, {
          type: k % 3 === 1 ? "combined" : "regular",
          records: cellMembers.map((m, i) => ({
            memberId: m.id,
            status: statuses[(i * 7 + k * 3 + c) % statuses.length] ?? "present",
          })),
        });
      });
      return { id: `c${c}`, name: `Chi bộ khối ${c + 1}`, members: cellMembers, meetings };
    });
    const report = buildMonthlyReport({ ...wardInput(), cells });
    expect(report.cells).toHaveLength(500);
    expect(report.totals.held).toBe(500);
    expect(report.trend.every((m) => m.held === 500)).toBe(true);
    expect(report.cells[1]?.name).toBe("Chi bộ khối 2");
    expect(report.totals.expected).toBe(500 * 135);
  });
});

describe("cells counted by the database", () => {
  it("the report's 12 months and its year, as instants: from the 1st of the first month, local time", () => {
    expect(reportWindow("2026-11", HANOI)).toEqual({
      from: new Date("2025-11-30T17:00:00Z"),
      to: new Date("2026-11-30T17:00:00Z"),
      yearFrom: new Date("2025-12-31T17:00:00Z"),
    });
    expect(reportWindow("2027-01", "UTC").to).toEqual(new Date("2027-02-01T00:00:00Z"));
    expect(() => reportWindow("2026-13", HANOI)).toThrow(RangeError);
    expect(() => reportWindow("2026-11", "Mars/Olympus")).toThrow(RangeError);
  });

  it("a cell given as counts reads the same as record by record: roll calls, 3 and 2 unexcused, 3 excused in a row", () => {
    const strip = ({ records: _records, ...rest }: ReportMeetingInput) => rest;
    const records: ReportCellInput = {
      id: "c4",
      name: "Chi bộ Công an phường",
      members: [...roster("a", 14), ...roster("b", 0, 1)],
      meetings: [
        meeting("a-sep", "2026-09-10T08:00", { records: [...marks("a", 0, 3, "excused"), ...marks("a", 3, 11, "present")] }),
        meeting("a-oct", "2026-10-10T08:00", {
          records: [...marks("a", 0, 2, "unexcused"), ...marks("a", 2, 1, "excused"), ...marks("a", 3, 11, "late")],
        }),
        meeting("a-nov", "2026-11-10T08:00", {
          records: [
            ...marks("a", 0, 1, "unexcused"),
            ...marks("a", 1, 1, "present"),
            ...marks("a", 2, 1, "excused"),
            ...marks("a", 3, 1, "exempt"),
            ...marks("a", 4, 9, "present"),
            ...marks("bx", 0, 1, "present"), // an exempt member who came anyway
          ],
        }),
      ],
    };
    const sep = records.meetings[0]!;
    const oct = records.meetings[1]!;
    const nov = records.meetings[2]!;
    const counted: ReportCountedCell = {
      id: "c4",
      name: "Chi bộ Công an phường",
      activeMembers: 14,
      meetings: [
        { ...strip(sep), rollCall: { marked: 14, excused: 3, unexcused: 0, exempt: 0 } },
        { ...strip(oct), rollCall: { marked: 14, excused: 1, unexcused: 2, exempt: 0 } },
        { ...strip(nov), rollCall: { marked: 13, excused: 1, unexcused: 1, exempt: 1 } },
      ],
      absentees: [
        { memberId: "a0", unexcusedThisYear: 2, records: [] },
        {
          memberId: "a2",
          unexcusedThisYear: 0,
          records: [
            { meetingId: "a-nov", status: "excused" },
            { meetingId: "a-sep", status: "excused" },
            { meetingId: "a-oct", status: "excused" },
          ],
        },
      ],
    };
    const fromRecords = buildMonthlyReport({ ...wardInput(), cells: [records] });
    expect(buildMonthlyReport({ ...wardInput(), cells: [counted] })).toEqual(fromRecords);
    expect(fromRecords.cells[0]).toMatchObject({
      present: 10,
      expected: 13,
      excused: 1,
      unexcused: 1,
      membersUnexcused3: 0,
      membersUnexcused2: 1,
      membersExcused3InARow: 1,
    });
  });

  /** Any month's report, from the rules themselves: attendanceRate over the month's meeting, memberFlags over the year. */
  function expectedCell(cell: ReportCellInput, period: string) {
    const monthOf = (meeting: ReportMeetingInput) => localMonth(meeting.startsAt);
    const [year, month] = period.split("-").map(Number) as [number, number];
    const first = `${month === 12 ? year : year - 1}-${String((month % 12) + 1).padStart(2, "0")}`;
    const inWindow = cell.meetings.filter((meeting) => monthOf(meeting) >= first && monthOf(meeting) <= period);
    const held = inWindow
      .filter((m) => monthOf(m) === period && m.status === "closed" && ["regular", "combined", "model"].includes(m.type))
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : 1))[0];
    const history: AttendanceHistoryEntry[] = [];
    for (const meeting of inWindow.filter((m) => m.status === "closed" && m.type !== "committee")) {
      const latest = new Map(meeting.records.map((record) => [record.memberId, record.status]));
      for (const [memberId, status] of latest)
        history.push({ memberId, meetingId: meeting.id, startsAt: meeting.startsAt, status });
    }
    const onRolls = new Set(cell.members.filter((m) => m.membership !== "transferred_out").map((m) => m.id));
    const standings = memberFlags(history, { year, timeZone: HANOI }).filter((standing) => onRolls.has(standing.memberId));
    const flagged = (flag: string) => standings.filter((standing) => standing.flags.some((f) => f === flag)).length;
    const attendance = held ? attendanceRate({ members: cell.members, records: held.records }) : undefined;
    return {
      ...(held ? { status: "held", meetingId: held.id } : {}),
      present: attendance?.present ?? null,
      expected: attendance?.expected ?? null,
      excused: attendance?.excused ?? null,
      unexcused: attendance?.unexcused ?? null,
      rate: attendance?.rate ?? null,
      membersUnexcused3: flagged("unexcused_3"),
      membersUnexcused2: flagged("unexcused_2"),
      membersExcused3InARow: flagged("excused_3_in_a_row"),
    };
  }

  const localMonth = (instant: Date) => {
    const shifted = new Date(instant.getTime() + 7 * 3600_000); // Hà Nội has no daylight saving time
    return shifted.toISOString().slice(0, 7);
  };

  it("whatever the roll calls, counting them gives the rules' attendance and member flags (property)", () => {
    const status = fc.constantFrom(...ATTENDANCE_STATUSES);
    const meetingArbitrary = fc.record({
      month: fc.integer({ min: 0, max: 14 }), // 2025-11 … 2027-01: some before and after the report's months
      day: fc.constantFrom(1, 5, 28),
      hour: fc.constantFrom("00:00", "06:00", "19:30"),
      sameTimeAsPrevious: fc.boolean(),
      type: fc.constantFrom<MeetingType>(...MEETING_TYPES),
      status: fc.constantFrom<ReportMeetingInput["status"]>("closed", "closed", "closed", "published", "cancelled", "draft"),
      records: fc.array(fc.record({ member: fc.integer({ min: 0, max: 9 }), status }), { maxLength: 14 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("active", "active", "exempt", "transferred_out") as fc.Arbitrary<"active">, {
          minLength: 8,
          maxLength: 8,
        }),
        fc.array(meetingArbitrary, { maxLength: 16 }),
        fc.constantFrom("2026-01", "2026-06", "2026-11", "2026-12"),
        (memberships, meetings, period) => {
          let previous: string | undefined;
          const cell: ReportCellInput = {
            id: "x",
            name: "Chi bộ khối 9",
            members: memberships.map((membership, i) => ({ id: `m${i}`, membership })), // m8 and m9: not on the rolls
            meetings: meetings.map((m, i) => {
              const index = 2025 * 12 + 10 + m.month;
              const month = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
              const local = `${month}-${String(m.day).padStart(2, "0")}T${m.hour}`;
              const startsAt = m.sameTimeAsPrevious && previous ? previous : local;
              previous = startsAt;
              return meeting(`k${(i * 7) % 16}-${i}`, startsAt, {
                type: m.type,
                status: m.status,
                records: m.records.map((r) => ({ memberId: `m${r.member}`, status: r.status })),
              });
            }),
          };
          const report = buildMonthlyReport({ ...wardInput(), period, cells: [cell] });
          expect(report.cells[0]).toMatchObject(expectedCell(cell, period));
        },
      ),
      { numRuns: 300 },
    );
  });
});
