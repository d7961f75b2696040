import type { Db } from "../db/client.js";
import type { Cell, Meeting, PlatformIdentity } from "../db/generated/sqlite/client.js";
import { absentees, attendanceRate, meetingFlags, memberFlags, type AttendanceStatus } from "./attendance.js";
import { recordAudit, type Actor } from "./audit.js";
import { checkinCode, checkinStatus, checkinWindow, matchCheckinCode } from "./checkin.js";
import { DomainError } from "./errors.js";
import { DEFAULT_RUBRIC, scoreMeeting, validateRubric, type Rubric } from "./rating.js";

type Membership = "active" | "exempt" | "transferred_out";
const PRESENT: AttendanceStatus[] = ["present", "late", "left_early"];

function assertHappening(meeting: Meeting) {
  if (meeting.status === "cancelled") throw new DomainError("rsvp.cancelled");
  if (meeting.status === "closed") throw new DomainError("day.already_closed");
}

/** The secretary opens check-in: a short code, valid from now (or 30 minutes before) until the meeting ends. */
export async function openCheckin(db: Db, actor: Actor, meeting: Meeting, now: Date) {
  assertHappening(meeting);
  const window = checkinWindow(meeting.startsAt, meeting.durationMinutes);
  if (now >= window.closesAt) throw new DomainError("checkin.closed");
  const code = meeting.checkinCode ?? checkinCode();
  const opensAt = now < window.opensAt ? now : window.opensAt;
  await db.$transaction(async (tx) => {
    await tx.meeting.update({
      where: { id: meeting.id },
      data: { checkinCode: code, checkinOpensAt: opensAt, checkinClosesAt: window.closesAt },
    });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "meeting",
      entityId: meeting.id,
      action: "open_checkin",
      after: { opensAt, closesAt: window.closesAt },
    });
  });
  return { code, opensAt, closesAt: window.closesAt };
}

async function cellMemberOf(db: Db, meeting: Meeting, identity: PlatformIdentity) {
  if (!identity.memberId) throw new DomainError("link.me_unlinked");
  const member = await db.member.findUnique({ where: { id: identity.memberId } });
  if (!member || member.cellId !== meeting.cellId || member.membership === "removed") throw new DomainError("rsvp.not_in_cell");
  return member;
}

/**
 * A member checks in (a tap in the group, or the code from anywhere). Late after 15 minutes. A check-in never
 * downgrades what the roll call recorded as present, and repeating it changes nothing.
 */
export async function selfCheckIn(db: Db, meeting: Meeting, identity: PlatformIdentity, input: { code?: string; now: Date }) {
  assertHappening(meeting);
  if (!meeting.checkinCode || !meeting.checkinOpensAt || !meeting.checkinClosesAt) throw new DomainError("checkin.not_open");
  const window = {
    ...checkinWindow(meeting.startsAt, meeting.durationMinutes),
    opensAt: meeting.checkinOpensAt,
    closesAt: meeting.checkinClosesAt,
  };
  const timing = checkinStatus({ at: input.now, window });
  if (timing === "early") throw new DomainError("checkin.not_open");
  if (timing === "closed") throw new DomainError("checkin.closed");
  if (input.code !== undefined && !matchCheckinCode(input.code, meeting.checkinCode)) throw new DomainError("checkin.wrong_code");
  const member = await cellMemberOf(db, meeting, identity);
  const status: AttendanceStatus = timing === "late" ? "late" : "present";
  const where = { meetingId_memberId: { meetingId: meeting.id, memberId: member.id } };
  const existing = await db.attendance.findUnique({ where });
  if (existing && PRESENT.includes(existing.status as AttendanceStatus))
    return { kind: "already" as const, memberName: member.fullName, status: existing.status };
  const data = { status, checkedInAt: input.now, source: "self", recordedById: identity.id, reason: null };
  await db.attendance
    .upsert({ where, create: { meetingId: meeting.id, memberId: member.id, ...data }, update: data })
    .catch(async (error: { code?: string }) => {
      if (error.code !== "P2002") throw error;
    });
  return { kind: "checked_in" as const, memberName: member.fullName, status };
}

export async function leaveEarly(db: Db, meeting: Meeting, identity: PlatformIdentity, now: Date) {
  assertHappening(meeting);
  const member = await cellMemberOf(db, meeting, identity);
  const where = { meetingId_memberId: { meetingId: meeting.id, memberId: member.id } };
  const existing = await db.attendance.findUnique({ where });
  if (!existing || !PRESENT.includes(existing.status as AttendanceStatus)) throw new DomainError("checkin.leave_without_checkin");
  await db.attendance.update({ where, data: { status: "left_early", leftAt: now } });
  return member;
}

