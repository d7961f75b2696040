import type { Db, Tx } from "../db/client.js";
import type { Cell, Meeting, PlatformIdentity } from "../db/generated/sqlite/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { localToUtc } from "./dates.js";
import { DomainError } from "./errors.js";
import { meetingCode, type MeetingType } from "./meetings.js";
import { computeTally, type Tally } from "./tally.js";

export type RsvpAnswer = "attend" | "absent";

export interface AgendaDraftItem {
  title: string;
  presenter: string | null;
}

/** Everything /newmeeting collects, in the cell's local time. */
export interface MeetingDraft {
  type: MeetingType;
  period: string | null;
  topic: string | null;
  startsAtLocal: string;
  durationMinutes: number;
  place: string | null;
  agenda: AgendaDraftItem[];
  chair: string | null;
  minuteTaker: string | null;
  guests: string[];
  rsvpDeadlineLocal: string | null;
}

export type MeetingWithAgenda = Meeting & {
  agenda: { position: number; title: string; presenter: string | null; status: string; attachment: string | null }[];
  guests: { name: string }[];
};

const withAgenda = {
  agenda: { where: { status: "accepted" }, orderBy: { position: "asc" as const } },
  guests: true,
} as const;

async function unusedCode(db: Db): Promise<string> {
  const taken = new Set((await db.meeting.findMany({ select: { code: true } })).map((m) => m.code));
  return meetingCode((code) => taken.has(code));
}

export async function publishMeeting(
  db: Db,
  actor: Actor,
  cell: Cell,
  draft: MeetingDraft,
  now: Date,
): Promise<MeetingWithAgenda> {
  const code = await unusedCode(db);
  const startsAt = localToUtc(draft.startsAtLocal, cell.timeZone);
  const rsvpDeadline = draft.rsvpDeadlineLocal ? localToUtc(draft.rsvpDeadlineLocal, cell.timeZone) : null;
  return db.$transaction(async (tx) => {
    const meeting = await tx.meeting.create({
      data: {
        cellId: cell.id,
        code,
        type: draft.type,
        period: draft.period,
        topic: draft.topic,
        startsAt,
        durationMinutes: draft.durationMinutes,
        place: draft.place,
        status: "published",
        rsvpDeadline,
        chairMemberId: draft.chair,
        minuteTakerId: draft.minuteTaker,
        createdById: actor.identityId,
        publishedAt: now,
        agenda: { create: draft.agenda.map((item, position) => ({ position, title: item.title, presenter: item.presenter })) },
        guests: { create: draft.guests.map((name) => ({ name })) },
      },
      include: withAgenda,
    });
    await recordAudit(tx, actor, {
      cellId: cell.id,
      entity: "meeting",
      entityId: meeting.id,
      action: "publish",
      after: { code, ...draft },
    });
    return meeting;
  });
}

/** Finds a meeting by the short code members type ("K7A"), optionally only within one cell. */
export async function findMeeting(db: Db, code: string, cellId?: string): Promise<MeetingWithAgenda> {
  const meeting = await db.meeting.findUnique({ where: { code: code.trim().toUpperCase() }, include: withAgenda });
  if (!meeting || (cellId && meeting.cellId !== cellId)) throw new DomainError("meeting.not_found", { code });
  return meeting;
}

export async function meetingById(db: Db, id: string): Promise<MeetingWithAgenda> {
  return db.meeting.findUniqueOrThrow({ where: { id }, include: withAgenda });
}

export async function upcomingAndRecent(db: Db, cellId: string, now: Date) {
  const upcoming = await db.meeting.findMany({
    where: { cellId, startsAt: { gte: new Date(now.getTime() - 6 * 3600_000) }, status: { not: "draft" } },
    orderBy: { startsAt: "asc" },
    take: 10,
  });
  const recent = await db.meeting.findMany({
    where: { cellId, startsAt: { lt: new Date(now.getTime() - 6 * 3600_000) }, status: { not: "draft" } },
    orderBy: { startsAt: "desc" },
    take: 5,
  });
  return { upcoming, recent };
}

