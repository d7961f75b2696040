import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Cell } from "../db/generated/sqlite/client.js";
import { meetingTally, type MeetingWithAgenda } from "../domain/meeting-service.js";
import type { Translations } from "../i18n.js";
import { DEFAULT_PREPARATION_DAYS, SETTING_LIMITS, cellSchedule } from "../domain/settings.js";
import { escapeHtml } from "../render/html.js";
import { localDateTime, tallyLine } from "../render/meeting.js";
import type { OutboxRequest } from "./outbox.js";
import { servedPlatforms } from "../channels/registry.js";
import type { Platform } from "../domain/cells.js";
import { reachableManagers } from "../domain/identities.js";

export interface JobContext {
  db: Db;
  translations: Translations;
  config: Config;
  now: Date;
}

/** Offsets before a meeting; a reminder whose moment passed more than `catchUp` ago is skipped, not sent stale. */
export const MEMBER_REMINDERS = [
  { key: "remind-3d", before: 3 * 24 * 3600_000, catchUp: 24 * 3600_000 },
  { key: "remind-2h", before: 2 * 3600_000, catchUp: 90 * 60_000 },
] as const;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

const withAgenda = {
  agenda: { where: { status: "accepted" }, orderBy: { position: "asc" as const } },
  guests: true,
  cell: true,
} as const;

interface ReminderMoment {
  /** Text key: "remind-3d", "remind-2h" or, for a cell's own hours, "remind-custom". */
  textKey: string;
  /** Part of the outbox key: one reminder per moment per meeting per chat. */
  key: string;
  hours: number;
  catchUpMs: number;
}

/** The cell's reminder moments: its own hours (/settings remind) or 3 days and 2 hours. */
function remindersOf(cell: Cell): ReminderMoment[] {
  const hours = cellSchedule(cell.settings).reminderHours;
  if (!hours)
    return MEMBER_REMINDERS.map((r) => ({ textKey: r.key, key: r.key, hours: r.before / 3600_000, catchUpMs: r.catchUp }));
  return hours.map((h) => ({
    textKey: "remind-custom",
    key: `remind-${h}h`,
    hours: h,
    catchUpMs: Math.min(24, Math.max(1, h / 3)) * 3600_000,
  }));
}

/** Member reminders (default 3 days and 2 hours before): in each group, naming who has not answered; privately to them. */
export async function memberReminders(ctx: JobContext): Promise<OutboxRequest[]> {
  const requests: OutboxRequest[] = [];
  const horizon = new Date(ctx.now.getTime() + 14 * 24 * 3600_000);
  const meetings = await ctx.db.meeting.findMany({
    where: { status: "published", startsAt: { gt: ctx.now, lte: horizon } },
    include: withAgenda,
  });
  for (const meeting of meetings) {
    for (const moment of remindersOf(meeting.cell)) {
      const due = meeting.startsAt.getTime() - moment.hours * 3600_000;
      if (ctx.now.getTime() < due || ctx.now.getTime() > due + moment.catchUpMs) continue;
      requests.push(...(await remindersFor(ctx, meeting, meeting.cell, moment)));
    }
  }
  return requests;
}

async function remindersFor(
  ctx: JobContext,
  meeting: MeetingWithAgenda,
  cell: Cell,
  moment: ReminderMoment,
): Promise<OutboxRequest[]> {
  const tally = await meetingTally(ctx.db, meeting);
  const unanswered = await ctx.db.member.findMany({
    where: { cellId: cell.id, membership: "active", rsvps: { none: { meetingId: meeting.id } } },
    include: { identities: { where: { platform: { in: servedPlatforms(ctx.config) } } } },
    orderBy: { nameKey: "asc" },
  });
  const requests: OutboxRequest[] = [];
  const bindings = await ctx.db.chatBinding.findMany({
    where: { cellId: cell.id, kind: "cell", active: true, platform: { in: servedPlatforms(ctx.config) } },
  });
  for (const binding of bindings) {
    const t = ctx.translations.t(binding.locale, cell.locale);
    const names = unanswered.slice(0, 60).map((member) => {
      const identity = member.identities.find((candidate) => candidate.platform === binding.platform);
      return mention(binding.platform, identity, member.fullName);
    });
    const text = [
      t(`jobs.${moment.textKey}`, {
        left:
          moment.hours >= 24
            ? t("jobs.left_days", { count: Math.round(moment.hours / 24) })
            : t("jobs.left_hours", { count: moment.hours }),
        code: meeting.code,
        when: localDateTime(t, meeting.startsAt, cell.timeZone),
        place: meeting.place ?? "—",
      }),
      tallyLine(t, tally),
      ...(meeting.agenda.length > 0
        ? [
            t("meeting.agenda_title"),
            ...meeting.agenda.slice(0, 10).map((item, i) => `${i + 1}. ${escapeHtml(item.title.slice(0, 120))}`),
          ]
        : []),
      ...(names.length > 0 ? [t("jobs.not_answered", { count: unanswered.length, names: names.join(", ") })] : []),
    ].join("\n");
    requests.push({
      dedupeKey: `${moment.key}:${meeting.id}:${binding.id}`,
      platform: binding.platform as Platform,
      chatId: binding.chatId,
      payload: { kind: "text", text },
    });
  }
  for (const member of unanswered) {
    const identity = member.identities.find((candidate) => candidate.startedPrivate);
    if (!identity) continue;
    const t = ctx.translations.t(identity.locale);
    requests.push({
      dedupeKey: `${moment.key}-private:${meeting.id}:${member.id}`,
      platform: identity.platform as Platform,
      chatId: identity.platformUserId,
      payload: {
        kind: "text",
        text: t("jobs.private_reminder", { code: meeting.code, when: localDateTime(t, meeting.startsAt, cell.timeZone) }),
      },
    });
  }
  return requests;
}

