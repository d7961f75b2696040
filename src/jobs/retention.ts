// Retention: old data is deleted once a day. Meetings that ended more than RETENTION_MONTHS ago go with their
// answers, attendance, agenda, guests, notes and posts (cascade); delivered messages, handled updates and
// abandoned reply prompts and conversations go after 30 days. Audit entries and the roster are kept.
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { OutboxRequest } from "./outbox.js";
import type { JobContext } from "./reminders.js";

const DAY_MS = 24 * 3600_000;

/** Sent and failed messages, handled updates and stale prompts or conversations are kept this long. */
export const KEEP_MESSAGES_DAYS = 30;

/**
 * An outbox row's key is what stops a job sending the same message twice, and the longest window in which a job
 * may propose the same message again is a quarter's last month (thematic warnings from the 1st): 31 days. So after
 * 30 days a row loses its text (the personal part), and the row itself goes after 40.
 */
export const KEEP_OUTBOX_KEYS_DAYS = 40;

/** Conversation state (grammY conversations) and reply prompts, by key prefix. */
const CHAT_STATE_PREFIXES = ["prompt:", "conversation:"];

/** Ids per statement: far below SQLite's and PostgreSQL's limits on bound parameters. */
const BATCH = 200;

export interface RetentionCounts {
  meetings: number;
  answers: number;
  attendance: number;
  agendaItems: number;
  guests: number;
  notes: number;
  posts: number;
  outboxEmptied: number;
  outboxDeleted: number;
  inboundUpdates: number;
  chatState: number;
}

/** The same moment `months` calendar months earlier (UTC), on the month's last day when the day does not exist. */
export function monthsBefore(now: Date, months: number): Date {
  const day = now.getUTCDate();
  const target = new Date(now.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** Deletes what is past its retention; returns how many rows of each kind went. */
export async function applyRetention(db: Db, now: Date, retentionMonths: number): Promise<RetentionCounts> {
  const counts: RetentionCounts = {
    meetings: 0,
    answers: 0,
    attendance: 0,
    agendaItems: 0,
    guests: 0,
    notes: 0,
    posts: 0,
    outboxEmptied: 0,
    outboxDeleted: 0,
    inboundUpdates: 0,
    chatState: 0,
  };

  // a meeting ended at its recorded end, else at its start plus its planned length
  const cutoff = monthsBefore(now, retentionMonths);
  const candidates = await db.meeting.findMany({
    where: { startsAt: { lt: cutoff } },
    select: { id: true, startsAt: true, durationMinutes: true, actualEnd: true },
  });
  const ended = candidates
    .filter((m) => (m.actualEnd ?? new Date(m.startsAt.getTime() + m.durationMinutes * 60_000)).getTime() < cutoff.getTime())
    .map((m) => m.id);
  for (let i = 0; i < ended.length; i += BATCH) {
    const ids = ended.slice(i, i + BATCH);
    const of = { meetingId: { in: ids } };
    await db.$transaction(async (tx) => {
      counts.answers += await tx.rsvp.count({ where: of });
      counts.attendance += await tx.attendance.count({ where: of });
      counts.agendaItems += await tx.agendaItem.count({ where: of });
      counts.guests += await tx.guest.count({ where: of });
      counts.notes += await tx.meetingNote.count({ where: of });
      counts.posts += await tx.meetingPost.count({ where: of });
      counts.meetings += (await tx.meeting.deleteMany({ where: { id: { in: ids } } })).count;
    });
  }

  const messagesBefore = new Date(now.getTime() - KEEP_MESSAGES_DAYS * DAY_MS);
  const done = { in: ["sent", "failed"] };
  counts.outboxDeleted = (
    await db.outboxMessage.deleteMany({
      where: { status: done, createdAt: { lt: new Date(now.getTime() - KEEP_OUTBOX_KEYS_DAYS * DAY_MS) } },
    })
  ).count;
  counts.outboxEmptied = (
    await db.outboxMessage.updateMany({
      where: { status: done, createdAt: { lt: messagesBefore }, NOT: { payload: "{}" } },
      data: { payload: "{}", lastError: null },
    })
  ).count;
  counts.inboundUpdates = (
    await db.inboundUpdate.deleteMany({ where: { status: "done", createdAt: { lt: messagesBefore } } })
  ).count;
  counts.chatState = (
    await db.storageEntry.deleteMany({
      where: {
        updatedAt: { lt: messagesBefore },
        OR: CHAT_STATE_PREFIXES.map((prefix) => ({ key: { startsWith: prefix } })),
      },
    })
  ).count;
  return counts;
}

/** The daily job: deletes and logs how much (counts only); it queues no messages. */
export async function retention(ctx: JobContext & { logger?: Logger }): Promise<OutboxRequest[]> {
  const removed = await applyRetention(ctx.db, ctx.now, ctx.config.retentionMonths);
  ctx.logger?.info({ job: "retention", retentionMonths: ctx.config.retentionMonths, removed }, "old data removed");
  return [];
}
