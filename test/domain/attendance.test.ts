import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  absentees,
  attendanceRate,
  meetingFlags,
  memberFlags,
  ATTENDANCE_STATUSES,
  type AttendanceHistoryEntry,
  type AttendanceMember,
  type AttendanceRecord,
  type AttendanceStatus,
} from "../../src/domain/attendance.js";
import { localToUtc } from "../../src/domain/dates.js";

const HANOI = "Asia/Ho_Chi_Minh";

function active(count: number, from = 0): AttendanceMember[] {
  return Array.from({ length: count }, (_, i) => ({ id: `a${from + i}`, membership: "active" as const }));
}

function exempt(count: number): AttendanceMember[] {
  return Array.from({ length: count }, (_, i) => ({ id: `e${i}`, membership: "exempt" as const }));
}

function marked(ids: readonly string[], status: AttendanceStatus): AttendanceRecord[] {
  return ids.map((memberId) => ({ memberId, status }));
}

function ids(prefix: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);
}

/** The 135-member cell: 81 active, 54 exempt. */
const CELL_135 = [...active(81), ...exempt(54)];

describe("the attendance rate the secretary reports", () => {
  it("a 135-member cell with 54 exempt expects 81; 70 present is 86.4% and not flagged for the rate", () => {
    const records = [
      ...marked(ids("a", 0, 70), "present"),
      ...marked(ids("a", 70, 6), "excused"),
      ...marked(ids("a", 76, 5), "unexcused"),
    ];
    const summary = attendanceRate({ members: CELL_135, records });
    expect(summary).toMatchObject({
      total: 135,
      exempt: 54,
      transferredOut: 0,
      expected: 81,
      present: 70,
      excused: 6,
      unexcused: 5,
      unmarked: 0,
    });
    expect(summary.rate).toBeCloseTo(70 / 81, 12);
    expect(Math.round((summary.rate ?? 0) * 1000) / 10).toBe(86.4);
    expect(meetingFlags({ rate: summary.rate, unexcused: 0, actualMinutes: 90, minimumMinutes: 90 })).toEqual([]);
  });

  it("69 of 81 is 85.2%: still above 85%, not flagged; 68 of 81 (84.0%) is flagged", () => {
    const at69 = attendanceRate({ members: CELL_135, records: marked(ids("a", 0, 69), "present") });
    expect(Math.round((at69.rate ?? 0) * 1000) / 10).toBe(85.2);
    expect(at69.unmarked).toBe(12);
    expect(meetingFlags({ rate: at69.rate, unexcused: 0, actualMinutes: 95, minimumMinutes: 90 })).toEqual([]);

    const at68 = attendanceRate({ members: CELL_135, records: marked(ids("a", 0, 68), "present") });
    expect(Math.round((at68.rate ?? 0) * 1000) / 10).toBe(84);
    expect(meetingFlags({ rate: at68.rate, unexcused: 0, actualMinutes: 95, minimumMinutes: 90 })).toEqual(["below_85"]);
  });

  it("exactly 85% (17 of 20) is not above 85%: flagged", () => {
    const summary = attendanceRate({ members: active(20), records: marked(ids("a", 0, 17), "present") });
    expect(summary.rate).toBe(0.85);
    expect(meetingFlags({ rate: summary.rate, unexcused: 0, actualMinutes: 90, minimumMinutes: 90 })).toEqual(["below_85"]);
    // 85% reached through other arithmetic is still exactly 85%.
    expect(meetingFlags({ rate: 0.1 * 8.5, unexcused: 0, actualMinutes: 90, minimumMinutes: 90 })).toEqual(["below_85"]);
    // 18 of 20 (90%) is fine.
    expect(meetingFlags({ rate: 18 / 20, unexcused: 0, actualMinutes: 90, minimumMinutes: 90 })).toEqual([]);
  });

  it("late arrivals and early leavers count as present", () => {
    const records = [...marked(["a0", "a1"], "present"), ...marked(["a2"], "late"), ...marked(["a3"], "left_early")];
    const summary = attendanceRate({ members: active(5), records });
    expect(summary).toMatchObject({ expected: 5, present: 4, late: 1, leftEarly: 1, unmarked: 1 });
    expect(summary.rate).toBe(0.8);
  });

  it("members transferred out are neither expected nor in the rate", () => {
    const members: AttendanceMember[] = [
      ...active(10),
      { id: "t1", membership: "transferred_out" },
      { id: "t2", membership: "transferred_out" },
    ];
    const records = [...marked(ids("a", 0, 9), "present"), ...marked(["t1"], "present")];
    const summary = attendanceRate({ members, records });
    expect(summary).toMatchObject({ total: 12, transferredOut: 2, expected: 10, present: 9 });
    expect(summary.rate).toBe(0.9);
  });

  it("an exempt member who comes anyway is counted apart, not in the rate", () => {
    const members = [...active(4), ...exempt(2)];
    const records = [...marked(["a0", "a1", "a2", "a3"], "present"), ...marked(["e0"], "present"), ...marked(["e1"], "excused")];
    const summary = attendanceRate({ members, records });
    expect(summary).toMatchObject({ total: 6, exempt: 2, expected: 4, present: 4, exemptPresent: 1, excused: 0 });
    expect(summary.rate).toBe(1);
  });

  it("a member marked exempt at the roll call counts as exempt", () => {
    const summary = attendanceRate({
      members: active(4),
      records: [...marked(["a0", "a1", "a2"], "present"), ...marked(["a3"], "exempt")],
    });
    expect(summary).toMatchObject({ total: 4, exempt: 1, expected: 3, present: 3 });
  });

  it("the secretary's correction wins, strangers and removed members are ignored", () => {
    const members: AttendanceMember[] = [...active(2), { id: "r", membership: "removed" }, { id: "a0", membership: "active" }];
    const records: AttendanceRecord[] = [
      { memberId: "a0", status: "unexcused" },
      { memberId: "a0", status: "late" },
      { memberId: "r", status: "present" },
      { memberId: "stranger", status: "present" },
    ];
    expect(attendanceRate({ members, records })).toMatchObject({
      total: 2,
      expected: 2,
      present: 1,
      late: 1,
      unexcused: 0,
      unmarked: 1,
    });
  });

  it("a cell where nobody is expected has no rate and no rate flag", () => {
    const summary = attendanceRate({ members: exempt(3), records: [] });
    expect(summary.rate).toBeNull();
    expect(meetingFlags({ rate: null, unexcused: 0, actualMinutes: 90, minimumMinutes: 90 })).toEqual([]);
  });

  it("the rate is always between 0 and 1 (or none), and the expected members add up", () => {
    const membership = fc.constantFrom("active", "exempt", "transferred_out", "removed") as fc.Arbitrary<
      AttendanceMember["membership"]
    >;
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 30 }).map(String), membership })),
        fc.array(
          fc.record({ memberId: fc.integer({ min: 0, max: 35 }).map(String), status: fc.constantFrom(...ATTENDANCE_STATUSES) }),
        ),
        (members, records) => {
          const summary = attendanceRate({ members, records });
          if (summary.rate !== null) {
            expect(summary.rate).toBeGreaterThanOrEqual(0);
            expect(summary.rate).toBeLessThanOrEqual(1);
          } else {
            expect(summary.expected).toBe(0);
          }
          expect(summary.present + summary.excused + summary.unexcused + summary.unmarked).toBe(summary.expected);
          expect(summary.total - summary.exempt - summary.transferredOut).toBe(summary.expected);
        },
      ),
    );
  });
});

