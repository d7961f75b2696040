import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, last, linkedMembers, meetingWorld, setUpCell } from "../../support/builders.js";
import type { Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser, RecordedMessage } from "../../support/fake-telegram/index.js";

const NOW = new Date("2026-11-25T03:00:00Z");

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
let cellId: string;
let announcement: RecordedMessage;
let meeting: { id: string; code: string };

beforeEach(async () => {
  ({ h, secretary, group, cellId, meeting, announcement } = await meetingWorld({ now: () => NOW }));
});
afterEach(async () => h.stop());

const press = (user: FakeUser, data: string) => h.fake.pressButton(user, group, announcement.message_id, byData(data));
/** Absent with one of the common reasons, tapped on the question the bot asks (privately or in the group). */
async function absentWith(member: FakeUser, reason: string, inPrivate: boolean) {
  await press(member, `rsvp:n:${meeting.code}`);
  const question = await reasonQuestion(inPrivate ? member : group);
  await h.fake.pressButton(
    member,
    inPrivate ? "private" : group,
    question.message_id,
    byData(`rsvp:r:${meeting.code}:${reason}`),
  );
}
/**
 * The bot's latest question about absence reasons in a chat, once it is ready to take a typed answer (group
 * questions are batched, so they may lag a tap; the reply prompt is stored just after the message is sent).
 */
async function reasonQuestion(where: FakeChat | FakeUser) {
  const question = await h.fake.waitFor(
    () =>
      h.fake
        .messages(where)
        .filter((m) => m.text.includes("ý do vắng"))
        .at(-1),
    8000,
  );
  const key = `prompt:${question.chat_id}:${question.message_id}`;
  for (let i = 0; i < 400 && !(await h.db.storageEntry.findUnique({ where: { key } })); i++)
    await new Promise((r) => setTimeout(r, 20));
  return question;
}
const answersIn = async () => h.db.rsvp.findMany({ where: { meetingId: meeting.id }, include: { member: true } });
const tallyShows = (text: string) =>
  h.fake.waitFor(
    () =>
      h.fake
        .messages(group)
        .find((m) => m.message_id === announcement.message_id)
        ?.text.includes(text),
    8000,
  );

