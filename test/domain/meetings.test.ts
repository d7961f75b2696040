import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MEETING_TYPES,
  checkMeetingTime,
  defaultDurationMinutes,
  isMeetingCode,
  isMeetingType,
  meetingCode,
  meetingEndLocal,
  meetingPeriod,
  rsvpDeadlineDefault,
  type MeetingTimeCheck,
  type OtherMeeting,
} from "../../src/domain/meetings.js";

/** A deterministic random source cycling through the given values. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe("meeting types and lengths", () => {
  it("offers the six kinds of meeting a cell holds", () => {
    expect(MEETING_TYPES).toEqual(["regular", "thematic", "combined", "extraordinary", "committee", "model"]);
    expect(isMeetingType("combined")).toBe(true);
    expect(isMeetingType("party")).toBe(false);
  });

  it("proposes 90 minutes, and 120 when the regular and thematic meetings are combined", () => {
    for (const type of MEETING_TYPES) expect(defaultDurationMinutes(type)).toBe(type === "combined" ? 120 : 90);
  });

  it("files a meeting under its calendar month", () => {
    expect(meetingPeriod("2026-12-05")).toBe("2026-12");
    expect(meetingPeriod("2027-01-31T19:30")).toBe("2027-01");
  });

  it("refuses a date that does not exist", () => {
    expect(() => meetingPeriod("2026-02-30")).toThrow(RangeError);
    expect(() => meetingPeriod("5/12/2026")).toThrow(RangeError);
  });

  it("shows when a meeting ends on the wall clock, across midnight too", () => {
    expect(meetingEndLocal("2026-12-05T19:30", 90)).toBe("2026-12-05T21:00");
    expect(meetingEndLocal("2026-12-31T23:00", 120)).toBe("2027-01-01T01:00");
  });
});

describe("RSVP deadline", () => {
  it("asks members to answer two hours before the start", () => {
    expect(rsvpDeadlineDefault("2026-12-05T19:30")).toBe("2026-12-05T17:30");
  });

  it("moves to the previous day for an early-morning meeting", () => {
    expect(rsvpDeadlineDefault("2026-12-05T01:00")).toBe("2026-12-04T23:00");
  });
});

describe("meeting codes", () => {
  it("gives a short code of three characters, mixing letters and digits, that members can type", () => {
    const code = meetingCode(() => false, sequence(0.37, 0.51, 0.12, 0.9));
    expect(code).toHaveLength(3);
    expect(isMeetingCode(code)).toBe(true);
  });

  it("never uses characters that are easy to misread (0, O, 1, I, L)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (r) => {
        const code = meetingCode(
          () => false,
          () => r,
        );
        expect(code).not.toMatch(/[01OIL]/);
        expect(isMeetingCode(code)).toBe(true);
      }),
    );
  });

  it("draws again when a code is already taken", () => {
    const taken = new Set<string>();
    const first = meetingCode(() => false, sequence(0.1));
    taken.add(first);
    const second = meetingCode((code) => taken.has(code), sequence(0.1, 0.1, 0.7));
    expect(second).not.toBe(first);
    expect(isMeetingCode(second)).toBe(true);
  });

  it("moves to four characters when short codes keep colliding", () => {
    const code = meetingCode((candidate) => candidate.length === 3);
    expect(code).toHaveLength(4);
    expect(isMeetingCode(code)).toBe(true);
  });

  it("still finds the last free code when a broken random source always repeats itself", () => {
    const free = "Z9Z9";
    const code = meetingCode(
      (candidate) => candidate !== free,
      () => 0.5,
    );
    expect(code).toBe(free);
  });

  it("reports when every code is taken instead of looping forever", () => {
    expect(() =>
      meetingCode(
        () => true,
        () => 0.5,
      ),
    ).toThrow(/every meeting code is taken/);
  });

  it("gives distinct codes to many meetings in a row", () => {
    const taken = new Set<string>();
    for (let i = 0; i < 2000; i++) taken.add(meetingCode((code) => taken.has(code)));
    expect(taken.size).toBe(2000);
  });

  it("recognises codes as members type them back", () => {
    expect(isMeetingCode("K7A")).toBe(true);
    expect(isMeetingCode("P3X9")).toBe(true);
    expect(isMeetingCode("KAB")).toBe(false); // no digit: could be a word
    expect(isMeetingCode("234")).toBe(false); // no letter: could be a number
    expect(isMeetingCode("K0A")).toBe(false);
    expect(isMeetingCode("K7A2B")).toBe(false);
  });
});

describe("checking a proposed meeting time", () => {
  const base: MeetingTimeCheck = {
    startsAtLocal: "2026-12-05T19:30",
    durationMinutes: 90,
    type: "regular",
    nowLocal: "2026-11-20T10:00",
    others: [],
  };
  const other = (fields: Partial<OtherMeeting>): OtherMeeting => ({
    startsAtLocal: "2026-12-10T19:30",
    durationMinutes: 90,
    type: "thematic",
    status: "published",
    ...fields,
  });

  it("has nothing to say about an ordinary evening meeting", () => {
    expect(checkMeetingTime(base)).toEqual([]);
  });

  it("warns the secretary about a time already gone", () => {
    expect(checkMeetingTime({ ...base, nowLocal: "2026-12-05T19:31" })).toEqual(["in_the_past"]);
    expect(checkMeetingTime({ ...base, nowLocal: "2026-12-05T19:30" })).toEqual(["in_the_past"]);
  });

  it("warns about a meeting before 06:00 or ending after 22:00", () => {
    expect(checkMeetingTime({ ...base, startsAtLocal: "2026-12-05T05:30" })).toEqual(["outside_hours"]);
    expect(checkMeetingTime({ ...base, startsAtLocal: "2026-12-05T21:00" })).toEqual(["outside_hours"]);
    expect(checkMeetingTime({ ...base, startsAtLocal: "2026-12-05T23:30" })).toEqual(["outside_hours"]);
  });

  it("accepts a meeting that starts at 06:00 or ends at 22:00 sharp", () => {
    expect(checkMeetingTime({ ...base, startsAtLocal: "2026-12-05T06:00" })).toEqual([]);
    expect(checkMeetingTime({ ...base, startsAtLocal: "2026-12-05T20:30" })).toEqual([]);
  });

  it("uses the meeting's own length: a combined meeting at 20:30 runs past 22:00", () => {
    expect(checkMeetingTime({ ...base, type: "combined", durationMinutes: 120, startsAtLocal: "2026-12-05T20:30" })).toEqual([
      "outside_hours",
    ]);
  });

  it("warns when the month already has its regular meeting", () => {
    const others = [other({ type: "regular", startsAtLocal: "2026-12-20T19:30" })];
    expect(checkMeetingTime({ ...base, others })).toEqual(["second_regular_in_month"]);
  });

  it("counts a combined meeting as the month's regular meeting", () => {
    const others = [other({ type: "combined", startsAtLocal: "2026-12-20T19:30", durationMinutes: 120 })];
    expect(checkMeetingTime({ ...base, others })).toEqual(["second_regular_in_month"]);
    expect(checkMeetingTime({ ...base, type: "combined", durationMinutes: 120, others })).toEqual(["second_regular_in_month"]);
  });

  it("does not count a cancelled regular meeting, nor one in another month", () => {
    const others = [
      other({ type: "regular", startsAtLocal: "2026-12-20T19:30", status: "cancelled" }),
      other({ type: "regular", startsAtLocal: "2026-11-05T19:30", status: "closed" }),
    ];
    expect(checkMeetingTime({ ...base, others })).toEqual([]);
  });

  it("lets a thematic or committee meeting share the month with the regular one", () => {
    const others = [other({ type: "regular", startsAtLocal: "2026-12-20T19:30" })];
    expect(checkMeetingTime({ ...base, type: "thematic", others })).toEqual([]);
    expect(checkMeetingTime({ ...base, type: "committee", others })).toEqual([]);
  });

  it("warns about a clash with another meeting of the cell", () => {
    const others = [other({ startsAtLocal: "2026-12-05T20:30" })];
    expect(checkMeetingTime({ ...base, others })).toEqual(["clash"]);
  });

  it("does not call back-to-back meetings a clash", () => {
    const before = other({ type: "committee", startsAtLocal: "2026-12-05T18:00" }); // ends 19:30
    const after = other({ startsAtLocal: "2026-12-05T21:00" });
    expect(checkMeetingTime({ ...base, others: [before, after] })).toEqual([]);
  });

  it("ignores a cancelled meeting at the same time", () => {
    const others = [other({ startsAtLocal: "2026-12-05T19:30", status: "cancelled" })];
    expect(checkMeetingTime({ ...base, others })).toEqual([]);
  });

  it("lists every problem at once, in a fixed order", () => {
    const others = [other({ type: "regular", startsAtLocal: "2026-12-05T21:00" })];
    const warnings = checkMeetingTime({ ...base, startsAtLocal: "2026-12-05T21:00", nowLocal: "2026-12-06T08:00", others });
    expect(warnings).toEqual(["in_the_past", "outside_hours", "second_regular_in_month", "clash"]);
  });

  it("refuses malformed input as a programming error", () => {
    expect(() => checkMeetingTime({ ...base, startsAtLocal: "2026-12-05 19:30" })).toThrow(RangeError);
    expect(() => checkMeetingTime({ ...base, durationMinutes: 0 })).toThrow(RangeError);
    expect(() => checkMeetingTime({ ...base, durationMinutes: 1.5 })).toThrow(RangeError);
  });

  it("reports a clash exactly when the two time ranges overlap", () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 * 3 });
    fc.assert(
      fc.property(
        minute,
        fc.integer({ min: 1, max: 300 }),
        minute,
        fc.integer({ min: 1, max: 300 }),
        (a, lengthA, b, lengthB) => {
          const warnings = checkMeetingTime({
            ...base,
            type: "thematic",
            startsAtLocal: shift(a),
            durationMinutes: lengthA,
            others: [other({ startsAtLocal: shift(b), durationMinutes: lengthB })],
          });
          expect(warnings.includes("clash")).toBe(a < b + lengthB && b < a + lengthA);
        },
      ),
    );
  });
});

/** "2026-12-01T00:00" plus some minutes. */
function shift(minutes: number): string {
  return minutes === 0 ? "2026-12-01T00:00" : meetingEndLocal("2026-12-01T00:00", minutes);
}
