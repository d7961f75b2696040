import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  formatEnglishDateTime,
  formatVietnameseDateTime,
  localToUtc,
  parseMeetingTime,
  utcToLocal,
  type MeetingTimeError,
  type MeetingTimeParse,
} from "../../src/domain/dates.js";

interface FixtureCase {
  input: string;
  expect?: string;
  timeMissing?: boolean;
  error?: string;
}

interface Fixture {
  now: string;
  timeZone: string;
  cases: FixtureCase[];
}

const fixture = JSON.parse(readFileSync(new URL("../support/fixtures/date-phrases.json", import.meta.url), "utf8")) as Fixture;

const FIXTURE_ERRORS: Record<string, MeetingTimeError> = {
  "impossible date": "impossible_date",
  "impossible time": "impossible_time",
  "in the past": "in_the_past",
  "no date": "no_date",
  empty: "empty",
};

const HO_CHI_MINH = "Asia/Ho_Chi_Minh";

/** Expected result written the short way: "2026-12-05T19:30", "2026-12-05" or an error reason. */
function expected(short: string): MeetingTimeParse {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(short)) return { kind: "datetime", local: short };
  if (/^\d{4}-\d{2}-\d{2}$/.test(short)) return { kind: "date", local: short };
  return { kind: "error", reason: short as MeetingTimeError };
}

function expectedFromFixture(fixtureCase: FixtureCase): MeetingTimeParse {
  if (fixtureCase.error !== undefined) {
    const reason = FIXTURE_ERRORS[fixtureCase.error];
    if (!reason) throw new Error(`Unknown fixture error "${fixtureCase.error}"`);
    return { kind: "error", reason };
  }
  const local = fixtureCase.expect ?? "";
  return fixtureCase.timeMissing ? { kind: "date", local } : { kind: "datetime", local };
}

describe("parseMeetingTime: the fixture phrases", () => {
  const opts = { now: new Date(fixture.now), timeZone: fixture.timeZone };

  it("has the 25 cases the conventions describe", () => {
    expect(fixture.cases).toHaveLength(25);
  });

  it.each(fixture.cases.map((c) => [c.input, c] as const))("%j", (_input, fixtureCase) => {
    expect(parseMeetingTime(fixtureCase.input, opts)).toEqual(expectedFromFixture(fixtureCase));
  });
});

// Wednesday 25/11/2026, 10:00 in Vietnam, as in the fixture.
const WEDNESDAY_MORNING = { now: new Date("2026-11-25T10:00:00+07:00"), timeZone: HO_CHI_MINH };

