import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAgendaText } from "../../src/bot/features/new-meeting.js";
import { utcToLocal } from "../../src/domain/dates.js";
import { DomainError } from "../../src/domain/errors.js";
import { parseClockTime } from "../../src/domain/meeting-day.js";
import { parsePeriod } from "../../src/domain/monthly-report.js";
import { SETTING_LIMITS, parseCellSetting } from "../../src/domain/settings.js";

// What secretaries type besides dates and rosters: /settings values, clock times at /close, the month of /report and
// an edited agenda.

const ZONES = ["Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati"];
const now = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }).map((ms) => new Date(ms));
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 30 }));

/** The key of the refusal the parse throws, or undefined when it reads the text. */
function refusal(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).key;
  }
}

describe("parseCellSetting", () => {
  const KEYS = ["day", "time", "place", "remind", "names", "prepare", "sotay", "closenudge", "thematic", "DAY", "Time", "x"];
  const value = fc.oneof(
    anyText,
    fc.nat({ max: 400 }).map(String),
    fc.array(fc.integer({ min: -5, max: 400 }), { maxLength: 6 }).map((hours) => hours.join(",")),
    fc.constantFrom("on", "off", "tắt", "bật", "có", "không", "19:30", "7h", "24:00", "19:60", ""),
  );

  it("never fails with anything but a refusal it can explain", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.tuple(fc.constantFrom(...KEYS), value).map(([k, v]) => `${k} ${v}`),
        ),
        (text) => {
          try {
            parseCellSetting(text);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("reads the usual day, time and place back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(":", "h", "g"),
        // a place is kept as typed, its spacing made single
        fc
          .string({ unit: "grapheme", minLength: 1, maxLength: 60 })
          .filter((place) => place === place.replace(/\s+/g, " ").trim()),
        (day, hour, minute, separator, place) => {
          expect(parseCellSetting(`day ${day}`)).toEqual({ key: "day", value: day });
          const clock = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
          expect(parseCellSetting(`time ${hour}${separator}${String(minute).padStart(2, "0")}`)).toEqual({
            key: "time",
            value: clock,
          });
          expect(parseCellSetting(`place ${place}`)).toEqual({ key: "place", value: place });
        },
      ),
    );
  });

  it("refuses a usual day outside 1–28 and a time outside the day", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(0), fc.integer({ min: 29, max: 99 })), fc.integer({ min: 24, max: 99 }), (day, hour) => {
        expect(() => parseCellSetting(`day ${day}`)).toThrow(DomainError);
        expect(() => parseCellSetting(`time ${hour}:00`)).toThrow(DomainError);
      }),
    );
  });

  it("keeps reminder hours unique, longest first, and refuses any out of range", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 24 * 14 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(",", ", ", " ", ";"),
        (hours, separator) => {
          expect(parseCellSetting(`remind ${hours.join(separator)}`)).toEqual({
            key: "remind",
            value: [...new Set(hours)].sort((a, b) => b - a),
          });
          expect(() => parseCellSetting(`remind ${[...hours, 24 * 14 + 1].join(separator)}`)).toThrow(DomainError);
        },
      ),
    );
  });

  it("takes every schedule offset within its limits, or off, and refuses the rest with its own explanation", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("sotay" as const, "closenudge" as const, "thematic" as const),
        fc.integer({ min: 0, max: 400 }),
        (key, n) => {
          const limit = SETTING_LIMITS[key];
          if (n >= limit.min && n <= limit.max) expect(parseCellSetting(`${key} ${n}`)).toEqual({ key, value: n });
          else expect(refusal(() => parseCellSetting(`${key} ${n}`))).toBe(`settings.bad_${key}`);
          if (key !== "thematic") expect(parseCellSetting(`${key} off`)).toEqual({ key, value: 0 });
        },
      ),
    );
  });

  it("keeps preparation days unique, longest first, within their slots", () => {
    const { min, max, slots } = SETTING_LIMITS.prepare;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: slots + 1 }), (days) => {
        const valid = days.length <= slots && days.every((d) => d >= min && d <= max);
        if (valid)
          expect(parseCellSetting(`prepare ${days.join(",")}`)).toEqual({
            key: "prepare",
            value: [...days].sort((a, b) => b - a),
          });
        else expect(() => parseCellSetting(`prepare ${days.join(",")}`)).toThrow(DomainError);
      }),
    );
  });
});

describe("parseClockTime", () => {
  it("never throws, and gives only real times of day", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.stringMatching(/^\d{1,3}[h:g.]\d{0,3} ?(tối|sáng|chiều|p)?$/)), (text) => {
        const clock = parseClockTime(text);
        if (clock === undefined) return;
        expect(clock).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads back any time written 19h35, 19:35, 19g35 or 7h35 tối", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom("h", ":", "g", "."),
        (hour, minute, sep) => {
          const expected = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
          expect(parseClockTime(`${hour}${sep}${String(minute).padStart(2, "0")}`)).toBe(expected);
          if (hour >= 12) expect(parseClockTime(`${hour - 12}h${minute} tối`)).toBe(expected);
        },
      ),
    );
  });
});

describe("parsePeriod", () => {
  const zone = fc.constantFrom(...ZONES);

  it("never throws, and gives only YYYY-MM with a real month", () => {
    fc.assert(
      fc.property(
        fc.oneof(anyText, fc.stringMatching(/^(tháng |t)?\d{1,4}([/.-]| năm )?\d{0,4}$/)),
        now,
        zone,
        (text, at, timeZone) => {
          const period = parsePeriod(text, at, timeZone);
          if (period === undefined) return;
          expect(period).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads back any month written 11/2026, 2026-11, tháng 11 năm 2026 or T11/2026", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2999 }),
        fc.integer({ min: 1, max: 12 }),
        now,
        zone,
        (year, month, at, timeZone) => {
          const expected = `${year}-${String(month).padStart(2, "0")}`;
          for (const typed of [
            `${month}/${year}`,
            `${year}-${month}`,
            `tháng ${month} năm ${year}`,
            `T${month}/${year}`,
            `thang ${month}-${year}`,
          ])
            expect(parsePeriod(typed, at, timeZone), typed).toBe(expected);
        },
      ),
    );
  });

  it("reads a month without a year as the latest one up to now", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), now, zone, (month, at, timeZone) => {
        const current = utcToLocal(at, timeZone).date.slice(0, 7);
        const period = parsePeriod(`tháng ${month}`, at, timeZone)!;
        expect(Number(period.slice(5))).toBe(month);
        expect(period <= current).toBe(true);
        expect(Number(current.slice(0, 4)) - Number(period.slice(0, 4))).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("parseAgendaText", () => {
  const title = fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
    .map((text) => text.replace(/\s+/g, " ").trim())
    .filter((text) => text !== "" && !/\s[—–-]\s/.test(` ${text} `) && !/^\d+[.)]/.test(text));
  const presenter = fc.option(fc.constantFrom("Bí thư", "Phó bí thư", "Đồng chí Lan", "Chi ủy"));

  it("never throws, and every item has a trimmed title", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const item of parseAgendaText(text)) {
          expect(item.title).toBe(item.title.trim());
          if (item.presenter !== null) expect(item.presenter).toBe(item.presenter.trim());
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("reads back a numbered agenda with presenters", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title, presenter }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(" — ", " - ", " – "),
        (items, dash) => {
          const text = items
            .map((item, i) => `${i + 1}. ${item.title}${item.presenter ? `${dash}${item.presenter}` : ""}`)
            .join("\n");
          expect(parseAgendaText(text)).toEqual(items);
        },
      ),
    );
  });
});
