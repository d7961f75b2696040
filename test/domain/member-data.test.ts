import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import type { Actor } from "../../src/domain/audit.js";
import { createCell } from "../../src/domain/cells.js";
import type { DomainError } from "../../src/domain/errors.js";
import { claimMember, decideClaim, linkIdentity, touchIdentity, unlinkMember } from "../../src/domain/identities.js";
import { addNote, markAttendance } from "../../src/domain/meeting-day.js";
import { answerByProxy, answerForSelf, publishMeeting } from "../../src/domain/meeting-service.js";
import { ERASED, eraseMember, exportJson, exportMemberData, planErasure, scrubAuditValue } from "../../src/domain/member-data.js";
import { addMember, applyRosterImport, updateMember } from "../../src/domain/members.js";
import { parseRosterLines } from "../../src/domain/roster-import.js";
import { freshDatabaseEach } from "../support/fresh-database.js";

// One member's data on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL), built through the same
// domain functions the bot calls: exported whole, then erased without a trace of the person but with the figures.

const NOW = new Date("2026-11-25T03:00:00Z");
const NAME = "Nguyễn Xuân Bình";
const REASON = "đi công tác Hải Phòng với đoàn kiểm tra";
const ABSENCE = "sốt xuất huyết, có giấy bệnh viện";
const OTHER_REASON = "chăm mẹ ốm ở quê";
const NOTE = "Đề nghị chi bộ vận động bà con làm sạch kênh";

let db: Db;
freshDatabaseEach((opened) => (db = opened.db));

/** A cell whose member Bình linked his account, answered, was marked, spoke, and acted once as a deputy would. */
async function world() {
  const secretaryAccount = await touchIdentity(db, {
    platform: "telegram",
    platformUserId: "700001",
    displayName: "Hứa Minh Đạt",
    username: "bithu",
    inPrivateChat: true,
  });
  const secretary: Actor = { identityId: secretaryAccount.id, label: "telegram:700001" };
  const cell = await createCell(db, secretary, {
    name: "Chi bộ khối 7",
    type: "residential",
    platform: "telegram",
    chatId: "-1001234",
    chatTitle: "Chi bộ khối 7",
    secretaryIdentityId: secretaryAccount.id,
    timeZone: "Asia/Ho_Chi_Minh",
    locale: "vi",
  });
  const roster = parseRosterLines(
    `${NAME}, 1994, Nam, Chính thức, , Đảng viên, Tổ 2\nChu Thúy Hà, 1989, Nữ, Chính thức, , Đảng viên, Tổ 1`,
  );
  await applyRosterImport(db, secretary, cell.id, roster.rows);
  const binh = await db.member.findFirstOrThrow({ where: { fullName: NAME } });
  const ha = await db.member.findFirstOrThrow({ where: { fullName: "Chu Thúy Hà" } });
  await updateMember(db, secretary, cell.id, binh.id, { group: "Tổ 3" });

  const account = await touchIdentity(db, {
    platform: "telegram",
    platformUserId: "700042",
    displayName: "Bình Nguyễn",
    username: "binh_nx",
    inPrivateChat: true,
  });
  const { request } = await claimMember(db, account.id, binh.id);
  await decideClaim(db, secretary, request.id, true);
  const linked = await db.platformIdentity.findUniqueOrThrow({ where: { id: account.id } });

  const meeting = await publishMeeting(
    db,
    secretary,
    cell,
    {
      type: "regular",
      period: "2026-12",
      topic: null,
      startsAtLocal: "2026-12-05T19:30",
      durationMinutes: 90,
      place: "Nhà văn hóa khối 7",
      agenda: [{ title: "Khai mạc", presenter: null }],
      chair: binh.id,
      minuteTaker: null,
      guests: [],
      rsvpDeadlineLocal: null,
    },
    NOW,
  );
  await answerForSelf(db, meeting, linked, { answer: "absent", reason: REASON, now: NOW });
  await answerByProxy(db, secretary, meeting, ha.id, { answer: "absent", reason: OTHER_REASON, now: NOW });
  await markAttendance(db, secretary, meeting, binh.id, "excused", ABSENCE, NOW);
  await markAttendance(db, secretary, meeting, ha.id, "excused", OTHER_REASON, NOW);
  await addNote(db, meeting, NAME, NOTE);
  await updateMember(db, { identityId: account.id, label: "telegram:700042" }, cell.id, ha.id, { role: "group_leader" });

  // what the bot keeps for his account and his private chat, beside the secretary's
  await db.storageEntry.createMany({
    data: [
      { key: `active-cell:${account.id}`, value: JSON.stringify(cell.id) },
      { key: `member-query:${account.id}`, value: JSON.stringify("binh") },
      { key: "prompt:700042:15", value: JSON.stringify({ kind: "rsvp-reason", identityId: account.id, data: {} }) },
      { key: "conversation:700042:700042", value: "{}" },
      { key: "conversation:-1001234:700042", value: "{}" },
      { key: "prompt:700001:9", value: JSON.stringify({ kind: "member-group", identityId: secretaryAccount.id, data: {} }) },
    ],
  });
  await db.outboxMessage.createMany({
    data: [
      {
        dedupeKey: "remind-3d-private:a:b",
        platform: "telegram",
        chatId: "700042",
        payload: JSON.stringify({ text: NAME }),
        status: "sent",
      },
      { dedupeKey: "remind-3d:a:group", platform: "telegram", chatId: "-1001234", payload: "{}", status: "sent" },
    ],
  });
  await db.inboundUpdate.create({
    data: {
      platform: "telegram",
      updateId: "100000042",
      chatKey: "telegram:700042",
      payload: JSON.stringify({ message: { text: REASON, from: { first_name: "Bình" } } }),
      status: "done",
      availableAt: 0,
    },
  });
  return { secretary, secretaryAccount, cell, binh, ha, account, meeting };
}