describe("parseMeetingTime: what secretaries type (now: Wed 25/11/2026 10:00, Vietnam)", () => {
  const cases: [typed: string, result: string][] = [
    // no diacritics, extra spaces and punctuation
    ["thu 7 19h", "2026-11-28T19:00"],
    ["chu nhat 8h sang", "2026-11-29T08:00"],
    ["toi mai 7h30", "2026-11-26T19:30"],
    ["ngay mai 19h", "2026-11-26T19:00"],
    ["thu tu tuan nay 19h", "2026-11-25T19:00"],
    ["  19H30   NGÀY  05/12/2026 !!! ", "2026-12-05T19:30"],
    ["19h30, thứ Bảy (28/11)", "2026-11-28T19:30"],
    ["Thứ bẩy, 19h", "2026-11-28T19:00"],
    // hour separators
    ["19g30 thứ 7", "2026-11-28T19:30"],
    ["19 giờ thứ 7", "2026-11-28T19:00"],
    ["19 giờ 30 thứ 7", "2026-11-28T19:30"],
    ["19h05 thứ 7", "2026-11-28T19:05"],
    ["19h30p thứ 7", "2026-11-28T19:30"],
    ["19:30 thứ 6", "2026-11-27T19:30"],
    ["lúc 14h thứ 6", "2026-11-27T14:00"],
    // the dotted pair: a time next to a date, a date next to a time
    ["19.30 thứ 7", "2026-11-28T19:30"],
    ["5.12 19h", "2026-12-05T19:00"],
    ["ngày 5.12 lúc 19.30", "2026-12-05T19:30"],
    ["5.12", "2026-12-05"],
    ["19.30", "no_date"],
    // day periods
    ["7h30 tối thứ 7", "2026-11-28T19:30"],
    ["7 giờ tối thứ 7", "2026-11-28T19:00"],
    ["7 tối mai", "2026-11-26T19:00"],
    ["lúc 7 tối mai", "2026-11-26T19:00"],
    ["12h trưa mai", "2026-11-26T12:00"],
    ["1h trưa mai", "2026-11-26T13:00"],
    ["8h sáng mai", "2026-11-26T08:00"],
    ["9h đêm thứ 7", "2026-11-28T21:00"],
    ["2h đêm thứ 7", "2026-11-28T02:00"],
    ["tối nay 19h", "2026-11-25T19:00"],
    ["chiều thứ 6", "2026-11-27"],
    ["sáng mai", "2026-11-26"],
    // half past, quarter to, English
    ["7 rưỡi tối mai", "2026-11-26T19:30"],
    ["7h rưỡi tối mai", "2026-11-26T19:30"],
    ["8 giờ kém 15 tối mai", "2026-11-26T19:45"],
    ["8h kém 15 sáng mai", "2026-11-26T07:45"],
    ["7pm tomorrow", "2026-11-26T19:00"],
    ["7:30 pm thứ 6", "2026-11-27T19:30"],
    ["12am mai", "2026-11-26T00:00"],
    // date forms
    ["19h 05/12/26", "2026-12-05T19:00"],
    ["05-12-2026 19h", "2026-12-05T19:00"],
    ["5-12 19h", "2026-12-05T19:00"],
    ["5.12.2026 19h", "2026-12-05T19:00"],
    ["2026/12/10 7h", "2026-12-10T07:00"],
    ["ngày 5/12 19h", "2026-12-05T19:00"],
    ["5 tháng 12, 19h", "2026-12-05T19:00"],
    ["ngày 5 tháng 12 năm nay 19h", "2026-12-05T19:00"],
    ["5/12 năm sau 19h", "2027-12-05T19:00"],
    ["ngày 5 tháng sau", "2026-12-05"],
    ["ngày 5 tháng sáu", "2027-06-05"],
    ["mùng năm tháng chạp", "2026-12-05"],
    ["mùng 5", "2026-12-05"],
    ["mồng 5 19h", "2026-12-05T19:00"],
    ["mùng 25 19h", "2026-11-25T19:00"],
    ["mùng 24", "2026-12-24"],
    ["ngày mùng mốt 8h", "2026-12-01T08:00"],
    ["ngày 31", "2026-12-31"],
    ["29/2", "2028-02-29"],
    // relative days
    ["hôm nay 15h", "2026-11-25T15:00"],
    ["nay 15h", "2026-11-25T15:00"],
    ["ngày kia 14h", "2026-11-27T14:00"],
    ["ngày mốt 8h", "2026-11-27T08:00"],
    ["mốt 8h", "2026-11-27T08:00"],
    // weekdays and weeks
    ["T7 19h", "2026-11-28T19:00"],
    ["CN tuần sau nữa", "2026-12-13"],
    ["t2 tuần sau 8h", "2026-11-30T08:00"],
    ["thứ ba tuần tới 19h", "2026-12-01T19:00"],
    ["thứ tư 19h", "2026-11-25T19:00"],
    ["thứ 4 8h", "2026-12-02T08:00"],
    ["thứ 4", "2026-11-25"],
    ["thứ năm này 19h", "2026-11-26T19:00"],
    ["thứ 7 tới 19h", "2026-11-28T19:00"],
    ["thứ 7 ngày 28/11 19h", "2026-11-28T19:00"],
    ["ngày 1/12 tuần sau", "2026-12-01"],
    // words that look like date words but are not
    ["chị Mai chủ trì, 19h thứ 7", "2026-11-28T19:00"],
    ["cuộc họp này 19h thứ 7", "2026-11-28T19:00"],
    ["chi bộ 5 tối nay họp 19h", "2026-11-25T19:00"],
    ["phòng 203, 19h thứ 7", "2026-11-28T19:00"],
    // ranges give their start
    ["19h-21h thứ 7", "2026-11-28T19:00"],
    ["từ 19h đến 21h thứ 7", "2026-11-28T19:00"],
    // rejected, never guessed
    ["thứ 2 ngày 5/12/2026", "ambiguous"],
    ["mai thứ 7 19h", "ambiguous"],
    ["19h thứ 7 20h", "ambiguous"],
    ["15h sáng mai", "ambiguous"],
    ["12h tối mai", "ambiguous"],
    ["2h trưa mai", "ambiguous"],
    ["7am tối mai", "ambiguous"],
    ["thứ 7 hoặc CN", "ambiguous"],
    ["31/4", "impossible_date"],
    ["32/1 19h", "impossible_date"],
    ["thứ 8 19h", "impossible_date"],
    ["19h60 mai", "impossible_time"],
    ["24h mai", "impossible_time"],
    ["hôm nay 9h", "in_the_past"],
    ["hôm kia", "in_the_past"],
    ["thứ 2 tuần này 19h", "in_the_past"],
    ["1/1/2020", "in_the_past"],
    ["hop luc 19h", "no_date"],
    ["19h tuần sau", "no_date"],
    ["   ", "empty"],
    ["?!...", "empty"],
  ];

  it.each(cases)("%j → %s", (typed, result) => {
    expect(parseMeetingTime(typed, WEDNESDAY_MORNING)).toEqual(expected(result));
  });
});

