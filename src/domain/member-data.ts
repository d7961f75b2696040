// One person's data: everything Chibo stores about a member, exported as JSON (so they can see it), and erased
// (so it is gone) without breaking the figures of past meetings. Erasure is not the roster's "remove", which only
// takes someone off the list and can be undone: it replaces the roster entry by an anonymous placeholder that keeps
// the answer and attendance counts, deletes the linked accounts and rewrites the audit trail without personal details.
import type { Db, Tx } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { DomainError } from "./errors.js";
import { searchKey } from "./roster.js";

export const EXPORT_FORMAT = "chibo-member-data/1";

/** What an erased value reads as in the audit log. */
export const ERASED = "[erased]";

/** Audit fields whose text says nothing about who the person is; every other text is erased (numbers but birth years stay). */
const NEUTRAL_AUDIT_FIELDS = new Set(["status", "membership", "role", "answer", "source", "platform"]);
const PERSONAL_NUMBERS = new Set(["birthYear"]);

/** An erased roster entry's name key: never the normalised form of a real name, so imports and /addmember never match it. */
const ERASED_NAME_KEY = "erased:";

export function shortId(id: string): string {
  return id.slice(-6);
}

/** The name an erased member keeps in past meetings' figures. */
export function erasedName(memberId: string): string {
  return `Đảng viên đã xóa #${shortId(memberId)}`;
}

export function isErased(member: { nameKey: string }): boolean {
  return member.nameKey.startsWith(ERASED_NAME_KEY);
}

/** A file name for one member's export that does not carry the person's name. */
export function exportFileName(memberId: string): string {
  return `du-lieu-dang-vien-${shortId(memberId)}.json`;
}

const meetingSummary = { select: { id: true, code: true, type: true, startsAt: true, status: true } } as const;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Audit entries about one member: their roster entry, and their answers and attendance (`meetingId:memberId`). */
function auditAbout(memberId: string) {
  return {
    OR: [
      { entity: "member", entityId: memberId },
      { entity: { in: ["rsvp", "attendance"] }, entityId: { endsWith: `:${memberId}` } },
    ],
  };
}

/**
 * Everything stored about one member, as a document the person can read: the roster entry, linked chat accounts,
 * link requests, answers (with reasons), attendance, meeting roles, notes of what they said, and the audit entries
 * about them (with the actions they took themselves, without details about others). The export is audited.
 */
