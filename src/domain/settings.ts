import type { Db } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { DomainError } from "./errors.js";

/** What a cell can change about its schedule and privacy (stored in Cell.settings as JSON). */
export interface CellSettings {
  /** Hours before a meeting when members are reminded; default 72 and 2. */
  reminderHours?: number[];
  /** Name absentees without reason in the group's closing summary; default no. */
  showAbsenteeNamesInGroup?: boolean;
  /** Days before the usual meeting day when the secretary is nudged if the month's meeting is not announced; [] = off. */
  preparationDays?: number[];
  /** Hours before a meeting when the secretary is reminded to post its documents in Sổ tay đảng viên; 0 = off. */
  sotayHours?: number;
  /** Hours after a meeting's end when the secretary is nudged if it is still not closed; 0 = off. */
  closeNudgeHours?: number;
  /** Day of the quarter's last month from which the cell and its committee are warned if no thematic meeting was held. */
  thematicDay?: number;
}

export const DEFAULT_REMINDER_HOURS = [72, 2];
export const DEFAULT_PREPARATION_DAYS = [7, 3];
export const DEFAULT_SOTAY_HOURS = 24;
export const DEFAULT_CLOSE_NUDGE_HOURS = 24;
export const DEFAULT_THEMATIC_DAY = 15;

/**
 * What each setting accepts. Preparation nudges stop at 27 days: the nudge is about the next usual meeting day,
 * and 27 days before it still falls after the previous month's usual day in every month (February has 28 days).
 */
export const SETTING_LIMITS = {
  prepare: { min: 1, max: 27, slots: 3 },
  sotay: { min: 1, max: 7 * 24 },
  closenudge: { min: 1, max: 7 * 24 },
  thematic: { min: 1, max: 28 },
} as const;

export function cellSettings(json: string | null | undefined): CellSettings {
  try {
    return JSON.parse(json || "{}") as CellSettings;
  } catch {
    return {};
  }
}

/** The offsets a cell's jobs use: its own settings where set (and valid), otherwise the defaults. */
export interface CellSchedule {
  /** The cell's own member reminder hours, or undefined for the default 3 days and 2 hours. */
  reminderHours: number[] | undefined;
  /** Days before the usual day, longest first; empty when the cell turned the nudge off. */
  preparationDays: number[];
  /** 0 when off. */
  sotayHours: number;
  /** 0 when off. */
  closeNudgeHours: number;
  thematicDay: number;
}

const inRange = (value: unknown, limit: { min: number; max: number }): value is number =>
  Number.isInteger(value) && (value as number) >= limit.min && (value as number) <= limit.max;

export function cellSchedule(json: string | null | undefined): CellSchedule {
  const settings = cellSettings(json);
  const hoursOrOff = (value: unknown, limit: { min: number; max: number }, fallback: number) =>
    value === 0 || inRange(value, limit) ? value : fallback;
  const days = settings.preparationDays;
  return {
    reminderHours:
      Array.isArray(settings.reminderHours) && settings.reminderHours.length > 0 ? settings.reminderHours : undefined,
    preparationDays:
      Array.isArray(days) && days.every((d) => inRange(d, SETTING_LIMITS.prepare))
        ? [...days].sort((a, b) => b - a)
        : DEFAULT_PREPARATION_DAYS,
    sotayHours: hoursOrOff(settings.sotayHours, SETTING_LIMITS.sotay, DEFAULT_SOTAY_HOURS),
    closeNudgeHours: hoursOrOff(settings.closeNudgeHours, SETTING_LIMITS.closenudge, DEFAULT_CLOSE_NUDGE_HOURS),
    thematicDay: inRange(settings.thematicDay, SETTING_LIMITS.thematic) ? settings.thematicDay : DEFAULT_THEMATIC_DAY,
  };
}

export type CellSettingChange =
  | { key: "day"; value: number }
  | { key: "time"; value: string }
  | { key: "place"; value: string }
  | { key: "remind"; value: number[] }
  | { key: "names"; value: boolean }
  /** [] turns the preparation nudges off. */
  | { key: "prepare"; value: number[] }
  /** 0 turns the Sổ tay reminder off. */
  | { key: "sotay"; value: number }
  /** 0 turns the closing nudge off. */
  | { key: "closenudge"; value: number }
  | { key: "thematic"; value: number };

const OFF_WORDS = ["off", "tắt", "tat"];

function numbers(value: string): number[] {
  return value
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map(Number);
}

/**
 * Reads "/settings day 5", "time 19:30", "place Nhà văn hóa", "remind 72,2", "names on", "prepare 7,3" (or "off"),
 * "sotay 24" (or "off"), "closenudge 24" (or "off"), "thematic 15". A bad value of a schedule offset is refused
 * with that setting's own explanation; anything else unreadable with the general usage.
 */