describe("answering the announcement", () => {
  it("records one tap to attend, confirms it briefly and updates the tally in place", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    const tapped = await press(member!, `rsvp:y:${meeting.code}`);
    expect(tapped.answer?.text).toMatch(/^✅ Đã ghi: .+ sẽ dự\.$/);
    expect(await tallyShows("✅ 1 sẽ dự")).toBe(true);
    const [answer] = await answersIn();
    expect(answer).toMatchObject({ answer: "attend", byProxy: false, reason: null });
  });

  it("asks an absent member for the reason privately and takes a one-tap reason", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await press(member!, `rsvp:n:${meeting.code}`);
    const question = last(h, member!);
    expect(question.text).toContain(`Lý do vắng buổi họp ${meeting.code}`);
    await h.fake.pressButton(member!, "private", question.message_id, byData(`rsvp:r:${meeting.code}:sick`));
    expect((await answersIn())[0]).toMatchObject({ answer: "absent", reason: "Ốm" });
    expect(await tallyShows("❌ 1 vắng có lý do")).toBe(true);
  });

  it("asks in the group when the member has no private chat, and takes a typed reason", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    await press(member!, `rsvp:n:${meeting.code}`);
    const question = await reasonQuestion(group);
    expect(question.text).toContain(`lý do vắng buổi họp ${meeting.code}`);
    await h.fake.sendText(member!, group, "đi <công tác> & họp", { replyTo: question.message_id });
    expect((await answersIn())[0]).toMatchObject({ answer: "absent", reason: "đi <công tác> & họp" });
    expect(last(h, group).text).toContain("vắng (đi <công tác> & họp)");
  });

  it("understands answers typed as replies, and asks once when it cannot place one", async () => {
    const [first, second, third] = await linkedMembers(h, group, cellId, 3);
    await h.fake.sendText(first!, group, "em dự", { replyTo: announcement.message_id });
    await h.fake.sendText(second!, group, "xin phép vắng vì ốm", { replyTo: announcement.message_id });
    await h.fake.sendText(third!, group, "mấy giờ họp vậy?", { replyTo: announcement.message_id });
    expect(last(h, group).text).toContain("sẽ dự hay vắng");
    const answers = await answersIn();
    expect(answers.map((a) => [a.answer, a.reason]).sort()).toEqual([
      ["absent", "ốm"],
      ["attend", null],
    ]);
  });

  it("keeps an unlinked account's answer and counts it once the account is linked", async () => {
    const stranger = h.fake.user({ first_name: "Bình" });
    await h.fake.addUserToGroup(group, stranger);
    const tapped = await press(stranger, `rsvp:y:${meeting.code}`);
    expect(tapped.answer?.text).toContain("chưa liên kết");
    expect((await answersIn())[0]).toMatchObject({ memberId: null, answer: "attend" });
    const said = await h.fake.sendText(stranger, group, "/me");
    await h.fake.sendText(secretary, group, "/link Nguyễn Xuân Bình", { replyTo: said.message!.message_id });
    await h.fake.pressButton(secretary, group, last(h, group).message_id, (b) => b.callback_data?.startsWith("lk:d:") ?? false);
    const [answer] = await answersIn();
    expect(answer?.member?.fullName).toBe("Nguyễn Xuân Bình");
  });

  it("lets members change their answer until the deadline, then only the secretary", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    await press(member!, `rsvp:y:${meeting.code}`);
    await absentWith(member!, "work", false);
    expect((await answersIn())[0]).toMatchObject({ answer: "absent", reason: "Công tác" });
    await h.db.meeting.update({ where: { id: meeting.id }, data: { rsvpDeadline: new Date(NOW.getTime() - 1000) } });
    const late = await press(member!, `rsvp:y:${meeting.code}`);
    expect(late.answer?.text).toContain("quá hạn");
    expect((await answersIn())[0]?.answer).toBe("absent");
  });

  it("refuses taps on a cancelled meeting and from members of another cell", async () => {
    const other = await setUpCell(h, { title: "Chi bộ khác" });
    const outsider = h.fake.user();
    await h.fake.addUserToGroup(group, outsider);
    const otherMember = await h.db.member.create({
      data: {
        cellId: other.cell.id,
        fullName: "Người Ngoài",
        nameKey: "người ngoài",
        searchKey: "nguoi ngoai",
        status: "official",
      },
    });
    await h.db.platformIdentity.update({
      where: { platform_platformUserId: { platform: "telegram", platformUserId: String(outsider.id) } },
      data: { memberId: otherMember.id },
    });
    expect((await press(outsider, `rsvp:y:${meeting.code}`)).answer?.text).toContain("không có trong danh sách");
    await h.db.meeting.update({ where: { id: meeting.id }, data: { status: "cancelled" } });
    const [member] = await linkedMembers(h, group, cellId, 1);
    expect((await press(member!, `rsvp:y:${meeting.code}`)).answer?.text).toContain("đã bị hủy");
    expect(await answersIn()).toEqual([]);
  });

  it("lets the secretary answer for a member without a phone, audited as a proxy answer", async () => {
    await h.fake.sendText(secretary, "private", `/proxy ${meeting.code} luong kim nhung`);
    const entry = await h.db.member.findFirstOrThrow({ where: { fullName: "Lương Kim Nhung" } });
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(`px:m:${meeting.code}:${entry.id}`));
    await h.fake.pressButton(
      secretary,
      "private",
      last(h, secretary).message_id,
      byData(`px:a:${meeting.code}:${entry.id}:work`),
    );
    expect((await answersIn())[0]).toMatchObject({ memberId: entry.id, answer: "absent", reason: "Công tác", byProxy: true });
    expect(await h.db.auditLog.count({ where: { action: "proxy_answer" } })).toBe(1);
  });

  it("pages the names of who answered what", async () => {
    const members = await linkedMembers(h, group, cellId, 2);
    await press(members[0]!, `rsvp:y:${meeting.code}`);
    await absentWith(members[1]!, "family", false);
    await press(members[0]!, `rsvp:l:${meeting.code}:1`);
    const names = last(h, group).text;
    expect(names).toContain("Danh sách trả lời");
    expect(names).toContain("(Việc gia đình)");
    expect(names.split("\n").filter((line) => line.startsWith("⏳ "))).toHaveLength(7);
  });

  it("sends a calendar invitation to members who opened the private chat", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await press(member!, `rsvp:ics:${meeting.code}`);
    const file = last(h, member!).document;
    expect(file?.file_name).toBe(`hop-chi-bo-${meeting.code}.ics`);
    expect(file?.bytes.toString("utf8")).toContain("DTSTART:20261205T123000Z");
  });

  it("lists the cell's meetings and shows one by its code", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    await h.fake.sendText(member!, group, "/meetings");
    expect(last(h, group).text).toContain(meeting.code);
    await h.fake.sendText(member!, group, `/meeting ${meeting.code.toLowerCase()}`);
    expect(last(h, group).text).toContain("Nhà văn hóa khối 7");
  });
});

