import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localToUtc, parseMeetingTime, utcToLocal, type MeetingTimeParse } from "../../src/domain/dates.js";

const ZONES = ["Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"];
const MINUTE_MS = 60_000;
const YEAR_MS = 365 * 24 * 60 * MINUTE_MS;

const zone = fc.constantFrom(...ZONES);
/** A "now" anywhere from 2020 to 2035, to the millisecond. */
const now = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }).map((ms) => new Date(ms));

/** Words and numbers secretaries use, glued at random: far likelier to hit the patterns than noise. */
const chatToken = fc.oneof(
  fc.constantFrom(
    "thứ",
    "thu",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "chủ nhật",
    "cn",
    "t7",
    "T2",
    "tuần",
    "này",
    "nay",
    "sau",
    "tới",
    "tối",
    "nữa",
    "tháng",
    "mùng",
    "mồng",
    "ngày",
    "mai",
    "mốt",
    "một",
    "kia",
    "hôm",
    "qua",
    "sáng",
    "trưa",
    "chiều",
    "đêm",
    "lúc",
    "giờ",
    "h",
    "g",
    "phút",
    "rưỡi",
    "kém",
    "pm",
    "am",
    "chị",
    "Mai",
    "/",
    "-",
    ".",
    ":",
    ",",
    " ",
    "  ",
    "năm nay",
    "tháng sau",
    "đến",
  ),
  fc.integer({ min: 0, max: 2100 }).map(String),
  fc.string({ maxLength: 3 }),
);
const chatText = fc.array(chatToken, { maxLength: 12 }).map((tokens) => tokens.join(" "));
const anyText = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), chatText);

function checkWellFormed(result: MeetingTimeParse, at: Date, timeZone: string): void {
  const today = utcToLocal(at, timeZone).date;
  switch (result.kind) {
    case "datetime":
      expect(result.local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
      expect(localToUtc(result.local, timeZone).getTime()).toBeGreaterThan(at.getTime());
      return;
    case "date":
      expect(result.local).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(result.local >= today).toBe(true);
      return;
    case "error":
      expect(["empty", "no_date", "impossible_date", "impossible_time", "in_the_past", "ambiguous"]).toContain(result.reason);
  }
}

/** "HHhMM ngày DD/MM/YYYY" from a local "YYYY-MM-DDTHH:mm". */
function secretaryStyle(local: string): string {
  const [date = "", time = ""] = local.split("T");
  const [year, month, day] = date.split("-");
  const [hour, minute] = time.split(":");
  return `${hour}h${minute} ngày ${day}/${month}/${year}`;
}

function withoutDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

/** A minute-aligned instant from one minute to three years after `at`. */
function futureInstant(at: Date): fc.Arbitrary<Date> {
  const firstMinute = Math.floor(at.getTime() / MINUTE_MS) + 1;
  return fc
    .integer({ min: firstMinute, max: firstMinute + (3 * YEAR_MS) / MINUTE_MS })
    .map((minute) => new Date(minute * MINUTE_MS));
}

const futureMeeting = fc
  .tuple(now, zone)
  .chain(([at, timeZone]) => futureInstant(at).map((meeting) => ({ at, timeZone, meeting })));

describe("parseMeetingTime properties", () => {
  it("never throws and always returns a well-formed result, for any text", () => {
    fc.assert(
      fc.property(anyText, now, zone, (text, at, timeZone) => {
        checkWellFormed(parseMeetingTime(text, { now: at, timeZone }), at, timeZone);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any future date-time written as "HHhMM ngày DD/MM/YYYY"', () => {
    fc.assert(
      fc.property(futureMeeting, ({ at, timeZone, meeting }) => {
        const wall = utcToLocal(meeting, timeZone);
        const local = `${wall.date}T${wall.time}`;
        expect(parseMeetingTime(secretaryStyle(local), { now: at, timeZone })).toEqual({ kind: "datetime", local });
      }),
      { numRuns: 1000 },
    );
  });

  it('reads "HH giờ MM phút ngày DD tháng MM năm YYYY" the same with or without diacritics', () => {
    fc.assert(
      fc.property(futureMeeting, ({ at, timeZone, meeting }) => {
        const wall = utcToLocal(meeting, timeZone);
        const [year, month, day] = wall.date.split("-");
        const [hour, minute] = wall.time.split(":");
        const text = `${hour} giờ ${minute} phút ngày ${day} tháng ${month} năm ${year}`;
        const expected = { kind: "datetime", local: `${wall.date}T${wall.time}` };
        expect(parseMeetingTime(text, { now: at, timeZone })).toEqual(expected);
        expect(parseMeetingTime(withoutDiacritics(text), { now: at, timeZone })).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("time zone helper properties", () => {
  it("localToUtc gives back an instant showing the same wall clock", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1) / MINUTE_MS, max: Date.UTC(2060, 0, 1) / MINUTE_MS }),
        zone,
        (minute, timeZone) => {
          const wall = utcToLocal(new Date(minute * MINUTE_MS), timeZone);
          const instant = localToUtc(`${wall.date}T${wall.time}`, timeZone);
          expect(utcToLocal(instant, timeZone)).toEqual(wall);
          expect(instant.getTime()).toBeLessThanOrEqual(minute * MINUTE_MS); // twice-shown times: the earlier
        },
      ),
      { numRuns: 2000 },
    );
  });
});