/** Roll call by the secretary; after closing it is a correction, audited as such. */
export async function markAttendance(
  db: Db,
  actor: Actor,
  meeting: Meeting,
  memberId: string,
  status: AttendanceStatus,
  reason: string | null,
  now: Date,
) {
  if (meeting.status === "cancelled") throw new DomainError("rsvp.cancelled");
  const member = await db.member.findUnique({ where: { id: memberId } });
  if (!member || member.cellId !== meeting.cellId) throw new DomainError("members.not_found");
  return db.$transaction(async (tx) => {
    const where = { meetingId_memberId: { meetingId: meeting.id, memberId } };
    const before = await tx.attendance.findUnique({ where });
    const data = {
      status,
      reason: status === "excused" || status === "unexcused" ? reason : null,
      source: meeting.status === "closed" ? "correction" : "rollcall",
      recordedById: actor.identityId,
      ...(PRESENT.includes(status) && !before?.checkedInAt ? { checkedInAt: now } : {}),
      ...(status === "left_early" ? { leftAt: now } : {}),
    };
    const after = await tx.attendance.upsert({ where, create: { meetingId: meeting.id, memberId, ...data }, update: data });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "attendance",
      entityId: `${meeting.id}:${memberId}`,
      action: meeting.status === "closed" ? "correct_attendance" : "mark_attendance",
      before: before ? { status: before.status, reason: before.reason } : null,
      after: { status: after.status, reason: after.reason },
    });
    return { member, before, after };
  });
}

export async function addGuest(db: Db, actor: Actor, meeting: Meeting, name: string, title: string | null) {
  const guest = await db.guest.create({ data: { meetingId: meeting.id, name, title, present: true } });
  await db.$transaction((tx) =>
    recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "guest",
      entityId: guest.id,
      action: "add",
      after: { name, title },
    }),
  );
  return guest;
}

export async function addNote(db: Db, meeting: Meeting, speaker: string, text: string) {
  if (meeting.status === "cancelled") throw new DomainError("rsvp.cancelled");
  return db.meetingNote.create({ data: { meetingId: meeting.id, speaker, text } });
}

/** Everything the opening report, the summary and the minutes need, computed from the records. */
export async function attendanceOverview(db: Db, meeting: Meeting) {
  const [members, records, rsvps, guests] = await Promise.all([
    db.member.findMany({
      where: { cellId: meeting.cellId, membership: { in: ["active", "exempt", "transferred_out"] } },
      orderBy: { nameKey: "asc" },
    }),
    db.attendance.findMany({ where: { meetingId: meeting.id } }),
    db.rsvp.findMany({ where: { meetingId: meeting.id, memberId: { not: null } } }),
    db.guest.findMany({ where: { meetingId: meeting.id } }),
  ]);
  const membership = (m: { membership: string }) => m.membership as Membership;
  const rate = attendanceRate({
    members: members.map((m) => ({ id: m.id, membership: membership(m) })),
    records: records.map((r) => ({ memberId: r.memberId, status: r.status as AttendanceStatus })),
  });
  const names = new Map(members.map((m) => [m.id, m.fullName]));
  const recordOf = new Map(records.map((r) => [r.memberId, r]));
  const lists = absentees(
    records.map((r) => ({ memberId: r.memberId, status: r.status as AttendanceStatus, reason: r.reason })),
    names,
  );
  const unmarked = members.filter((m) => m.membership === "active" && !recordOf.has(m.id));
  return {
    members,
    records,
    recordOf,
    rsvpOf: new Map(rsvps.map((r) => [r.memberId as string, r])),
    rate,
    excused: lists.excused,
    unexcused: lists.unexcused.map((absentee) => absentee.name),
    unmarked,
    guests,
    official: members.filter((m) => m.status === "official").length,
    probationary: members.filter((m) => m.status === "probationary").length,
  };
}

export async function rubricFor(db: Db, cell: Cell): Promise<Rubric> {
  if (!cell.committeeId) return DEFAULT_RUBRIC;
  const committee = await db.committee.findUnique({ where: { id: cell.committeeId } });
  const settings = JSON.parse(committee?.settings ?? "{}") as { rubric?: Rubric };
  if (!settings.rubric) return DEFAULT_RUBRIC;
  validateRubric(settings.rubric);
  return settings.rubric;
}