describe("parseMeetingTime: month and year rollover (now: Wed 30/12/2026 20:00, Vietnam)", () => {
  const opts = { now: new Date("2026-12-30T20:00:00+07:00"), timeZone: HO_CHI_MINH };
  const cases: [typed: string, result: string][] = [
    ["mùng 2 19h", "2027-01-02T19:00"],
    ["mùng 31 19h", "2026-12-31T19:00"],
    ["mùng 29 19h", "2027-01-29T19:00"],
    ["mùng 30", "2026-12-30"],
    ["mùng 30 19h", "in_the_past"],
    ["thứ 2 19h", "2027-01-04T19:00"],
    ["thứ 4 19h", "2027-01-06T19:00"],
    ["thứ 4 21h", "2026-12-30T21:00"],
    ["5/1 19h", "2027-01-05T19:00"],
    ["30/12 19h", "in_the_past"],
    ["tối mai 19h", "2026-12-31T19:00"],
    ["ngày kia", "2027-01-01"],
    ["thứ 3 tuần sau", "2027-01-05"],
    ["mùng 1 tháng sau", "2027-01-01"],
    ["29/2 19h", "2028-02-29T19:00"],
  ];

  it.each(cases)("%j → %s", (typed, result) => {
    expect(parseMeetingTime(typed, opts)).toEqual(expected(result));
  });
});

describe("parseMeetingTime: other time zones", () => {
  it("reads the week and 'today' in Berlin, not in UTC (Sat 28/03/2026 00:30 Berlin is Fri in UTC)", () => {
    const opts = { now: new Date("2026-03-27T23:30:00Z"), timeZone: "Europe/Berlin" };
    expect(parseMeetingTime("hôm nay 19h", opts)).toEqual(expected("2026-03-28T19:00"));
    expect(parseMeetingTime("thứ 7 19h", opts)).toEqual(expected("2026-03-28T19:00"));
  });

  it("moves a time skipped by the spring DST jump forward in Berlin", () => {
    const opts = { now: new Date("2026-03-28T12:00:00+01:00"), timeZone: "Europe/Berlin" };
    expect(parseMeetingTime("mai 2h30", opts)).toEqual(expected("2026-03-29T03:30"));
  });

  it("keeps an autumn time that happens twice in Berlin", () => {
    const opts = { now: new Date("2026-10-24T12:00:00+02:00"), timeZone: "Europe/Berlin" };
    expect(parseMeetingTime("25/10 2h30", opts)).toEqual(expected("2026-10-25T02:30"));
  });

  it("reads 'tonight' in New York", () => {
    const opts = { now: new Date("2026-11-25T10:00:00-05:00"), timeZone: "America/New_York" };
    expect(parseMeetingTime("7pm tonight", opts)).toEqual(expected("2026-11-25T19:00"));
  });
});