export async function exportMemberData(db: Db, actor: Actor, memberId: string, options: { about: string; now?: Date }) {
  const member = await db.member.findUnique({
    where: { id: memberId },
    include: {
      cell: { select: { id: true, name: true } },
      identities: { include: { managedCells: { select: { cellId: true, role: true, createdAt: true } } } },
    },
  });
  if (!member) throw new DomainError("members.not_found");
  const identityIds = member.identities.map((identity) => identity.id);
  const [linkRequests, rsvps, attendance, roles, notes, about, actions] = await Promise.all([
    db.linkRequest.findMany({
      where: { OR: [{ memberId }, { identityId: { in: identityIds } }] },
      orderBy: { createdAt: "asc" },
    }),
    db.rsvp.findMany({
      where: { OR: [{ memberId }, { memberId: null, identityId: { in: identityIds } }] },
      include: { meeting: meetingSummary },
      orderBy: { answeredAt: "asc" },
    }),
    db.attendance.findMany({ where: { memberId }, include: { meeting: meetingSummary }, orderBy: { updatedAt: "asc" } }),
    db.meeting.findMany({
      where: { OR: [{ chairMemberId: memberId }, { minuteTakerId: memberId }] },
      select: { ...meetingSummary.select, chairMemberId: true, minuteTakerId: true },
      orderBy: { startsAt: "asc" },
    }),
    db.meetingNote.findMany({
      where: { speaker: member.fullName, meeting: { cellId: member.cellId } },
      include: { meeting: meetingSummary },
      orderBy: { createdAt: "asc" },
    }),
    db.auditLog.findMany({ where: auditAbout(memberId), orderBy: { at: "asc" } }),
    identityIds.length === 0
      ? Promise.resolve([])
      : db.auditLog.findMany({
          where: { actorId: { in: identityIds } },
          select: { at: true, cellId: true, entity: true, action: true },
          orderBy: { at: "asc" },
        }),
  ]);
  const document = {
    about: options.about,
    format: EXPORT_FORMAT,
    exportedAt: (options.now ?? new Date()).toISOString(),
    cell: member.cell,
    member: {
      id: member.id,
      fullName: member.fullName,
      birthYear: member.birthYear,
      gender: member.gender,
      status: member.status,
      membership: member.membership,
      exemptSince: member.exemptSince,
      role: member.role,
      group: member.group,
      createdAt: member.createdAt,
      updatedAt: member.updatedAt,
      erased: isErased(member),
    },
    accounts: member.identities.map((identity) => ({
      id: identity.id,
      platform: identity.platform,
      platformUserId: identity.platformUserId,
      displayName: identity.displayName,
      username: identity.username,
      locale: identity.locale,
      startedPrivateChat: identity.startedPrivate,
      createdAt: identity.createdAt,
      updatedAt: identity.updatedAt,
      managesCells: identity.managedCells,
    })),
    linkRequests: linkRequests.map((request) => ({
      id: request.id,
      accountId: request.identityId,
      status: request.status,
      createdAt: request.createdAt,
      decidedAt: request.decidedAt,
    })),
    answers: rsvps.map((rsvp) => ({
      meeting: rsvp.meeting,
      answer: rsvp.answer,
      reason: rsvp.reason,
      byProxy: rsvp.byProxy,
      answeredAt: rsvp.answeredAt,
      waitingForLink: rsvp.memberId === null,
    })),
    attendance: attendance.map((record) => ({
      meeting: record.meeting,
      status: record.status,
      reason: record.reason,
      checkedInAt: record.checkedInAt,
      leftAt: record.leftAt,
      source: record.source,
      updatedAt: record.updatedAt,
    })),
    meetingRoles: roles.map(({ chairMemberId, minuteTakerId, ...meeting }) => ({
      meeting,
      roles: [chairMemberId === memberId ? "chair" : null, minuteTakerId === memberId ? "minute_taker" : null].filter(Boolean),
    })),
    notes: notes.map((note) => ({ meeting: note.meeting, speaker: note.speaker, text: note.text, createdAt: note.createdAt })),
    auditAboutMember: about.map((entry) => ({
      at: entry.at,
      by: entry.actorLabel,
      entity: entry.entity,
      entityId: entry.entityId,
      action: entry.action,
      before: parseJson(entry.before),
      after: parseJson(entry.after),
    })),
    actionsByMember: actions,
  };
  await db.$transaction((tx) =>
    recordAudit(tx, actor, {
      cellId: member.cellId,
      entity: "member",
      entityId: memberId,
      action: "export_data",
      after: { answers: rsvps.length, attendance: attendance.length, auditEntries: about.length },
    }),
  );
  return document;
}

export type MemberExport = Awaited<ReturnType<typeof exportMemberData>>;

/** UTF-8, pretty-printed, ending with a newline. */
export function exportJson(data: MemberExport): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/**
 * A value from an audit entry with everything personal replaced (names, reasons, birth years, dates, groups, account
 * ids): what remains is the shape, statuses, answers, roles, flags and counts.
 */
export function scrubAuditValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(scrubAuditValue);
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (inner === null || typeof inner === "object") return [key, scrubAuditValue(inner)];
        if (typeof inner === "boolean" || (typeof inner === "number" && !PERSONAL_NUMBERS.has(key))) return [key, inner];
        return [key, NEUTRAL_AUDIT_FIELDS.has(key) ? inner : ERASED];
      }),
    );
  }
  return ERASED;
}

function scrubAuditJson(text: string | null): string | null {
  return text === null ? null : JSON.stringify(scrubAuditValue(parseJson(text)));
}

export interface ErasureCounts {
  accounts: number;
  linkRequests: number;
  answerReasons: number;
  pendingAnswers: number;
  attendanceReasons: number;
  notes: number;
  auditEntries: number;
  chatState: number;
  outboxMessages: number;
  inboundUpdates: number;
}

export interface Erasure {
  memberId: string;
  cellId: string;
  /** The name the roster entry keeps in past meetings' figures. */
  placeholder: string;
  counts: ErasureCounts;
}

type MemberWithAccounts = NonNullable<Awaited<ReturnType<typeof loadForErasure>>>;