/** A meeting still takes answers until it starts; after the deadline only the secretary may change them. */
function assertOpen(meeting: Meeting, now: Date, byManager: boolean) {
  if (meeting.status === "cancelled") throw new DomainError("rsvp.cancelled");
  if (meeting.status !== "published" || meeting.startsAt <= now) throw new DomainError("rsvp.closed");
  if (!byManager && meeting.rsvpDeadline && meeting.rsvpDeadline <= now) throw new DomainError("rsvp.deadline_passed");
}

export interface RsvpInput {
  answer: RsvpAnswer;
  reason: string | null;
  now: Date;
}

export type RsvpOutcome =
  | { kind: "saved"; memberName: string; previous: { answer: string; reason: string | null } | null }
  | { kind: "unchanged"; memberName: string }
  | { kind: "pending_link" };

/** A member's own answer. Accounts not yet linked to the roster are kept until they are linked. */
export async function answerForSelf(
  db: Db,
  meeting: Meeting,
  identity: PlatformIdentity,
  input: RsvpInput,
): Promise<RsvpOutcome> {
  assertOpen(meeting, input.now, false);
  if (!identity.memberId) {
    await savePendingAnswer(db, meeting.id, identity.id, input);
    return { kind: "pending_link" };
  }
  const member = await db.member.findUnique({ where: { id: identity.memberId } });
  if (!member || member.cellId !== meeting.cellId || member.membership === "removed") throw new DomainError("rsvp.not_in_cell");
  return saveAnswer(db, meeting.id, member, input, { byProxy: false, answeredById: identity.id });
}

/** The secretary answers for a member without a phone; allowed after the deadline, until the meeting starts. */
export async function answerByProxy(
  db: Db,
  actor: Actor,
  meeting: Meeting,
  memberId: string,
  input: RsvpInput,
): Promise<RsvpOutcome> {
  assertOpen(meeting, input.now, true);
  const member = await db.member.findUnique({ where: { id: memberId } });
  if (!member || member.cellId !== meeting.cellId || member.membership === "removed") throw new DomainError("members.not_found");
  const outcome = await saveAnswer(db, meeting.id, member, input, { byProxy: true, answeredById: actor.identityId });
  if (outcome.kind === "saved") {
    await db.$transaction((tx) =>
      recordAudit(tx, actor, {
        cellId: meeting.cellId,
        entity: "rsvp",
        entityId: `${meeting.id}:${memberId}`,
        action: "proxy_answer",
        before: outcome.previous,
        after: { answer: input.answer, reason: input.reason },
      }),
    );
  }
  return outcome;
}

async function saveAnswer(
  db: Db,
  meetingId: string,
  member: { id: string; fullName: string },
  input: RsvpInput,
  by: { byProxy: boolean; answeredById: string | null },
): Promise<RsvpOutcome> {
  const where = { meetingId_memberId: { meetingId, memberId: member.id } };
  const previous = await db.rsvp.findUnique({ where });
  if (previous && previous.answer === input.answer && previous.reason === input.reason) {
    return { kind: "unchanged", memberName: member.fullName };
  }
  const data = {
    answer: input.answer,
    reason: input.reason,
    byProxy: by.byProxy,
    answeredById: by.answeredById,
    answeredAt: input.now,
  };
  await upsertTolerantOfRaces(
    () => db.rsvp.upsert({ where, create: { meetingId, memberId: member.id, ...data }, update: data }),
    () => db.rsvp.update({ where, data }),
  );
  return {
    kind: "saved",
    memberName: member.fullName,
    previous: previous ? { answer: previous.answer, reason: previous.reason } : null,
  };
}

async function savePendingAnswer(db: Db, meetingId: string, identityId: string, input: RsvpInput) {
  const where = { meetingId_identityId: { meetingId, identityId } };
  const data = { answer: input.answer, reason: input.reason, answeredById: identityId, answeredAt: input.now };
  await upsertTolerantOfRaces(
    () => db.rsvp.upsert({ where, create: { meetingId, identityId, ...data }, update: data }),
    () => db.rsvp.update({ where, data }),
  );
}

