import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkinCode, checkinStatus, checkinWindow, matchCheckinCode, readCheckinCode } from "../../src/domain/checkin.js";
import { localToUtc } from "../../src/domain/dates.js";

const HANOI = "Asia/Ho_Chi_Minh";
const MINUTE_MS = 60_000;

describe("the check-in code the chair reads aloud", () => {
  it("is four digits, never 0000", () => {
    for (let i = 0; i < 2000; i++) {
      const code = checkinCode();
      expect(code).toMatch(/^\d{4}$/);
      expect(code).not.toBe("0000");
    }
  });

  it("covers 0001 to 9999 from any random source, even a broken one", () => {
    expect(checkinCode(() => 0)).toBe("0001");
    expect(checkinCode(() => 0.99999999)).toBe("9999");
    expect(checkinCode(() => 1)).toBe("9999");
    expect(checkinCode(() => Number.NaN)).toBe("0001");
    expect(checkinCode(() => -3)).toBe("0001");
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        const code = checkinCode(() => r);
        expect(code).toMatch(/^\d{4}$/);
        expect(code).not.toBe("0000");
      }),
    );
  });
});

describe("a member typing the code", () => {
  it("matches as typed, with spaces, or in full-width digits", () => {
    expect(matchCheckinCode("4071", "4071")).toBe(true);
    expect(matchCheckinCode(" 40 71 ", "4071")).toBe(true);
    expect(matchCheckinCode("40-71", "4071")).toBe(true);
    expect(matchCheckinCode("４０７１", "4071")).toBe(true);
    expect(matchCheckinCode("0042", "0042")).toBe(true);
  });

  it("a wrong code, a short or long one, or words do not match", () => {
    expect(matchCheckinCode("4072", "4071")).toBe(false);
    expect(matchCheckinCode("407", "4071")).toBe(false);
    expect(matchCheckinCode("40711", "4071")).toBe(false);
    expect(matchCheckinCode("", "4071")).toBe(false);
    expect(matchCheckinCode("mã 4071", "4071")).toBe(false);
    expect(matchCheckinCode("42", "0042")).toBe(false);
  });

  it("tells a code apart from an ordinary message", () => {
    expect(readCheckinCode("１２ ３４")).toBe("1234");
    expect(readCheckinCode("có mặt")).toBeNull();
    expect(readCheckinCode("19h30")).toBeNull();
  });
});

describe("when check-in is open", () => {
  const start = localToUtc("2025-12-05T19:30", HANOI);
  const window = checkinWindow(start, 90);
  const local = (time: string) => localToUtc(`2025-12-05T${time}`, HANOI);

  it("opens 30 minutes before a 19:30 meeting, is late after 19:45, closes at 21:00", () => {
    expect(window).toEqual({ opensAt: local("19:00"), lateAfter: local("19:45"), closesAt: local("21:00") });
  });

  it.each([
    ["18:59", "early"],
    ["19:00", "on_time"],
    ["19:30", "on_time"],
    ["19:45", "on_time"],
    ["19:46", "late"],
    ["21:00", "late"],
    ["21:01", "closed"],
  ] as const)("a member checking in at %s is %s", (time, status) => {
    expect(checkinStatus({ at: local(time), window })).toBe(status);
  });

  it("a combined meeting closes after 120 minutes; the opening lead is configurable", () => {
    const combined = checkinWindow(start, 120, 60);
    expect(combined.opensAt).toEqual(local("18:30"));
    expect(combined.closesAt).toEqual(local("21:30"));
    expect(checkinStatus({ at: local("21:15"), window: combined })).toBe("late");
  });

  it("a meeting shorter than 15 minutes is never late, only closed", () => {
    const short = checkinWindow(start, 10, 0);
    expect(short.lateAfter).toEqual(short.closesAt);
    expect(checkinStatus({ at: new Date(start.getTime() + 10 * MINUTE_MS), window: short })).toBe("on_time");
  });

  it("refuses a meeting without a proper length or start", () => {
    expect(() => checkinWindow(start, 0)).toThrow(RangeError);
    expect(() => checkinWindow(start, 90.5)).toThrow(RangeError);
    expect(() => checkinWindow(start, 90, -5)).toThrow(RangeError);
    expect(() => checkinWindow(new Date(Number.NaN), 90)).toThrow(RangeError);
  });

  it("the status only moves forward as time passes", () => {
    const order = ["early", "on_time", "late", "closed"];
    fc.assert(
      fc.property(
        fc.integer({ min: -120, max: 240 }),
        fc.integer({ min: -120, max: 240 }),
        fc.integer({ min: 1, max: 240 }),
        (a, b, duration) => {
          const w = checkinWindow(start, duration);
          const first = checkinStatus({ at: new Date(start.getTime() + Math.min(a, b) * MINUTE_MS), window: w });
          const second = checkinStatus({ at: new Date(start.getTime() + Math.max(a, b) * MINUTE_MS), window: w });
          expect(order.indexOf(first)).toBeLessThanOrEqual(order.indexOf(second));
        },
      ),
    );
  });
});