function loadForErasure(db: Db | Tx, memberId: string) {
  return db.member.findUnique({ where: { id: memberId }, include: { identities: { include: { managedCells: true } } } });
}

function assertErasable(member: MemberWithAccounts | null): asserts member is MemberWithAccounts {
  if (!member) throw new DomainError("members.not_found");
  if (isErased(member)) throw new DomainError("member_data.already_erased");
  if (member.identities.some((identity) => identity.managedCells.length > 0)) {
    throw new DomainError("member_data.erase_manager", { name: member.fullName });
  }
}

/** The roster imports of the member's cell that list the member's name among those added. */
async function importsNaming(db: Db | Tx, member: MemberWithAccounts) {
  const entries = await db.auditLog.findMany({ where: { cellId: member.cellId, entity: "roster", action: "import" } });
  return entries.flatMap((entry) => {
    const after = parseJson(entry.after) as Record<string, unknown> | null;
    const added = after?.added;
    return after && Array.isArray(added) && added.includes(member.fullName) ? [{ id: entry.id, after, added }] : [];
  });
}

/** Keys of the chat state kept for an account: its searches and chosen cell, its conversations and reply prompts. */
function chatStateWhere(member: MemberWithAccounts) {
  return {
    OR: member.identities.flatMap((identity) => [
      { key: { endsWith: `:${identity.id}` } },
      { key: { startsWith: `conversation:${identity.platformUserId}:` } },
      { key: { startsWith: "conversation:", endsWith: `:${identity.platformUserId}` } },
      { key: { startsWith: `prompt:${identity.platformUserId}:` } },
      { key: { startsWith: `zalo:chat:${identity.platformUserId}:` } },
      { key: { startsWith: `zalo:menu:${identity.platformUserId}:` } },
    ]),
  };
}

/** Messages to and from the person's private chat: queued or sent (not one being sent), and handled updates. */
function privateChatWhere(member: MemberWithAccounts) {
  return {
    outbox: {
      OR: member.identities.map((identity) => ({ platform: identity.platform, chatId: identity.platformUserId })),
      status: { in: ["pending", "sent", "failed"] },
    },
    inbound: {
      chatKey: { in: member.identities.map((identity) => `${identity.platform}:${identity.platformUserId}`) },
      status: { in: ["done", "failed"] },
    },
  };
}

/** What an erasure would remove, without changing anything (the CLI's preview). */
export async function planErasure(db: Db, memberId: string): Promise<Erasure> {
  const member = await loadForErasure(db, memberId);
  assertErasable(member);
  const identityIds = member.identities.map((identity) => identity.id);
  const chats = privateChatWhere(member);
  const any = identityIds.length > 0;
  const [linkRequests, answerReasons, pendingAnswers, attendanceReasons, notes, about, by, imports, chatState, outbox, inbound] =
    await Promise.all([
      db.linkRequest.count({ where: { OR: [{ memberId }, { identityId: { in: identityIds } }] } }),
      db.rsvp.count({ where: { memberId, reason: { not: null } } }),
      any ? db.rsvp.count({ where: { memberId: null, identityId: { in: identityIds } } }) : 0,
      db.attendance.count({ where: { memberId, reason: { not: null } } }),
      db.meetingNote.count({ where: { speaker: member.fullName, meeting: { cellId: member.cellId } } }),
      db.auditLog.count({ where: auditAbout(memberId) }),
      any ? db.auditLog.count({ where: { actorId: { in: identityIds }, NOT: auditAbout(memberId) } }) : 0,
      importsNaming(db, member),
      any ? db.storageEntry.count({ where: chatStateWhere(member) }) : 0,
      any ? db.outboxMessage.count({ where: chats.outbox }) : 0,
      any ? db.inboundUpdate.count({ where: chats.inbound }) : 0,
    ]);
  return {
    memberId,
    cellId: member.cellId,
    placeholder: erasedName(memberId),
    counts: {
      accounts: identityIds.length,
      linkRequests,
      answerReasons,
      pendingAnswers,
      attendanceReasons,
      notes,
      auditEntries: about + by + imports.length,
      chatState,
      outboxMessages: outbox,
      inboundUpdates: inbound,
    },
  };
}