export interface ClosingInput {
  actualStart: Date;
  actualEnd: Date;
  conclusion: string | null;
  resolution: string | null;
  vote: { for: number; against: number; abstain: number } | null;
  scores: Record<string, number>;
  participationMet: boolean;
  minutesComplete: boolean;
  /** Expected members nobody marked are recorded as absent without reason. */
  markUnmarkedUnexcused: boolean;
}

export function minimumMinutes(meeting: Meeting): number {
  return meeting.type === "combined" ? 120 : 90;
}

/** Closes the meeting: validates, records the unmarked, scores and rates it, in one transaction. */
export async function closeMeeting(db: Db, actor: Actor, meeting: Meeting, cell: Cell, input: ClosingInput, now: Date) {
  assertHappening(meeting);
  if (input.actualEnd <= input.actualStart) throw new DomainError("day.end_before_start");
  const overview = await attendanceOverview(db, meeting);
  if (overview.unmarked.length > 0 && !input.markUnmarkedUnexcused)
    throw new DomainError("day.unmarked", { count: overview.unmarked.length });
  const rubric = await rubricFor(db, cell);
  const actualMinutes = Math.round((input.actualEnd.getTime() - input.actualStart.getTime()) / 60_000);
  const attendancePart = rubric.parts.find((part) => part.key === "attendance");
  const score = scoreMeeting(rubric, input.scores, {
    fullAttendanceMarks: attendancePart ? input.scores.attendance === attendancePart.max : true,
    lengthMet: actualMinutes >= minimumMinutes(meeting),
    participationMet: input.participationMet,
    minutesComplete: input.minutesComplete,
  });
  await db.$transaction(async (tx) => {
    const current = await tx.meeting.findUniqueOrThrow({ where: { id: meeting.id } });
    if (current.status === "closed") throw new DomainError("day.already_closed");
    for (const member of overview.unmarked) {
      await tx.attendance.create({
        data: {
          meetingId: meeting.id,
          memberId: member.id,
          status: "unexcused",
          source: "rollcall",
          recordedById: actor.identityId,
        },
      });
    }
    await tx.meeting.update({
      where: { id: meeting.id },
      data: {
        status: "closed",
        closedAt: now,
        actualStart: input.actualStart,
        actualEnd: input.actualEnd,
        conclusion: input.conclusion,
        resolution: input.resolution,
        vote: input.vote ? JSON.stringify(input.vote) : null,
        score: JSON.stringify({ parts: input.scores, total: score.total }),
        rating: score.rating,
      },
    });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "meeting",
      entityId: meeting.id,
      action: "close",
      after: { ...input, rating: score.rating, total: score.total },
    });
  });
  const closedOverview = await attendanceOverview(db, meeting);
  const flags = meetingFlags({
    rate: closedOverview.rate.rate,
    unexcused: closedOverview.rate.unexcused,
    actualMinutes,
    minimumMinutes: minimumMinutes(meeting),
  });
  return { overview: closedOverview, score, flags, actualMinutes, rubric };
}

/** Member flags for the cell in a calendar year, recomputed from every recorded meeting. */
export async function cellMemberFlags(db: Db, cell: Cell, year: number) {
  const records = await db.attendance.findMany({
    where: { meeting: { cellId: cell.id, status: { in: ["closed", "published"] } } },
    include: { meeting: { select: { startsAt: true } } },
  });
  return memberFlags(
    records.map((r) => ({
      memberId: r.memberId,
      meetingId: r.meetingId,
      startsAt: r.meeting.startsAt,
      status: r.status as AttendanceStatus,
    })),
    { year, timeZone: cell.timeZone },
  );
}

/** A clock time as secretaries type it: "19h35", "19:35", "19g", "7h35 tối". Returns HH:mm or undefined. */
export function parseClockTime(text: string): string | undefined {
  const match =
    /^\s*(\d{1,2})\s*(?:[h:g.]|giờ)\s*(\d{1,2})?\s*(?:phút|p)?\s*(sáng|trưa|chiều|tối|sang|trua|chieu|toi)?\s*$/i.exec(
      text.normalize("NFC"),
    );
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const period = (match[3] ?? "").toLowerCase();
  if (["chiều", "tối", "chieu", "toi"].includes(period) && hour < 12) hour += 12;
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}