/** Two taps at the same instant may both try to create the row; the loser updates it instead. */
async function upsertTolerantOfRaces(upsert: () => Promise<unknown>, update: () => Promise<unknown>) {
  try {
    await upsert();
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
    await update();
  }
}

/** When an account is linked, the answers it gave while unlinked count for the member (unless the member answered). */
export async function adoptPendingAnswers(tx: Tx, identityId: string, memberId: string): Promise<number> {
  const pending = await tx.rsvp.findMany({ where: { identityId, memberId: null } });
  let adopted = 0;
  for (const answer of pending) {
    const existing = await tx.rsvp.findUnique({ where: { meetingId_memberId: { meetingId: answer.meetingId, memberId } } });
    if (existing) {
      await tx.rsvp.delete({ where: { id: answer.id } });
      continue;
    }
    await tx.rsvp.update({ where: { id: answer.id }, data: { memberId, identityId: null } });
    adopted++;
  }
  return adopted;
}

export async function meetingTally(db: Db, meeting: Meeting): Promise<Tally> {
  const [members, answers] = await Promise.all([
    db.member.findMany({
      where: { cellId: meeting.cellId, membership: { in: ["active", "exempt", "transferred_out"] } },
      select: { id: true, fullName: true, group: true, membership: true },
    }),
    db.rsvp.findMany({
      where: { meetingId: meeting.id, memberId: { not: null } },
      select: { memberId: true, answer: true, reason: true },
    }),
  ]);
  return computeTally(
    members.map((m) => ({
      id: m.id,
      name: m.fullName,
      group: m.group,
      membership: m.membership as "active" | "exempt" | "transferred_out",
    })),
    answers.map((a) => ({ memberId: a.memberId as string, answer: a.answer as RsvpAnswer, reason: a.reason })),
  );
}

export async function cellBindings(db: Db, cellId: string) {
  return db.chatBinding.findMany({ where: { cellId, active: true, kind: "cell" } });
}

// ─── Changes after publishing ──────────────────────────────────────────────────────────────────────

function assertEditable(meeting: Meeting) {
  if (meeting.status === "cancelled") throw new DomainError("rsvp.cancelled");
  if (meeting.status !== "published") throw new DomainError("rsvp.closed");
}

/** Members whose answer is recorded (their accounts): they are told when the meeting changes. */
export async function answeredMembers(db: Db | Tx, meetingId: string): Promise<PlatformIdentity[]> {
  const answers = await db.rsvp.findMany({
    where: { meetingId, memberId: { not: null } },
    include: { member: { include: { identities: true } } },
  });
  return answers.flatMap((a) => a.member?.identities ?? []);
}

export async function changeMeetingTime(
  db: Db,
  actor: Actor,
  meeting: Meeting,
  startsAt: Date,
  options: { resetAnswers: boolean },
): Promise<{ reset: number; answered: PlatformIdentity[] }> {
  assertEditable(meeting);
  return db.$transaction(async (tx) => {
    // read with the change, so that whoever had answered is told even when the answers are cleared
    const answered = await answeredMembers(tx, meeting.id);
    await tx.meeting.update({ where: { id: meeting.id }, data: { startsAt, rsvpDeadline: null } });
    const reset = options.resetAnswers ? (await tx.rsvp.deleteMany({ where: { meetingId: meeting.id } })).count : 0;
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "meeting",
      entityId: meeting.id,
      action: "change_time",
      before: { startsAt: meeting.startsAt, rsvpDeadline: meeting.rsvpDeadline },
      after: { startsAt, resetAnswers: options.resetAnswers, reset },
    });
    return { reset, answered };
  });
}

