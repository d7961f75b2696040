import type { Db } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { DomainError } from "./errors.js";

/** What a cell can change about its schedule and privacy (stored in Cell.settings as JSON). */
export interface CellSettings {
  /** Hours before a meeting when members are reminded; default 72 and 2. */
  reminderHours?: number[];
  /** Name absentees without reason in the group's closing summary; default no. */
  showAbsenteeNamesInGroup?: boolean;
}

export const DEFAULT_REMINDER_HOURS = [72, 2];

export function cellSettings(json: string | null | undefined): CellSettings {
  try {
    return JSON.parse(json || "{}") as CellSettings;
  } catch {
    return {};
  }
}

export type CellSettingChange =
  | { key: "day"; value: number }
  | { key: "time"; value: string }
  | { key: "place"; value: string }
  | { key: "remind"; value: number[] }
  | { key: "names"; value: boolean };

/** Reads "/settings day 5", "time 19:30", "place Nhà văn hóa", "remind 72,2", "names on". */
export function parseCellSetting(text: string): CellSettingChange | undefined {
  const [rawKey = "", ...rest] = text.trim().split(/\s+/);
  const value = rest.join(" ").trim();
  const key = rawKey.toLowerCase();
  if (key === "day" && /^\d{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 28) return { key, value: Number(value) };
  if (key === "time") {
    const match = /^(\d{1,2})[:hg](\d{2})?$/.exec(value);
    if (match && Number(match[1]) < 24 && Number(match[2] ?? 0) < 60)
      return { key, value: `${match[1]!.padStart(2, "0")}:${match[2] ?? "00"}` };
  }
  if (key === "place" && value.length > 0 && value.length <= 200) return { key, value };
  if (key === "remind") {
    const hours = value
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
    if (hours.length >= 1 && hours.length <= 4 && hours.every((h) => Number.isInteger(h) && h >= 1 && h <= 24 * 14))
      return { key, value: [...new Set(hours)].sort((a, b) => b - a) };
  }
  if (key === "names" && ["on", "off", "bật", "tắt", "co", "có", "khong", "không"].includes(value.toLowerCase())) {
    return { key, value: ["on", "bật", "co", "có"].includes(value.toLowerCase()) };
  }
  return undefined;
}

export async function changeCellSetting(db: Db, actor: Actor, cellId: string, change: CellSettingChange) {
  return db.$transaction(async (tx) => {
    const cell = await tx.cell.findUniqueOrThrow({ where: { id: cellId } });
    const settings = cellSettings(cell.settings);
    const data =
      change.key === "day"
        ? { usualDay: change.value }
        : change.key === "time"
          ? { usualTime: change.value }
          : change.key === "place"
            ? { usualPlace: change.value }
            : change.key === "remind"
              ? { settings: JSON.stringify({ ...settings, reminderHours: change.value }) }
              : { settings: JSON.stringify({ ...settings, showAbsenteeNamesInGroup: change.value }) };
    const updated = await tx.cell.update({ where: { id: cellId }, data });
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