/** The secretaries a cell's nudges go to: those who manage it and have a private chat with the bot. */
function secretaries(ctx: JobContext, cellId: string) {
  return reachableManagers(ctx.db, cellId, servedPlatforms(ctx.config));
}

/**
 * The day before (or the cell's own hours, /settings sotay): remind the secretary to post the documents in the
 * national "Sổ tay đảng viên" app. A meeting announced later than that is reminded of at once.
 */
export async function sotayReminders(ctx: JobContext): Promise<OutboxRequest[]> {
  const meetings = await ctx.db.meeting.findMany({
    where: {
      status: "published",
      startsAt: { gt: ctx.now, lte: new Date(ctx.now.getTime() + SETTING_LIMITS.sotay.max * HOUR_MS) },
    },
    include: { cell: true },
  });
  const requests: OutboxRequest[] = [];
  for (const meeting of meetings) {
    const hours = cellSchedule(meeting.cell.settings).sotayHours;
    if (hours === 0 || meeting.startsAt.getTime() - ctx.now.getTime() > hours * HOUR_MS) continue;
    for (const secretary of await secretaries(ctx, meeting.cellId)) {
      const t = ctx.translations.t(secretary.locale);
      requests.push({
        dedupeKey: `sotay:${meeting.id}:${secretary.id}`,
        platform: secretary.platform as Platform,
        chatId: secretary.platformUserId,
        payload: {
          kind: "text",
          text: t("jobs.sotay", { code: meeting.code, when: localDateTime(t, meeting.startsAt, meeting.cell.timeZone) }),
        },
      });
    }
  }
  return requests;
}

/**
 * A closing nudge not sent by the meeting's start + its hours + this (7 days after the start for the default 24
 * hours) is dropped, not sent stale.
 */
const CLOSE_NUDGE_CATCH_UP_MS = 6 * DAY_MS;

/**
 * A day (or the cell's own hours, /settings closenudge) after a meeting's end: nudge the secretary if it is still
 * not closed (attendance, score, minutes).
 */
export async function closeNudges(ctx: JobContext): Promise<OutboxRequest[]> {
  const since = new Date(ctx.now.getTime() - SETTING_LIMITS.closenudge.max * HOUR_MS - CLOSE_NUDGE_CATCH_UP_MS);
  const meetings = await ctx.db.meeting.findMany({
    where: { status: "published", startsAt: { gt: since, lt: ctx.now } },
    include: { cell: true },
  });
  const requests: OutboxRequest[] = [];
  for (const meeting of meetings) {
    const hours = cellSchedule(meeting.cell.settings).closeNudgeHours;
    if (hours === 0) continue;
    const end = meeting.startsAt.getTime() + meeting.durationMinutes * 60_000;
    if (ctx.now.getTime() < end + hours * HOUR_MS) continue;
    if (meeting.startsAt.getTime() <= ctx.now.getTime() - hours * HOUR_MS - CLOSE_NUDGE_CATCH_UP_MS) continue;
    const records = await ctx.db.attendance.count({ where: { meetingId: meeting.id } });
    for (const secretary of await secretaries(ctx, meeting.cellId)) {
      const t = ctx.translations.t(secretary.locale);
      requests.push({
        dedupeKey: `close-nudge:${meeting.id}:${secretary.id}`,
        platform: secretary.platform as Platform,
        chatId: secretary.platformUserId,
        payload: {
          kind: "text",
          text: t(records === 0 ? "jobs.nudge_attendance" : "jobs.nudge_close", {
            code: meeting.code,
            after: t("jobs.left_hours", { count: hours }),
          }),
        },
      });
    }
  }
  return requests;
}