describe("parseMeetingTime: options", () => {
  it("rejects an unknown time zone as a programming error", () => {
    expect(() => parseMeetingTime("mai 19h", { now: new Date(), timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });

  it("rejects an invalid now as a programming error", () => {
    expect(() => parseMeetingTime("mai 19h", { now: new Date(Number.NaN), timeZone: HO_CHI_MINH })).toThrow(RangeError);
  });
});

describe("localToUtc", () => {
  it.each([
    ["2026-12-05T19:30", HO_CHI_MINH, "2026-12-05T12:30:00.000Z"],
    ["2026-12-05T19:30", "Asia/Kathmandu", "2026-12-05T13:45:00.000Z"],
    ["2026-01-15T09:00", "Europe/Berlin", "2026-01-15T08:00:00.000Z"],
    ["2026-07-15T09:00", "Europe/Berlin", "2026-07-15T07:00:00.000Z"],
    ["2026-03-29T01:59", "Europe/Berlin", "2026-03-29T00:59:00.000Z"],
    ["2026-03-29T02:30", "Europe/Berlin", "2026-03-29T01:30:00.000Z"], // skipped: becomes 03:30 CEST
    ["2026-03-29T03:00", "Europe/Berlin", "2026-03-29T01:00:00.000Z"],
    ["2026-10-25T02:30", "Europe/Berlin", "2026-10-25T00:30:00.000Z"], // twice: the earlier, CEST
    ["2026-10-25T03:00", "Europe/Berlin", "2026-10-25T02:00:00.000Z"],
    ["2026-10-04T02:15", "Australia/Lord_Howe", "2026-10-03T15:45:00.000Z"], // 30-minute jump
    ["2026-11-01T01:30", "America/New_York", "2026-11-01T05:30:00.000Z"],
  ])("%s in %s is %s", (local, timeZone, iso) => {
    expect(localToUtc(local, timeZone).toISOString()).toBe(iso);
  });

  it("throws RangeError on a malformed or impossible local value", () => {
    expect(() => localToUtc("2026-02-30T10:00", HO_CHI_MINH)).toThrow(RangeError);
    expect(() => localToUtc("5/12/2026 19:30", HO_CHI_MINH)).toThrow(RangeError);
    expect(() => localToUtc("2026-12-05T24:00", HO_CHI_MINH)).toThrow(RangeError);
  });
});

describe("utcToLocal", () => {
  it("gives date, time and weekday on the zone's wall clock", () => {
    expect(utcToLocal(new Date("2026-12-05T12:30:00Z"), HO_CHI_MINH)).toEqual({
      date: "2026-12-05",
      time: "19:30",
      weekday: 6,
    });
    expect(utcToLocal(new Date("2026-12-05T20:00:00Z"), HO_CHI_MINH)).toEqual({
      date: "2026-12-06",
      time: "03:00",
      weekday: 0,
    });
    expect(utcToLocal(new Date("2026-10-25T00:30:00Z"), "Europe/Berlin").time).toBe("02:30");
    expect(utcToLocal(new Date("2026-10-25T01:30:00Z"), "Europe/Berlin").time).toBe("02:30");
  });
});

describe("formatting", () => {
  it("writes a date-time in Vietnamese and English, day/month/year in both", () => {
    expect(formatVietnameseDateTime("2026-12-05T19:30")).toBe("19:30 thứ Bảy, 05/12/2026");
    expect(formatEnglishDateTime("2026-12-05T19:30")).toBe("19:30 Saturday, 05/12/2026");
    expect(formatVietnameseDateTime("2026-12-06T08:00")).toBe("08:00 Chủ nhật, 06/12/2026");
    expect(formatVietnameseDateTime("2026-11-25T07:05")).toBe("07:05 thứ Tư, 25/11/2026");
  });

  it("writes a date with no time", () => {
    expect(formatVietnameseDateTime("2026-12-07")).toBe("thứ Hai, 07/12/2026");
    expect(formatEnglishDateTime("2026-12-07")).toBe("Monday, 07/12/2026");
  });

  it("throws RangeError on something that is not a local value", () => {
    expect(() => formatVietnameseDateTime("tomorrow")).toThrow(RangeError);
  });
});