describe("many answers at once", () => {
  it("coalesces tally edits under the group's limit and ends exact", async () => {
    const members = await linkedMembers(h, group, cellId, 8);
    await Promise.all(
      members.map((member, i) => press(member, i % 3 === 0 ? `rsvp:n:${meeting.code}` : `rsvp:y:${meeting.code}`)),
    );
    expect(await tallyShows("✅ 5 sẽ dự · ❌ 3 vắng có lý do · ⏳ 1 chưa trả lời")).toBe(true);
    const edits = h.fake.callsTo("editMessageText").filter((c) => c.params.message_id === announcement.message_id);
    expect(edits.length).toBeLessThanOrEqual(4);
    expect(h.fake.stats.rateLimited).toBe(0);
  });
});

describe("odd and hostile answers", () => {
  it("stores one answer when a member taps twice at the same moment", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    await Promise.all([press(member!, `rsvp:y:${meeting.code}`), press(member!, `rsvp:y:${meeting.code}`)]);
    expect(await h.db.rsvp.count()).toBe(1);
  });

  it("refuses a tap on a meeting that has already taken place", async () => {
    await h.db.meeting.update({ where: { id: meeting.id }, data: { startsAt: new Date(NOW.getTime() - 3600_000) } });
    const [member] = await linkedMembers(h, group, cellId, 1);
    expect((await press(member!, `rsvp:y:${meeting.code}`)).answer?.text).toContain("đã diễn ra");
    expect(await h.db.rsvp.count()).toBe(0);
  });

  it("keeps an emoji-only reason as the member wrote it", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    await press(member!, `rsvp:n:${meeting.code}`);
    const question = await reasonQuestion(group);
    await h.fake.sendText(member!, group, "🤒", { replyTo: question.message_id });
    expect((await answersIn())[0]).toMatchObject({ answer: "absent", reason: "🤒" });
  });

  it("shows a member their own answers with /me", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await press(member!, `rsvp:y:${meeting.code}`);
    await h.fake.sendText(member!, "private", "/me");
    expect(last(h, member!).text).toContain(`${meeting.code} 19:30 thứ Bảy, 05/12/2026: ✅ sẽ dự`);
  });

  it("refuses a 3,000-character agenda item with the limit, keeping the agenda", async () => {
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(`ma:a:${meeting.code}`));
    await h.fake.sendText(secretary, "private", "x".repeat(3000), { replyTo: last(h, secretary).message_id });
    expect(last(h, secretary).text).toContain("không quá 500 ký tự");
    expect(await h.db.agendaItem.count({ where: { meetingId: meeting.id } })).toBe(8);
  });
});