describe("the quality flags on a meeting", () => {
  it("someone absent without reason keeps a full meeting from good quality", () => {
    expect(meetingFlags({ rate: 0.95, unexcused: 1, actualMinutes: 100, minimumMinutes: 90 })).toEqual(["unexcused_absence"]);
  });

  it("a meeting shorter than 90 minutes is too short; exactly 90 is enough", () => {
    expect(meetingFlags({ rate: 1, unexcused: 0, actualMinutes: 89, minimumMinutes: 90 })).toEqual(["too_short"]);
    expect(meetingFlags({ rate: 1, unexcused: 0, actualMinutes: 90, minimumMinutes: 90 })).toEqual([]);
  });

  it("a combined meeting needs 120 minutes", () => {
    expect(meetingFlags({ rate: 1, unexcused: 0, actualMinutes: 110, minimumMinutes: 120 })).toEqual(["too_short"]);
  });

  it("a length not known yet raises no length flag; all flags come in a fixed order", () => {
    expect(meetingFlags({ rate: 0.5, unexcused: 2, actualMinutes: null, minimumMinutes: 90 })).toEqual([
      "below_85",
      "unexcused_absence",
    ]);
    expect(meetingFlags({ rate: 0.5, unexcused: 2, actualMinutes: 30, minimumMinutes: 90 })).toEqual([
      "below_85",
      "unexcused_absence",
      "too_short",
    ]);
  });
});

/** An entry for a meeting at a local time in Hà Nội. */
function at(memberId: string, local: string, status: AttendanceStatus): AttendanceHistoryEntry {
  return { memberId, meetingId: `mtg-${local}`, startsAt: localToUtc(local, HANOI), status };
}