const DEFAULT_USUAL_DAY = 5;

/** The outbox key's part for a nudge: "1" and "2" for 7 and 3 days (the keys used before the days were configurable). */
function preparationSlot(days: number): string {
  const legacy = DEFAULT_PREPARATION_DAYS.indexOf(days);
  return legacy >= 0 ? String(legacy + 1) : `${days}d`;
}

/**
 * 7 and 3 days (or the cell's own days, /settings prepare) before the cell's usual meeting day: nudge the secretary
 * if that month's regular meeting is not announced.
 */
export async function preparationNudges(ctx: JobContext): Promise<OutboxRequest[]> {
  const requests: OutboxRequest[] = [];
  for (const cell of await ctx.db.cell.findMany()) {
    const local = new Intl.DateTimeFormat("en-CA", {
      timeZone: cell.timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(ctx.now);
    const [year, month, day] = local.split("-").map(Number) as [number, number, number];
    const nudgeDays = cellSchedule(cell.settings).preparationDays;
    if (nudgeDays.length === 0) continue;
    const usualDay = cell.usualDay ?? DEFAULT_USUAL_DAY;
    // the meeting this nudge is about: this month's if its day is still ahead, otherwise next month's
    const target = day <= usualDay ? { year, month } : month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
    const period = `${target.year}-${String(target.month).padStart(2, "0")}`;
    const daysLeft = Math.round(
      (Date.UTC(target.year, target.month - 1, usualDay) - Date.UTC(year, month - 1, day)) / 86_400_000,
    );
    if (!nudgeDays.includes(daysLeft)) continue;
    const scheduled = await ctx.db.meeting.count({ where: { cellId: cell.id, period, status: { in: ["published", "closed"] } } });
    if (scheduled > 0) continue;
    for (const secretary of await secretaries(ctx, cell.id)) {
      const t = ctx.translations.t(secretary.locale);
      requests.push({
        dedupeKey: `prep:${cell.id}:${period}:${preparationSlot(daysLeft)}:${secretary.id}`,
        platform: secretary.platform as Platform,
        chatId: secretary.platformUserId,
        payload: {
          kind: "text",
          text: t("jobs.preparation", { cell: cell.name, days: daysLeft, month: `${target.month}/${target.year}` }),
        },
      });
    }
  }
  return requests;
}

/**
 * In the quarter's last month, from the 15th (or the cell's own day, /settings thematic): warn the cell's chats and
 * its committee when no thematic (or combined) meeting was held or announced this quarter. Once per cell per quarter.
 */
export async function thematicWarnings(ctx: JobContext): Promise<OutboxRequest[]> {
  const requests: OutboxRequest[] = [];
  for (const cell of await ctx.db.cell.findMany({
    include: { bindings: { where: { active: true, kind: "cell", platform: { in: servedPlatforms(ctx.config) } } } },
  })) {
    const [year, month, day] = new Intl.DateTimeFormat("en-CA", {
      timeZone: cell.timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    })
      .format(ctx.now)
      .split("-")
      .map(Number) as [number, number, number];
    if (month % 3 !== 0 || day < cellSchedule(cell.settings).thematicDay) continue;
    const quarter = month / 3;
    const from = new Date(Date.UTC(year, month - 3, 1) - 14 * 3600_000);
    const thematic = await ctx.db.meeting.count({
      where: {
        cellId: cell.id,
        type: { in: ["thematic", "combined"] },
        status: { in: ["published", "closed"] },
        startsAt: { gte: from },
      },
    });
    if (thematic > 0) continue;
    const targets = [...cell.bindings];
    if (cell.committeeId) {
      const committeeChats = await ctx.db.chatBinding.findMany({
        where: { committeeId: cell.committeeId, kind: "committee", active: true, platform: { in: servedPlatforms(ctx.config) } },
      });
      targets.push(...committeeChats);
    }
    for (const target of targets) {
      const t = ctx.translations.t(target.locale, cell.locale);
      requests.push({
        dedupeKey: `thematic:${cell.id}:${year}-Q${quarter}:${target.id}`,
        platform: target.platform as Platform,
        chatId: target.chatId,
        payload: { kind: "text", text: t("jobs.no_thematic", { cell: cell.name, quarter, year }) },
      });
    }
  }
  return requests;
}

/** A member named in a group: a mention where the platform links names to accounts (Telegram), else the name. */
function mention(platform: string, identity: { platformUserId: string } | undefined, fullName: string): string {
  const name = escapeHtml(fullName);
  return platform === "telegram" && identity ? `<a href="tg://user?id=${identity.platformUserId}">${name}</a>` : name;
}
