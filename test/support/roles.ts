import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { localesDir } from "../../src/i18n.js";
import { announceMeeting, importRoster, last, openPrivateChat, setUpCell } from "./builders.js";
import type { FakeChat, FakeUser, RecordedMessage } from "./fake-telegram/index.js";
import { startHarness, type Harness, type HarnessOptions } from "./harness.js";

/**
 * Everyone the bot may meet, from the point of view of one cell (cell A):
 *  - operator: listed in ADMIN_TELEGRAM_IDS, on no roster;
 *  - committee: the committee staff, an admin of the committee's group, on no roster;
 *  - secretary: set cell A up in its group (a CellManager row, creator of the group), linked to the roster's Bí thư;
 *  - deputy: linked to the roster's Phó Bí thư (the roster role is what makes a deputy), a plain group member;
 *  - member: linked to an ordinary member of cell A;
 *  - outsider: linked to a member of another cell (B), yet sitting in cell A's group;
 *  - stranger: in cell A's group, linked to nobody.
 */
export const ROLES = ["operator", "committee", "secretary", "deputy", "member", "outsider", "stranger"] as const;
export type Role = (typeof ROLES)[number];

/** The secretary and deputy of cell A manage it. */
export const managesCell = (role: Role) => role === "secretary" || role === "deputy";
/** On cell A's roster, with a linked account. */
export const onRoster = (role: Role) => managesCell(role) || role === "member";
/** Linked to some roster entry (of cell A, or of cell B for the outsider). */
export const isLinked = (role: Role) => onRoster(role) || role === "outsider";
/** May act for the committee's chat: its admins, and operators. */
export const actsForCommittee = (role: Role) => role === "committee" || role === "operator";

/** Links a chat account to a roster entry directly, as an approved /iam or a secretary's /link would. */
export async function linkAccount(h: Harness, user: FakeUser, memberId: string) {
  await h.db.platformIdentity.upsert({
    where: { platform_platformUserId: { platform: "telegram", platformUserId: String(user.id) } },
    create: { platform: "telegram", platformUserId: String(user.id), displayName: user.first_name, memberId },
    update: { memberId },
  });
}

export async function identityOf(h: Harness, user: FakeUser) {
  return h.db.platformIdentity.findUniqueOrThrow({
    where: { platform_platformUserId: { platform: "telegram", platformUserId: String(user.id) } },
  });
}

export async function rosterEntry(h: Harness, cellId: string, fullName: string) {
  return h.db.member.findFirstOrThrow({ where: { cellId, fullName } });
}

/** The codes of 8 characters a message shows (invite codes, chat codes). */
export function codesIn(text: string): string[] {
  return [...text.matchAll(/\b[A-HJ-NP-Z2-9]{8}\b/g)].map((m) => m[0]);
}

/**
 * The world of the authorization tests, built once: a committee with its group; cell A (cell-14.csv, joined to the
 * committee with its invite code) with a meeting announced and check-in open; cell B (cell-13.csv) with its own
 * meeting and check-in; and one user per role, each in cell A's group and the committee's group, each having
 * opened the private chat with the bot.
 */