export function parseCellSetting(text: string): CellSettingChange {
  const [rawKey = "", ...rest] = text.trim().split(/\s+/);
  const value = rest.join(" ").trim();
  const key = rawKey.toLowerCase();
  const off = OFF_WORDS.includes(value.toLowerCase());
  if (key === "day" && /^\d{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 28) return { key, value: Number(value) };
  if (key === "time") {
    const match = /^(\d{1,2})[:hg](\d{2})?$/.exec(value);
    if (match && Number(match[1]) < 24 && Number(match[2] ?? 0) < 60)
      return { key, value: `${match[1]!.padStart(2, "0")}:${match[2] ?? "00"}` };
  }
  if (key === "place" && value.length > 0 && value.length <= 200) return { key, value };
  if (key === "remind") {
    const hours = numbers(value);
    if (hours.length >= 1 && hours.length <= 4 && hours.every((h) => Number.isInteger(h) && h >= 1 && h <= 24 * 14))
      return { key, value: [...new Set(hours)].sort((a, b) => b - a) };
  }
  if (key === "names" && ["on", "off", "bật", "tắt", "co", "có", "khong", "không"].includes(value.toLowerCase())) {
    return { key, value: ["on", "bật", "co", "có"].includes(value.toLowerCase()) };
  }
  if (key === "prepare") {
    if (off) return { key, value: [] };
    const days = [...new Set(numbers(value))];
    const limit = SETTING_LIMITS.prepare;
    if (days.length >= 1 && days.length <= limit.slots && days.every((d) => inRange(d, limit)))
      return { key, value: days.sort((a, b) => b - a) };
    throw new DomainError("settings.bad_prepare", { ...limit });
  }
  if (key === "sotay" || key === "closenudge") {
    if (off) return { key, value: 0 };
    const limit = SETTING_LIMITS[key];
    if (/^\d{1,3}$/.test(value) && inRange(Number(value), limit)) return { key, value: Number(value) };
    if (key === "sotay") throw new DomainError("settings.bad_sotay", { ...limit });
    throw new DomainError("settings.bad_closenudge", { ...limit });
  }
  if (key === "thematic") {
    const limit = SETTING_LIMITS.thematic;
    if (/^\d{1,2}$/.test(value) && inRange(Number(value), limit)) return { key, value: Number(value) };
    throw new DomainError("settings.bad_thematic", { ...limit });
  }
  throw new DomainError("settings.usage");
}

/** The Cell columns or Cell.settings fields a change writes. */
function changedData(settings: CellSettings, change: CellSettingChange) {
  const json = (patch: CellSettings) => ({ settings: JSON.stringify({ ...settings, ...patch }) });
  switch (change.key) {
    case "day":
      return { usualDay: change.value };
    case "time":
      return { usualTime: change.value };
    case "place":
      return { usualPlace: change.value };
    case "remind":
      return json({ reminderHours: change.value });
    case "names":
      return json({ showAbsenteeNamesInGroup: change.value });
    case "prepare":
      return json({ preparationDays: change.value });
    case "sotay":
      return json({ sotayHours: change.value });
    case "closenudge":
      return json({ closeNudgeHours: change.value });
    case "thematic":
      return json({ thematicDay: change.value });
  }
}

export async function changeCellSetting(db: Db, actor: Actor, cellId: string, change: CellSettingChange) {
  return db.$transaction(async (tx) => {
    const cell = await tx.cell.findUniqueOrThrow({ where: { id: cellId } });
    const updated = await tx.cell.update({ where: { id: cellId }, data: changedData(cellSettings(cell.settings), change) });
    await recordAudit(tx, actor, { cellId, entity: "cell", entityId: cellId, action: `setting_${change.key}`, after: change });
    return updated;
  });
}

/** The committee's monthly summary day and hour ("/settings summary 1 8"). */
export async function changeSummaryTime(db: Db, actor: Actor, committeeId: string, text: string) {
  const match = /^summary\s+(\d{1,2})\s+(\d{1,2})$/i.exec(text.trim());
  const day = Number(match?.[1]);
  const hour = Number(match?.[2]);
  if (!match || day < 1 || day > 28 || hour > 23) throw new DomainError("settings.committee_usage");
  return db.$transaction(async (tx) => {
    const committee = await tx.committee.findUniqueOrThrow({ where: { id: committeeId } });
    const settings = { ...(JSON.parse(committee.settings || "{}") as object), summaryDay: day, summaryHour: hour };
    await tx.committee.update({ where: { id: committeeId }, data: { settings: JSON.stringify(settings) } });
    await recordAudit(tx, actor, {
      committeeId,
      entity: "committee",
      entityId: committeeId,
      action: "setting_summary",
      after: { day, hour },
    });
    return { day, hour };
  });
}