/** Every row of every table, as one text. */
async function everything(): Promise<string> {
  const tables = await Promise.all([
    db.committee.findMany(),
    db.inviteCode.findMany(),
    db.cell.findMany(),
    db.chatBinding.findMany(),
    db.platformIdentity.findMany(),
    db.cellManager.findMany(),
    db.member.findMany(),
    db.linkRequest.findMany(),
    db.meeting.findMany(),
    db.agendaItem.findMany(),
    db.rsvp.findMany(),
    db.attendance.findMany(),
    db.guest.findMany(),
    db.meetingNote.findMany(),
    db.meetingPost.findMany(),
    db.outboxMessage.findMany(),
    db.jobRun.findMany(),
    db.auditLog.findMany(),
    db.storageEntry.findMany(),
    db.inboundUpdate.findMany(),
  ]);
  return JSON.stringify(tables);
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "done",
    (error: unknown) => (error as DomainError).key,
  );

describe("exporting one member's data", () => {
  it("holds the roster entry, accounts, link requests, answers with reasons, attendance and the audit about them", async () => {
    const { secretary, binh, meeting } = await world();
    const data = await exportMemberData(db, secretary, binh.id, { about: "Everything about one member.", now: NOW });
    expect(data).toMatchObject({
      about: "Everything about one member.",
      format: "chibo-member-data/1",
      exportedAt: NOW.toISOString(),
      cell: { name: "Chi bộ khối 7" },
      member: { id: binh.id, fullName: NAME, birthYear: 1994, gender: "male", status: "official", group: "Tổ 3", erased: false },
    });
    expect(data.accounts).toMatchObject([
      { platform: "telegram", platformUserId: "700042", displayName: "Bình Nguyễn", username: "binh_nx" },
    ]);
    expect(data.linkRequests).toMatchObject([{ status: "approved" }]);
    expect(data.answers).toMatchObject([{ meeting: { code: meeting.code }, answer: "absent", reason: REASON, byProxy: false }]);
    expect(data.attendance).toMatchObject([{ meeting: { code: meeting.code }, status: "excused", reason: ABSENCE }]);
    expect(data.meetingRoles).toMatchObject([{ meeting: { code: meeting.code }, roles: ["chair"] }]);
    expect(data.notes).toMatchObject([{ speaker: NAME, text: NOTE }]);
    expect(data.auditAboutMember.map((entry) => entry.action).sort()).toEqual(["link_account", "mark_attendance", "update"]);
    expect(data.auditAboutMember.find((entry) => entry.action === "update")).toMatchObject({
      by: "telegram:700001",
      before: { group: "Tổ 2" },
      after: { group: "Tổ 3" },
    });
    // what he did himself is listed by kind, not with the details about the other member
    expect(data.actionsByMember).toMatchObject([{ entity: "member", action: "update" }]);

    const json = exportJson(data);
    expect(json.startsWith('{\n  "about": "Everything about one member.",\n')).toBe(true);
    expect(json).toContain(`"fullName": "${NAME}"`); // UTF-8 as written, not \u escapes
    expect(json.endsWith("}\n")).toBe(true);
    for (const other of ["Chu Thúy Hà", OTHER_REASON, "group_leader"]) expect(json).not.toContain(other);
    expect(await db.auditLog.count({ where: { entityId: binh.id, action: "export_data", actorId: secretary.identityId } })).toBe(
      1,
    );
  });

  it("refuses a member who does not exist", async () => {
    await world();
    expect(await refusal(exportMemberData(db, { identityId: null, label: "cli" }, "nobody", { about: "" }))).toBe(
      "members.not_found",
    );
  });
});