export async function authorizationWorld(options: HarnessOptions = {}) {
  const h = await startHarness(options);
  const committeeStaff = h.fake.user({ first_name: "Cán bộ", last_name: "Đảng ủy", username: "danguy" });
  const committeeGroup = h.fake.createGroup({
    title: "Đảng ủy phường Thử Nghiệm",
    creator: committeeStaff,
    members: [h.operator],
  });
  await h.fake.sendText(h.operator, committeeGroup, "/committee Đảng bộ phường Thử Nghiệm");
  const [inviteCode] = codesIn(last(h, committeeGroup).text);
  expect(inviteCode, "the committee should hand out a first invite code").toBeDefined();
  const committee = await h.db.committee.findFirstOrThrow();

  const a = await setUpCell(h, { title: "Chi bộ A", code: inviteCode! });
  await openPrivateChat(h, a.secretary);
  await importRoster(h, a.secretary, "cell-14.csv");
  const meetingA = await announceMeeting(h, a.secretary);

  const b = await setUpCell(h, { title: "Chi bộ B" });
  await openPrivateChat(h, b.secretary);
  await importRoster(h, b.secretary, "cell-13.csv");
  const meetingB = await announceMeeting(h, b.secretary, "19h ngày 8/12", "Hội trường khối B");

  const users: Record<Role, FakeUser> = {
    operator: h.operator,
    committee: committeeStaff,
    secretary: a.secretary,
    deputy: h.fake.user({ first_name: "Trung", last_name: "Phó" }),
    member: h.fake.user({ first_name: "Oanh", last_name: "Đảng viên" }),
    outsider: h.fake.user({ first_name: "Ngân", last_name: "Chi bộ B" }),
    stranger: h.fake.user({ first_name: "Người", last_name: "Lạ" }),
  };
  for (const role of ROLES) {
    if (role !== "secretary") await h.fake.addUserToGroup(a.group, users[role]);
    if (role !== "committee" && role !== "operator") await h.fake.addUserToGroup(committeeGroup, users[role]);
    if (role !== "secretary") await openPrivateChat(h, users[role]);
  }
  const secretaryEntry = await rosterEntry(h, a.cell.id, "Chu Thúy Hà");
  const deputyEntry = await rosterEntry(h, a.cell.id, "Đinh Xuân Trung");
  const memberEntry = await rosterEntry(h, a.cell.id, "Hứa Kim Oanh");
  const outsiderEntry = await rosterEntry(h, b.cell.id, "Phạm Hồng Ngân");
  expect([secretaryEntry.role, deputyEntry.role, memberEntry.role]).toEqual(["secretary", "deputy", "member"]);
  await linkAccount(h, users.secretary, secretaryEntry.id);
  await linkAccount(h, users.deputy, deputyEntry.id);
  await linkAccount(h, users.member, memberEntry.id);
  await linkAccount(h, users.outsider, outsiderEntry.id);

  // check-in open in both cells, with different codes
  await h.fake.sendText(a.secretary, "private", `/checkin ${meetingA.code}`);
  await h.fake.sendText(b.secretary, "private", `/checkin ${meetingB.code}`);
  let opened = await h.db.meeting.findMany({ where: { id: { in: [meetingA.id, meetingB.id] } } });
  if (opened[0]?.checkinCode === opened[1]?.checkinCode) {
    const other = opened[0]!.checkinCode === "1234" ? "4321" : "1234";
    await h.db.meeting.update({ where: { id: meetingB.id }, data: { checkinCode: other } });
    opened = await h.db.meeting.findMany({ where: { id: { in: [meetingA.id, meetingB.id] } } });
  }
  const checkinCodeOf = (id: string) => opened.find((m) => m.id === id)!.checkinCode!;
  const checkinNoticeA = h.fake.messages(a.group).findLast((m) => m.text.includes(meetingA.code) && m.buttons.length > 0);
  expect(checkinNoticeA, "check-in should be announced in cell A's group").toBeDefined();

  return {
    h,
    users,
    committee,
    committeeGroup,
    inviteCode: inviteCode!,
    cellA: { ...a, meeting: meetingA, checkinCode: checkinCodeOf(meetingA.id), checkinNotice: checkinNoticeA! },
    cellB: { ...b, meeting: meetingB, checkinCode: checkinCodeOf(meetingB.id) },
    entries: { secretary: secretaryEntry, deputy: deputyEntry, member: memberEntry, outsider: outsiderEntry },
  };
}
export type AuthorizationWorld = Awaited<ReturnType<typeof authorizationWorld>>;

// ─── What the bot said ───────────────────────────────────────────────────────────────────────────

const viStrings: Record<string, unknown> = JSON.parse(readFileSync(path.join(localesDir(), "vi", "bot.json"), "utf8"));

function viTemplate(key: string): string {
  const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], viStrings);
  if (typeof value !== "string") throw new Error(`no Vietnamese text for ${key}`);
  return value;
}

/**
 * A pattern for the Vietnamese text of a key as users see it: tags dropped (the fake Telegram shows parsed text)
 * and every {{placeholder}} matching anything.
 */
export function viPattern(key: string): RegExp {
  const parts = viTemplate(key)
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .split(/\{\{-?\s*[\w.]+\s*\}\}/);
  return new RegExp(parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*?"));
}

export function saysKey(text: string | undefined, key: string): boolean {
  return viPattern(key).test(text ?? "");
}

/**
 * What the bot sends after an action in one chat: remember the newest message first, then read what came after it
 * (by message id, so later edits of older messages do not count).
 */
export function watchChat(h: Harness, chat: FakeChat | FakeUser) {
  const newest = h.fake.messages(chat).at(-1)?.message_id ?? 0;
  return (): RecordedMessage[] => h.fake.messages(chat).filter((m) => m.message_id > newest);
}

// ─── What the database holds ─────────────────────────────────────────────────────────────────────

/**
 * Every row an action could create, change or delete, in a stable order, for comparing before and after a
 * refused action (prompts and conversations in the key-value store included; accounts only as far as whom they
 * are linked to and their language).
 */
export async function databaseState(h: Harness) {
  const { db } = h;
  const byId = { orderBy: { id: "asc" as const } };
  const queries = {
    committees: db.committee.findMany(byId),
    inviteCodes: db.inviteCode.findMany(byId),
    cells: db.cell.findMany(byId),
    bindings: db.chatBinding.findMany(byId),
    managers: db.cellManager.findMany(byId),
    // an account seen for the first time is recorded, linked to nobody: that is no change
    identities: db.platformIdentity.findMany({
      ...byId,
      where: { OR: [{ memberId: { not: null } }, { locale: { not: null } }] },
      select: { id: true, memberId: true, locale: true },
    }),
    members: db.member.findMany(byId),
    linkRequests: db.linkRequest.findMany(byId),
    meetings: db.meeting.findMany(byId),
    agendaItems: db.agendaItem.findMany(byId),
    rsvps: db.rsvp.findMany(byId),
    attendance: db.attendance.findMany(byId),
    guests: db.guest.findMany(byId),
    notes: db.meetingNote.findMany(byId),
    audit: db.auditLog.count(),
    storage: db.storageEntry.findMany({ orderBy: { key: "asc" }, select: { key: true, value: true } }),
  };
  const rows = await Promise.all(Object.entries(queries).map(async ([table, query]) => [table, await query] as const));
  return Object.fromEntries(rows) as { [Table in keyof typeof queries]: Awaited<(typeof queries)[Table]> };
}