/**
 * Erases a member's personal data for good. The roster entry stays as "Đảng viên đã xóa #…" (status kept, every
 * personal field emptied, membership "removed"), so past meetings keep their answer and attendance counts; linked
 * accounts, link requests, answer and absence reasons, and the accounts' chat state are deleted; audit entries keep
 * their action and time but lose names, reasons and birth years; one "member_erased" entry records the erasure.
 * Refused for a member whose account manages a cell: unlink the account first (it stays, as the manager's).
 */
export async function eraseMember(db: Db, actor: Actor, memberId: string): Promise<Erasure> {
  return db.$transaction(
    async (tx) => {
      const member = await loadForErasure(tx, memberId);
      assertErasable(member);
      const placeholder = erasedName(memberId);
      const identityIds = member.identities.map((identity) => identity.id);
      const any = identityIds.length > 0;
      const counts: ErasureCounts = {
        accounts: identityIds.length,
        linkRequests: 0,
        answerReasons: 0,
        pendingAnswers: 0,
        attendanceReasons: 0,
        notes: 0,
        auditEntries: 0,
        chatState: 0,
        outboxMessages: 0,
        inboundUpdates: 0,
      };

      // the audit trail: entries by them lose who they were; entries about them lose their details
      if (any) {
        counts.auditEntries += await tx.auditLog.count({ where: { actorId: { in: identityIds }, NOT: auditAbout(memberId) } });
        await tx.auditLog.updateMany({
          where: { actorId: { in: identityIds } },
          data: { actorId: null, actorLabel: `erased:${shortId(memberId)}` },
        });
      }
      const about = await tx.auditLog.findMany({ where: auditAbout(memberId) });
      for (const entry of about) {
        await tx.auditLog.update({
          where: { id: entry.id },
          data: { before: scrubAuditJson(entry.before), after: scrubAuditJson(entry.after) },
        });
      }
      counts.auditEntries += about.length;
      for (const entry of await importsNaming(tx, member)) {
        const added = entry.added.map((name) => (name === member.fullName ? placeholder : name));
        await tx.auditLog.update({ where: { id: entry.id }, data: { after: JSON.stringify({ ...entry.after, added }) } });
        counts.auditEntries++;
      }

      // answers and attendance stay (past reports), without what the person wrote
      counts.answerReasons = (
        await tx.rsvp.updateMany({ where: { memberId, reason: { not: null } }, data: { reason: null } })
      ).count;
      await tx.rsvp.updateMany({ where: { memberId, identityId: { not: null } }, data: { identityId: null } });
      counts.attendanceReasons = (
        await tx.attendance.updateMany({ where: { memberId, reason: { not: null } }, data: { reason: null } })
      ).count;
      counts.notes = (
        await tx.meetingNote.updateMany({
          where: { speaker: member.fullName, meeting: { cellId: member.cellId } },
          data: { speaker: placeholder },
        })
      ).count;

      counts.linkRequests = (
        await tx.linkRequest.deleteMany({ where: { OR: [{ memberId }, { identityId: { in: identityIds } }] } })
      ).count;
      if (any) {
        const chats = privateChatWhere(member);
        counts.pendingAnswers = (await tx.rsvp.deleteMany({ where: { memberId: null, identityId: { in: identityIds } } })).count;
        counts.chatState = (await tx.storageEntry.deleteMany({ where: chatStateWhere(member) })).count;
        counts.outboxMessages = (await tx.outboxMessage.deleteMany({ where: chats.outbox })).count;
        counts.inboundUpdates = (await tx.inboundUpdate.deleteMany({ where: chats.inbound })).count;
        await tx.platformIdentity.deleteMany({ where: { id: { in: identityIds } } });
      }

      await tx.member.update({
        where: { id: memberId },
        data: {
          fullName: placeholder,
          nameKey: `${ERASED_NAME_KEY}${memberId}`,
          searchKey: searchKey(placeholder),
          birthYear: null,
          gender: null,
          exemptSince: null,
          group: null,
          role: "member",
          membership: "removed",
        },
      });
      await recordAudit(tx, actor, {
        cellId: member.cellId,
        entity: "member",
        entityId: memberId,
        action: "member_erased",
        after: { status: member.status, membership: "removed", counts },
      });
      return { memberId, cellId: member.cellId, placeholder, counts };
    },
    { timeout: 60_000 },
  );
}
