import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import {
  DEFAULT_CLOSE_NUDGE_HOURS,
  DEFAULT_PREPARATION_DAYS,
  DEFAULT_SOTAY_HOURS,
  DEFAULT_THEMATIC_DAY,
  cellSchedule,
  parseCellSetting,
} from "../../src/domain/settings.js";

/** The locale key of the refusal, or undefined when the text is accepted. */
function refusal(text: string): string | undefined {
  try {
    parseCellSetting(text);
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.key;
    throw error;
  }
}

describe("reading /settings", () => {
  it("reads the usual day, time, place, reminders and names as before", () => {
    expect(parseCellSetting("day 5")).toEqual({ key: "day", value: 5 });
    expect(parseCellSetting("time 7h30")).toEqual({ key: "time", value: "07:30" });
    expect(parseCellSetting("place Nhà văn hóa khối 7")).toEqual({ key: "place", value: "Nhà văn hóa khối 7" });
    expect(parseCellSetting("remind 2, 72 2")).toEqual({ key: "remind", value: [72, 2] });
    expect(parseCellSetting("names bật")).toEqual({ key: "names", value: true });
  });

  it("reads the preparation nudge days, longest first, or off", () => {
    expect(parseCellSetting("prepare 7")).toEqual({ key: "prepare", value: [7] });
    expect(parseCellSetting("PREPARE 3,10")).toEqual({ key: "prepare", value: [10, 3] });
    expect(parseCellSetting("prepare 5 5 1")).toEqual({ key: "prepare", value: [5, 1] });
    expect(parseCellSetting("prepare 14,7,3")).toEqual({ key: "prepare", value: [14, 7, 3] });
    expect(parseCellSetting("prepare off")).toEqual({ key: "prepare", value: [] });
    expect(parseCellSetting("prepare tắt")).toEqual({ key: "prepare", value: [] });
  });

  it("reads the Sổ tay and closing nudge hours, or off", () => {
    expect(parseCellSetting("sotay 48")).toEqual({ key: "sotay", value: 48 });
    expect(parseCellSetting("sotay off")).toEqual({ key: "sotay", value: 0 });
    expect(parseCellSetting("closenudge 6")).toEqual({ key: "closenudge", value: 6 });
    expect(parseCellSetting("closenudge 168")).toEqual({ key: "closenudge", value: 168 });
    expect(parseCellSetting("closenudge Tắt")).toEqual({ key: "closenudge", value: 0 });
  });

  it("reads the day of the quarter's last month for the thematic warning", () => {
    expect(parseCellSetting("thematic 1")).toEqual({ key: "thematic", value: 1 });
    expect(parseCellSetting("thematic 28")).toEqual({ key: "thematic", value: 28 });
  });

  it.each([
    ["prepare", "settings.bad_prepare"],
    ["prepare 0", "settings.bad_prepare"],
    ["prepare 28", "settings.bad_prepare"],
    ["prepare 7,3,2,1", "settings.bad_prepare"],
    ["prepare 2.5", "settings.bad_prepare"],
    ["prepare bảy", "settings.bad_prepare"],
    ["sotay", "settings.bad_sotay"],
    ["sotay 0", "settings.bad_sotay"],
    ["sotay 169", "settings.bad_sotay"],
    ["sotay 24h", "settings.bad_sotay"],
    ["sotay -1", "settings.bad_sotay"],
    ["closenudge 1000", "settings.bad_closenudge"],
    ["closenudge 12,24", "settings.bad_closenudge"],
    ["thematic 0", "settings.bad_thematic"],
    ["thematic 29", "settings.bad_thematic"],
    ["thematic off", "settings.bad_thematic"],
    ["remind abc", "settings.usage"],
    ["day 31", "settings.usage"],
    ["colour red", "settings.usage"],
    ["", "settings.usage"],
  ])("refuses %j with %s", (text, key) => {
    expect(refusal(text)).toBe(key);
  });

  it("tells the limits in the refusal", () => {
    try {
      parseCellSetting("prepare 40");
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).params).toEqual({ min: 1, max: 27, slots: 3 });
    }
  });
});

describe("a cell's schedule", () => {
  it("is today's defaults when nothing is set", () => {
    for (const json of [null, "", "{}", "not json"]) {
      expect(cellSchedule(json)).toEqual({
        reminderHours: undefined,
        preparationDays: [7, 3],
        sotayHours: 24,
        closeNudgeHours: 24,
        thematicDay: 15,
      });
    }
    expect([DEFAULT_PREPARATION_DAYS, DEFAULT_SOTAY_HOURS, DEFAULT_CLOSE_NUDGE_HOURS, DEFAULT_THEMATIC_DAY]).toEqual([
      [7, 3],
      24,
      24,
      15,
    ]);
  });

  it("uses the cell's own values, including off", () => {
    const json = JSON.stringify({
      reminderHours: [48],
      preparationDays: [3, 10],
      sotayHours: 0,
      closeNudgeHours: 6,
      thematicDay: 1,
    });
    expect(cellSchedule(json)).toEqual({
      reminderHours: [48],
      preparationDays: [10, 3],
      sotayHours: 0,
      closeNudgeHours: 6,
      thematicDay: 1,
    });
    expect(cellSchedule(JSON.stringify({ preparationDays: [] })).preparationDays).toEqual([]);
  });

  it("falls back to the default for a stored value out of range", () => {
    const json = JSON.stringify({ preparationDays: [40], sotayHours: -1, closeNudgeHours: "x", thematicDay: 31 });
    expect(cellSchedule(json)).toMatchObject({ preparationDays: [7, 3], sotayHours: 24, closeNudgeHours: 24, thematicDay: 15 });
  });
});