export async function changeMeetingPlace(db: Db, actor: Actor, meeting: Meeting, place: string) {
  assertEditable(meeting);
  await db.$transaction(async (tx) => {
    await tx.meeting.update({ where: { id: meeting.id }, data: { place } });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "meeting",
      entityId: meeting.id,
      action: "change_place",
      before: { place: meeting.place },
      after: { place },
    });
  });
}

export async function cancelMeeting(db: Db, actor: Actor, meeting: Meeting, reason: string) {
  assertEditable(meeting);
  await db.$transaction(async (tx) => {
    await tx.meeting.update({ where: { id: meeting.id }, data: { status: "cancelled", cancelReason: reason } });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "meeting",
      entityId: meeting.id,
      action: "cancel",
      before: { status: meeting.status },
      after: { status: "cancelled", reason },
    });
  });
}

/** Replaces the accepted agenda (edit, add, remove, reorder and presenters in one go); proposals stay. */
export async function replaceAgenda(db: Db, actor: Actor, meeting: MeetingWithAgenda, items: AgendaDraftItem[]) {
  assertEditable(meeting);
  await db.$transaction(async (tx) => {
    const kept = await tx.agendaItem.findMany({ where: { meetingId: meeting.id, status: "accepted" } });
    const attachments = new Map(kept.filter((item) => item.attachment).map((item) => [item.title, item.attachment]));
    await tx.agendaItem.deleteMany({ where: { meetingId: meeting.id, status: "accepted" } });
    await tx.agendaItem.createMany({
      data: items.map((item, position) => ({
        meetingId: meeting.id,
        position,
        title: item.title,
        presenter: item.presenter,
        attachment: attachments.get(item.title) ?? null,
      })),
    });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "meeting",
      entityId: meeting.id,
      action: "change_agenda",
      before: meeting.agenda.map((item) => item.title),
      after: items.map((item) => item.title),
    });
  });
}

export async function attachToAgendaItem(db: Db, actor: Actor, meeting: MeetingWithAgenda, position: number, attachment: string) {
  assertEditable(meeting);
  const item = await db.agendaItem.findFirst({ where: { meetingId: meeting.id, status: "accepted", position } });
  if (!item) throw new DomainError("agenda.bad_index");
  await db.$transaction(async (tx) => {
    await tx.agendaItem.update({ where: { id: item.id }, data: { attachment } });
    await recordAudit(tx, actor, {
      cellId: meeting.cellId,
      entity: "agenda_item",
      entityId: item.id,
      action: "attach",
      before: { attachment: item.attachment },
      after: { attachment },
    });
  });
  return item;
}

/** A member proposes an agenda item; it waits for the secretary's decision. */
export async function proposeAgendaItem(db: Db, meeting: Meeting, identityId: string, title: string) {
  assertEditable(meeting);
  const count = await db.agendaItem.count({ where: { meetingId: meeting.id, status: "proposed", proposedBy: identityId } });
  if (count >= 3) throw new DomainError("agenda.too_many_proposals");
  const position = await db.agendaItem.count({ where: { meetingId: meeting.id } });
  return db.agendaItem.create({ data: { meetingId: meeting.id, position, title, status: "proposed", proposedBy: identityId } });
}

export async function decideProposal(db: Db, actor: Actor, itemId: string, accept: boolean) {
  const item = await db.agendaItem.findUnique({ where: { id: itemId }, include: { meeting: true } });
  if (!item || item.status !== "proposed") throw new DomainError("agenda.proposal_gone");
  assertEditable(item.meeting);
  await db.$transaction(async (tx) => {
    const position = accept
      ? await tx.agendaItem.count({ where: { meetingId: item.meetingId, status: "accepted" } })
      : item.position;
    await tx.agendaItem.update({ where: { id: itemId }, data: { status: accept ? "accepted" : "declined", position } });
    await recordAudit(tx, actor, {
      cellId: item.meeting.cellId,
      entity: "agenda_item",
      entityId: itemId,
      action: accept ? "accept_proposal" : "decline_proposal",
      after: { title: item.title },
    });
  });
  return item;
}
