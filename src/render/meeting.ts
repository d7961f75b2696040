import { createHash } from "node:crypto";
import type { Cell } from "../db/generated/sqlite/client.js";
import { formatEnglishDateTime, formatVietnameseDateTime, utcToLocal } from "../domain/dates.js";
import type { MeetingWithAgenda } from "../domain/meeting-service.js";
import type { Tally } from "../domain/tally.js";
import type { Translate } from "../i18n.js";
import { escapeHtml, plainText } from "./html.js";

/** Telegram counts characters after entity parsing; keep a margin for the tally lines. */
const MESSAGE_BUDGET = 3800;
const AGENDA_ITEM_MAX = 160;

export function localDateTime(t: Translate, at: Date, timeZone: string): string {
  const { date, time } = utcToLocal(at, timeZone);
  const local = `${date}T${time}`;
  return t("meeting.locale_code") === "en" ? formatEnglishDateTime(local) : formatVietnameseDateTime(local);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The announcement as members see it: what, when, where, the agenda, and the live counts. */
export function announcementText(t: Translate, meeting: MeetingWithAgenda, cell: Cell, tally: Tally): string {
  const head = [
    t("meeting.announce_title", { type: t(`meeting_type.${meeting.type}`), cell: cell.name }),
    meeting.topic ? t("meeting.topic", { topic: clip(meeting.topic, 300) }) : "",
    t("meeting.when", { when: localDateTime(t, meeting.startsAt, cell.timeZone), minutes: meeting.durationMinutes }),
    meeting.place ? t("meeting.where", { place: clip(meeting.place, 200) }) : "",
    meeting.chairMemberId ? t("meeting.chair", { name: clip(meeting.chairMemberId, 80) }) : "",
    meeting.minuteTakerId ? t("meeting.minute_taker", { name: clip(meeting.minuteTakerId, 80) }) : "",
    meeting.guests.length > 0 ? t("meeting.guests", { names: clip(meeting.guests.map((g) => g.name).join(", "), 300) }) : "",
    meeting.rsvpDeadline ? t("meeting.deadline", { when: localDateTime(t, meeting.rsvpDeadline, cell.timeZone) }) : "",
    meeting.status === "cancelled" ? t("meeting.cancelled_banner", { reason: meeting.cancelReason ?? "" }) : "",
  ].filter(Boolean);
  const tail = ["", tallyLine(t, tally), t("meeting.code_hint", { code: meeting.code })];
  const budget = MESSAGE_BUDGET - plainText([...head, ...tail].join("\n")).length;
  const agenda = agendaLines(t, meeting, budget);
  return [...head, "", ...agenda, ...tail].join("\n");
}

export function tallyLine(t: Translate, tally: Tally): string {
  const exempt =
    tally.exemptTotal > 0 ? t("meeting.tally_exempt", { count: tally.exemptTotal, attending: tally.exemptAttending }) : "";
  return (
    t("meeting.tally", { attend: tally.attend, absent: tally.absent, none: tally.noAnswer, expected: tally.expected }) + exempt
  );
}

function agendaLines(t: Translate, meeting: MeetingWithAgenda, budget: number): string[] {
  const lines = [t("meeting.agenda_title")];
  let used = plainText(lines[0]!).length;
  for (const [index, item] of meeting.agenda.entries()) {
    const presenter = item.presenter ? ` — ${escapeHtml(clip(item.presenter, 60))}` : "";
    const line = `${index + 1}. ${escapeHtml(clip(item.title, AGENDA_ITEM_MAX))}${presenter}`;
    if (used + plainText(line).length + 80 > budget) {
      lines.push(t("meeting.agenda_more", { count: meeting.agenda.length - index, code: meeting.code }));
      break;
    }
    lines.push(line);
    used += plainText(line).length + 1;
  }
  return lines;
}

/** One page of names: who will attend, who is absent and why, who has not answered. */
export function namesPage(t: Translate, tally: Tally, page: number, pageSize: number) {
  const entries = [
    ...tally.attendingNames.map((name) => `✅ ${escapeHtml(name)}`),
    ...tally.absentEntries.map(
      (entry) => `❌ ${escapeHtml(entry.name)}${entry.reason ? ` (${escapeHtml(clip(entry.reason, 60))})` : ""}`,
    ),
    ...tally.noAnswerNames.map((name) => `⏳ ${escapeHtml(name)}`),
    ...tally.exemptAttendingNames.map((name) => `☑️ ${escapeHtml(name)} (${t("membership.exempt")})`),
  ];
  const pages = Math.max(1, Math.ceil(entries.length / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const lines = entries.slice((current - 1) * pageSize, current * pageSize);
  return {
    text: [t("meeting.names_title", { page: current, pages }), tallyLine(t, tally), "", ...lines].join("\n"),
    page: current,
    pages,
  };
}

/** A short fingerprint of a rendered message, to skip edits that would change nothing. */
export function textHash(text: string): string {
  return createHash("sha1").update(text).digest("hex").slice(0, 16);
}