describe("the flags on a member over the year", () => {
  it("absent without reason in January, March and November: the cell must consider removal", () => {
    const history = [
      at("lan", "2025-01-05T19:30", "unexcused"),
      at("lan", "2025-02-05T19:30", "present"),
      at("lan", "2025-03-05T19:30", "unexcused"),
      at("lan", "2025-07-05T19:30", "excused"),
      at("lan", "2025-11-05T19:30", "unexcused"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })).toEqual([
      { memberId: "lan", unexcusedThisYear: 3, excusedInARow: 0, flags: ["unexcused_3"] },
    ]);
  });

  it("two absences without reason in the year give a warning", () => {
    const history = [
      at("nam", "2025-04-05T19:30", "unexcused"),
      at("nam", "2025-06-05T19:30", "unexcused"),
      at("nam", "2025-07-05T19:30", "present"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]?.flags).toEqual(["unexcused_2"]);
  });

  it("absences of last year do not count this year", () => {
    const history = [
      at("nam", "2024-11-05T19:30", "unexcused"),
      at("nam", "2024-12-05T19:30", "unexcused"),
      at("nam", "2025-01-05T19:30", "unexcused"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({ unexcusedThisYear: 1, flags: [] });
    expect(memberFlags(history, { year: 2024, timeZone: HANOI })[0]).toMatchObject({
      unexcusedThisYear: 2,
      flags: ["unexcused_2"],
    });
  });

  it("around midnight on New Year's Eve the year is the one on the cell's own calendar", () => {
    // 31/12 19:30 in Hà Nội is 12:30 UTC the same day: last year.
    // 01/01 06:00 in Hà Nội is 31/12 23:00 UTC: the new year, although UTC still says December.
    const newYearMorning = at("binh", "2026-01-01T06:00", "unexcused");
    expect(newYearMorning.startsAt.toISOString()).toBe("2025-12-31T23:00:00.000Z");
    const history = [at("binh", "2025-03-05T19:30", "unexcused"), at("binh", "2025-12-31T19:30", "unexcused"), newYearMorning];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({
      unexcusedThisYear: 2,
      flags: ["unexcused_2"],
    });
    expect(memberFlags(history, { year: 2026, timeZone: HANOI })[0]).toMatchObject({ unexcusedThisYear: 1, flags: [] });
    // Read in UTC, the morning meeting would have fallen in 2025.
    expect(memberFlags(history, { year: 2025, timeZone: "UTC" })[0]).toMatchObject({
      unexcusedThisYear: 3,
      flags: ["unexcused_3"],
    });
  });

  it("absent with reason three meetings in a row is flagged", () => {
    const history = [
      at("chi", "2025-05-05T19:30", "present"),
      at("chi", "2025-06-05T19:30", "excused"),
      at("chi", "2025-07-05T19:30", "excused"),
      at("chi", "2025-08-05T19:30", "excused"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({
      excusedInARow: 3,
      flags: ["excused_3_in_a_row"],
    });
  });

  it("months when the member was exempt neither break nor extend the streak", () => {
    const history = [
      at("chi", "2025-01-05T19:30", "excused"),
      at("chi", "2025-02-05T19:30", "excused"),
      at("chi", "2025-03-05T19:30", "exempt"),
      at("chi", "2025-04-05T19:30", "exempt"),
      at("chi", "2025-05-05T19:30", "excused"),
      at("chi", "2025-06-05T19:30", "exempt"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({
      excusedInARow: 3,
      flags: ["excused_3_in_a_row"],
    });
    // Two excused absences around exempt months are still only two.
    expect(memberFlags(history.slice(1), { year: 2025, timeZone: HANOI })[0]).toMatchObject({ excusedInARow: 2, flags: [] });
  });

  it("coming back to a meeting ends the streak; an old streak is no longer flagged", () => {
    const history = [
      at("dung", "2025-01-05T19:30", "excused"),
      at("dung", "2025-02-05T19:30", "excused"),
      at("dung", "2025-03-05T19:30", "excused"),
      at("dung", "2025-04-05T19:30", "late"),
      at("dung", "2025-05-05T19:30", "excused"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({ excusedInARow: 1, flags: [] });
  });

  it("an absence without reason also ends an excused streak", () => {
    const history = [
      at("dung", "2025-01-05T19:30", "excused"),
      at("dung", "2025-02-05T19:30", "excused"),
      at("dung", "2025-03-05T19:30", "unexcused"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({ excusedInARow: 0, flags: [] });
  });

  it("a streak runs across New Year; a report for the old year ignores the new year's meetings", () => {
    const history = [
      at("ha", "2025-11-05T19:30", "excused"),
      at("ha", "2025-12-05T19:30", "excused"),
      at("ha", "2026-01-05T19:30", "excused"),
    ];
    expect(memberFlags(history, { year: 2026, timeZone: HANOI })[0]).toMatchObject({
      excusedInARow: 3,
      flags: ["excused_3_in_a_row"],
    });
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })[0]).toMatchObject({ excusedInARow: 2, flags: [] });
  });

  it("both kinds of flag at once, one line per member, sorted by member", () => {
    const history = [
      at("z", "2025-01-05T19:30", "unexcused"),
      at("z", "2025-02-05T19:30", "unexcused"),
      at("z", "2025-03-05T19:30", "excused"),
      at("z", "2025-04-05T19:30", "excused"),
      at("z", "2025-05-05T19:30", "excused"),
      at("a", "2025-05-05T19:30", "present"),
    ];
    expect(memberFlags(history, { year: 2025, timeZone: HANOI })).toEqual([
      { memberId: "a", unexcusedThisYear: 0, excusedInARow: 0, flags: [] },
      { memberId: "z", unexcusedThisYear: 2, excusedInARow: 3, flags: ["unexcused_2", "excused_3_in_a_row"] },
    ]);
  });

  it("the same roll call twice counts once; two different roll calls for one meeting are a bug", () => {
    const entry = at("e", "2025-01-05T19:30", "unexcused");
    expect(memberFlags([entry, { ...entry }], { year: 2025, timeZone: HANOI })[0]?.unexcusedThisYear).toBe(1);
    expect(() => memberFlags([entry, { ...entry, status: "present" }], { year: 2025, timeZone: HANOI })).toThrow(RangeError);
  });

  it("gives the same flags whatever order the history comes in", () => {
    // Monthly meetings from Oct 2024 to Dec 2025, one at New Year's dawn, and two meetings at the same time (ties).
    const locals = [
      ...["2024-10", "2024-11", "2024-12"].map((month) => `${month}-05T19:30`),
      "2025-01-01T06:00",
      ...Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}-05T19:30`),
      "2025-06-05T19:30",
    ];
    const meetingTimes = locals.map((local) => localToUtc(local, HANOI));
    const entry = fc.record({
      member: fc.integer({ min: 0, max: 4 }),
      meeting: fc.integer({ min: 0, max: locals.length - 1 }),
      status: fc.constantFrom(...ATTENDANCE_STATUSES),
    });
    const history = fc.uniqueArray(entry, { selector: (e) => `${e.member}/${e.meeting}`, maxLength: 60 }).map((entries) =>
      entries.map(
        (e): AttendanceHistoryEntry => ({
          memberId: `m${e.member}`,
          meetingId: `mtg${e.meeting}`,
          startsAt: meetingTimes[e.meeting] ?? new Date(0),
          status: e.status,
        }),
      ),
    );
    fc.assert(
      fc.property(
        history.chain((h) => fc.tuple(fc.constant(h), fc.shuffledSubarray(h, { minLength: h.length, maxLength: h.length }))),
        fc.constantFrom(2024, 2025),
        ([original, shuffled], year) => {
          expect(memberFlags(shuffled, { year, timeZone: HANOI })).toEqual(memberFlags(original, { year, timeZone: HANOI }));
        },
      ),
    );
  });
});

describe("the absentees listed in the minutes", () => {
  it("lists excused absentees with their reasons and unexcused ones, in Vietnamese order", () => {
    const names = new Map([
      ["1", "Đặng Văn Hùng"],
      ["2", "Dương Thị Lan"],
      ["3", "Trần Văn Bình"],
      ["4", "Ân Thị Mai"],
      ["5", "An Văn Tú"],
      ["6", "Nguyễn Thị Ước"],
      ["7", "Nguyễn Thị Uyên"],
    ]);
    const records: AttendanceRecord[] = [
      { memberId: "1", status: "excused", reason: " đi công tác " },
      { memberId: "2", status: "excused", reason: "ốm" },
      { memberId: "3", status: "present" },
      { memberId: "4", status: "excused", reason: "" },
      { memberId: "5", status: "excused" },
      { memberId: "6", status: "unexcused" },
      { memberId: "7", status: "unexcused" },
      { memberId: "ghost", status: "unexcused" },
    ];
    expect(absentees(records, names)).toEqual({
      excused: [
        { memberId: "5", name: "An Văn Tú", reason: null },
        { memberId: "4", name: "Ân Thị Mai", reason: null },
        { memberId: "2", name: "Dương Thị Lan", reason: "ốm" },
        { memberId: "1", name: "Đặng Văn Hùng", reason: "đi công tác" },
      ],
      unexcused: [
        { memberId: "7", name: "Nguyễn Thị Uyên" },
        { memberId: "6", name: "Nguyễn Thị Ước" },
      ],
    });
  });

  it("a member marked absent and then present is not listed", () => {
    const names = new Map([["1", "Lê Văn Tám"]]);
    const records: AttendanceRecord[] = [
      { memberId: "1", status: "unexcused" },
      { memberId: "1", status: "late" },
    ];
    expect(absentees(records, names)).toEqual({ excused: [], unexcused: [] });
  });
});