describe("erasing one member's data", () => {
  it("leaves no trace of the person anywhere in the database, and keeps the figures of past meetings", async () => {
    const { secretary, secretaryAccount, cell, binh, ha, meeting } = await world();
    const figures = async () => ({
      answers: await db.rsvp.groupBy({ by: ["meetingId", "answer"], _count: true, orderBy: { answer: "asc" } }),
      attendance: await db.attendance.groupBy({ by: ["meetingId", "status"], _count: true, orderBy: { status: "asc" } }),
    });
    const before = await figures();
    const auditBefore = await db.auditLog.findMany({
      select: { id: true, action: true, at: true, entity: true },
      orderBy: { id: "asc" },
    });
    expect(await everything()).toContain(NAME);

    const plan = await planErasure(db, binh.id);
    const erased = await eraseMember(db, secretary, binh.id);
    expect(erased.counts).toEqual(plan.counts);
    expect(erased.counts).toMatchObject({
      accounts: 1,
      linkRequests: 1,
      answerReasons: 1,
      pendingAnswers: 0,
      attendanceReasons: 1,
      notes: 1,
      chatState: 5,
      outboxMessages: 1,
      inboundUpdates: 1,
    });
    const placeholder = `Đảng viên đã xóa #${binh.id.slice(-6)}`;
    expect(erased.placeholder).toBe(placeholder);

    // nothing that names or identifies him is left: name, account, username, Telegram id, reasons, birth year, group
    const dump = await everything();
    for (const trace of [NAME, "Bình Nguyễn", "binh_nx", "700042", REASON, ABSENCE, '"birthYear":1994', "Tổ 3"]) {
      expect(dump, trace).not.toContain(trace);
    }
    expect(await db.member.findUniqueOrThrow({ where: { id: binh.id } })).toMatchObject({
      fullName: placeholder,
      birthYear: null,
      gender: null,
      group: null,
      exemptSince: null,
      status: "official",
      membership: "removed",
    });

    // the figures past reports read are the same; the other member's data is untouched
    expect(await figures()).toEqual(before);
    expect(await db.rsvp.findFirstOrThrow({ where: { memberId: binh.id } })).toMatchObject({ answer: "absent", reason: null });
    expect(await db.attendance.findFirstOrThrow({ where: { memberId: binh.id } })).toMatchObject({
      status: "excused",
      reason: null,
    });
    expect(await db.rsvp.findFirstOrThrow({ where: { memberId: ha.id } })).toMatchObject({ reason: OTHER_REASON });
    expect(await db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).toMatchObject({ chairMemberId: binh.id });
    expect(await db.meetingNote.findFirstOrThrow()).toMatchObject({ speaker: placeholder, text: NOTE });
    expect(await db.cellManager.count({ where: { cellId: cell.id, identityId: secretaryAccount.id } })).toBe(1);
    expect((await db.storageEntry.findMany()).map((entry) => entry.key)).toEqual(["prompt:700001:9"]);
    expect(await db.outboxMessage.findMany()).toMatchObject([{ chatId: "-1001234" }]);

    // the audit log keeps every entry with its action and time, and says who erased, without personal details
    const auditAfter = await db.auditLog.findMany({
      select: { id: true, action: true, at: true, entity: true },
      orderBy: { id: "asc" },
    });
    expect(auditAfter.filter((entry) => entry.action !== "member_erased")).toEqual(auditBefore);
    const update = await db.auditLog.findFirstOrThrow({ where: { entityId: binh.id, action: "update" } });
    expect(JSON.parse(update.before!)).toEqual({ group: ERASED });
    const byHim = await db.auditLog.findFirstOrThrow({ where: { entityId: ha.id, action: "update" } });
    expect(byHim).toMatchObject({ actorId: null, actorLabel: `erased:${binh.id.slice(-6)}` });
    expect(JSON.parse(byHim.after!)).toEqual({ role: "group_leader" });
    const rollcall = await db.auditLog.findFirstOrThrow({ where: { entityId: `${meeting.id}:${binh.id}` } });
    expect(JSON.parse(rollcall.after!)).toEqual({ status: "excused", reason: ERASED });
    const rosterImport = await db.auditLog.findFirstOrThrow({ where: { entity: "roster", action: "import" } });
    expect(JSON.parse(rosterImport.after!).added).toEqual([placeholder, "Chu Thúy Hà"]);
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: "member_erased" } });
    expect(entry).toMatchObject({ entity: "member", entityId: binh.id, cellId: cell.id, actorId: secretary.identityId });
    expect(JSON.parse(entry.after!)).toMatchObject({ status: "official", membership: "removed", counts: erased.counts });

    // what remains can still be exported, and says it was erased
    const data = await exportMemberData(db, secretary, binh.id, { about: "" });
    expect(data.member).toMatchObject({ fullName: placeholder, erased: true });
    expect(data.accounts).toEqual([]);
  });

  it("is done once; the name can join the cell again as a new entry, and the placeholder cannot be claimed", async () => {
    const { secretary, cell, binh } = await world();
    await eraseMember(db, secretary, binh.id);
    expect(await refusal(eraseMember(db, secretary, binh.id))).toBe("member_data.already_erased");
    expect(await refusal(planErasure(db, binh.id))).toBe("member_data.already_erased");
    expect(await refusal(eraseMember(db, secretary, "nobody"))).toBe("members.not_found");

    const again = await addMember(db, secretary, cell.id, {
      fullName: NAME,
      birthYear: 1994,
      gender: "male",
      status: "official",
      exempt: false,
      exemptSince: null,
      role: "member",
      group: null,
    });
    expect(again.id).not.toBe(binh.id);
    const stranger = await touchIdentity(db, {
      platform: "telegram",
      platformUserId: "700099",
      displayName: "Ai đó",
      username: null,
      inPrivateChat: true,
    });
    expect(await refusal(claimMember(db, stranger.id, binh.id))).toBe("link.member_removed");
  });

  it("refuses a member whose account manages a cell, until the account is unlinked (it stays the manager's)", async () => {
    const { secretary, secretaryAccount, cell, ha } = await world();
    await linkIdentity(db, secretary, secretaryAccount.id, ha.id);
    expect(await refusal(eraseMember(db, secretary, ha.id))).toBe("member_data.erase_manager");
    expect(await db.member.findUniqueOrThrow({ where: { id: ha.id } })).toMatchObject({ fullName: "Chu Thúy Hà" });

    await unlinkMember(db, secretary, ha.id);
    const erased = await eraseMember(db, secretary, ha.id);
    expect(erased.counts.accounts).toBe(0);
    expect(await db.cellManager.count({ where: { cellId: cell.id, identityId: secretaryAccount.id } })).toBe(1);
  });
});

describe("an audit value without personal details", () => {
  it("keeps statuses, answers, roles, flags and counts; erases names, reasons, dates, groups, birth years and ids", () => {
    expect(
      scrubAuditValue({
        fullName: NAME,
        birthYear: 1994,
        gender: "male",
        status: "official",
        membership: "exempt",
        exemptSince: "2026-03-01",
        role: "deputy",
        group: "Tổ 3",
        answer: "absent",
        reason: REASON,
        byProxy: true,
        counts: { accounts: 2 },
        accounts: [{ platform: "telegram", identityId: "c123" }],
        nothing: null,
      }),
    ).toEqual({
      fullName: ERASED,
      birthYear: ERASED,
      gender: ERASED,
      status: "official",
      membership: "exempt",
      exemptSince: ERASED,
      role: "deputy",
      group: ERASED,
      answer: "absent",
      reason: ERASED,
      byProxy: true,
      counts: { accounts: 2 },
      accounts: [{ platform: "telegram", identityId: ERASED }],
      nothing: null,
    });
    expect(scrubAuditValue(NAME)).toBe(ERASED);
    expect(scrubAuditValue(null)).toBeNull();
  });
});
