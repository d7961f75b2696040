import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, dataStartsWith, last, linkedMembers, meetingWorld } from "../../support/builders.js";
import type { Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser } from "../../support/fake-telegram/index.js";

// The meeting is announced on 25 Nov for 19:30 on Saturday 5 Dec (Hanoi); the clock then moves to the day.
let now = new Date("2026-11-25T03:00:00Z");
const at = (hanoiTime: string) => new Date(`2026-12-05T${hanoiTime}:00+07:00`);

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
let cellId: string;
let meeting: { id: string; code: string };

beforeEach(async () => {
  now = new Date("2026-11-25T03:00:00Z");
  ({ h, secretary, group, cellId, meeting } = await meetingWorld({ now: () => now, roster: "cell-01.csv" }));
});
afterEach(async () => h.stop());

const tapPrivate = (data: string) => h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(data));
const say = (text: string) => h.fake.sendText(secretary, "private", text);

async function openCheckinAt(time: string) {
  now = at(time);
  await say("/checkin");
  const notice = last(h, group);
  const code = /mã (\d{4})/.exec(notice.text)?.[1];
  expect(code).toBeDefined();
  return { notice, code: code! };
}

describe("check-in", () => {
  it("members check in with one tap; after 15 minutes they are marked late; a second tap changes nothing", async () => {
    const members = await linkedMembers(h, group, cellId, 3);
    const { notice } = await openCheckinAt("19:20");
    const first = await h.fake.pressButton(members[0]!, group, notice.message_id, dataStartsWith("ci:y:"));
    expect(first.answer?.text).toContain("có mặt");
    now = at("19:50");
    const late = await h.fake.pressButton(members[1]!, group, notice.message_id, dataStartsWith("ci:y:"));
    expect(late.answer?.text).toContain("đi muộn");
    const again = await h.fake.pressButton(members[0]!, group, notice.message_id, dataStartsWith("ci:y:"));
    expect(again.answer?.text).toContain("đã điểm danh rồi");
    const records = await h.db.attendance.findMany({ orderBy: { checkedInAt: "asc" } });
    expect(records.map((r) => r.status)).toEqual(["present", "late"]);
  });

  it("accepts the code privately or as a reply, and refuses a wrong code", async () => {
    const [member, other] = await linkedMembers(h, group, cellId, 2, { startedBot: true });
    const { notice, code } = await openCheckinAt("19:25");
    await h.fake.sendText(member!, "private", "/here 0000");
    expect(last(h, member!).text).toContain("không đúng");
    await h.fake.sendText(member!, "private", `/here ${code}`);
    expect(last(h, member!).text).toContain("có mặt");
    await h.fake.sendText(other!, group, code, { replyTo: notice.message_id });
    expect(last(h, group).text).toContain("có mặt");
    expect(await h.db.attendance.count({ where: { status: "present" } })).toBe(2);
  });

  it("refuses check-in before it is opened, after the meeting ended, and from accounts not on the roster", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    now = at("19:00");
    await h.fake.sendText(member!, "private", "/here 1234");
    expect(last(h, member!).text).toContain("chưa mở");
    const { notice } = await openCheckinAt("19:10");
    const stranger = h.fake.user();
    await h.fake.addUserToGroup(group, stranger);
    expect((await h.fake.pressButton(stranger, group, notice.message_id, dataStartsWith("ci:y:"))).answer?.text).toContain(
      "chưa liên kết",
    );
    now = at("21:30");
    expect((await h.fake.pressButton(member!, group, notice.message_id, dataStartsWith("ci:y:"))).answer?.text).toContain(
      "đã đóng",
    );
    expect(await h.db.attendance.count()).toBe(0);
  });
});

describe("roll call, opening report, closing and the minutes", () => {
  it("runs the whole meeting day for the 135-member cell", async () => {
    const members = await linkedMembers(h, group, cellId, 75);
    const absentee = members[74]!;
    await h.fake.pressButton(absentee, group, last(h, group).message_id, byData(`rsvp:n:${meeting.code}`));
    const question = await h.fake.waitFor(() => h.fake.messages(group).find((m) => m.text.includes("lý do vắng")), 8000);
    await h.fake.pressButton(absentee, group, question.message_id, byData(`rsvp:r:${meeting.code}:sick`));
    const absentEntry = await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(absentee.id) } });
    const { notice } = await openCheckinAt("19:20");
    for (const member of members.slice(0, 70))
      await h.fake.pressButton(member, group, notice.message_id, dataStartsWith("ci:y:"));

    // roll call: the absentee with the reason from the RSVP, one member unexcused
    await say(`/rollcall ${meeting.code}`);
    await tapPrivate(`rc:p:${meeting.code}:u:1`);
    expect(last(h, secretary).text).toContain("chưa điểm danh 11");
    const absentMember = await h.db.member.findUniqueOrThrow({ where: { id: absentEntry.memberId! } });
    await say(`/rollcall ${meeting.code} ${absentMember.searchKey}`);
    await tapPrivate(`rc:m:${meeting.code}:${absentEntry.memberId}:q`);
    await tapPrivate(`rc:s:${meeting.code}:${absentEntry.memberId}:x:q`);
    const excused = await h.db.attendance.findFirstOrThrow({ where: { memberId: absentEntry.memberId! } });
    expect(excused).toMatchObject({ status: "excused", reason: "Ốm", source: "rollcall" });

    await say("/guest Nguyễn Văn Khách, Đảng ủy viên phụ trách");
    await say("/note Đỗ Thanh Việt: Đề nghị tăng cường kiểm tra an ninh trật tự <dịp Tết>.");
    await say("/opening");
    const report = last(h, secretary).text;
    expect(report).toContain("Tổng số đảng viên: 135 (134 chính thức, 1 dự bị); miễn sinh hoạt: 54.");
    expect(report).toContain("Có mặt: 70/81");
    expect(report).toContain("Vắng có lý do: 1");
    expect(report).toContain("Khách mời: Nguyễn Văn Khách (Đảng ủy viên phụ trách)");

    // closing
    now = at("21:10");
    await say("/close");
    expect(last(h, secretary).text).toContain("10 đảng viên phải dự chưa điểm danh");
    await tapPrivate("cl:pick:mark");
    await tapPrivate("cl:pick:1930");
    await say("19h");
    expect(h.fake.messages(secretary).at(-2)!.text).toContain("Giờ kết thúc phải sau giờ bắt đầu");
    await say("21h05");
    await say("Chi bộ thống nhất các nhiệm vụ tháng 12.");
    await tapPrivate("cl:pick:skip");
    await say("68/0/2");
    await say("15 25 40 18");
    expect(h.fake.messages(secretary).at(-2)!.text).toContain("Điểm danh, tỷ lệ dự tối đa là 20 (đã nhập 25)");
    await say("15 18 40 18");
    await tapPrivate("cl:pick:y");
    await tapPrivate("cl:pick:y");
    const done = h.fake.messages(secretary).find((m) => m.text.includes("Đã kết thúc buổi họp"))!;
    expect(done.text).toContain("Có mặt 70/81 (86,4%)");
    expect(done.text).toContain("Điểm: 91/100 — xếp loại Khá");
    expect(done.text).toContain("Có đảng viên vắng không lý do.");
    const closedMeeting = await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } });
    expect(closedMeeting).toMatchObject({ status: "closed", rating: "fair" });
    expect(await h.db.attendance.count({ where: { meetingId: meeting.id, status: "unexcused" } })).toBe(10);

    // the group sees counts and rating, not names
    const summary = h.fake.messages(group).find((m) => m.text.includes("Kết quả sinh hoạt"))!;
    expect(summary.text).toContain("xếp loại Khá");
    expect(summary.text).not.toContain("Vắng không lý do:");

    // the minutes draft
    const file = h.fake.messages(secretary).find((m) => m.document?.file_name === `bien-ban-${meeting.code}.docx`)!.document!;
    const xml = await (await JSZip.loadAsync(file.bytes)).file("word/document.xml")!.async("string");
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("");
    for (const expected of [
      "ĐẢNG CỘNG SẢN VIỆT NAM",
      "BIÊN BẢN",
      "Nguyễn Văn Khách",
      "Đỗ Thanh Việt",
      "Chi bộ thống nhất các nhiệm vụ tháng 12.",
      "Khá",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain("&lt;dịp Tết&gt;");

    // closing twice
    await say(`/close ${meeting.code}`);
    expect(last(h, secretary).text).toContain("đã kết thúc");
  });

  it("allows corrections after closing, audited, and recomputes the rate", async () => {
    const members = await linkedMembers(h, group, cellId, 81);
    const { notice } = await openCheckinAt("19:20");
    for (const member of members.slice(0, 68))
      await h.fake.pressButton(member, group, notice.message_id, dataStartsWith("ci:y:"));
    now = at("21:10");
    await say("/close");
    for (const data of ["cl:pick:mark", "cl:pick:1930", "cl:pick:2100", "cl:pick:skip", "cl:pick:skip", "cl:pick:skip"])
      await tapPrivate(data);
    await say("15 20 45 20");
    await tapPrivate("cl:pick:y");
    await tapPrivate("cl:pick:y");
    const entry = await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(members[70]!.id) } });
    const corrected = await h.db.member.findUniqueOrThrow({ where: { id: entry.memberId! } });
    await say(`/rollcall ${meeting.code} ${corrected.searchKey}`);
    await tapPrivate(`rc:m:${meeting.code}:${entry.memberId}:q`);
    await tapPrivate(`rc:s:${meeting.code}:${entry.memberId}:p:q`);
    expect(last(h, secretary).text).toContain("Có mặt 69/81");
    expect(await h.db.auditLog.count({ where: { action: "correct_attendance" } })).toBe(1);
  });

  it("keeps one consistent record when the roll call and a self check-in race", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    const { notice } = await openCheckinAt("19:25");
    const entry = await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(member!.id) } });
    const searched = await h.db.member.findUniqueOrThrow({ where: { id: entry.memberId! } });
    await say(`/rollcall ${meeting.code} ${searched.searchKey}`);
    await tapPrivate(`rc:m:${meeting.code}:${entry.memberId}:q`);
    await Promise.all([
      h.fake.pressButton(member!, group, notice.message_id, dataStartsWith("ci:y:")),
      tapPrivate(`rc:s:${meeting.code}:${entry.memberId}:p:q`),
    ]);
    const records = await h.db.attendance.findMany({ where: { memberId: entry.memberId! } });
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe("present");
  });

  it("shows a member their unexcused absences this year and the warning at two", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    const entry = await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(member!.id) } });
    for (const [code, day] of [
      ["OLD1", "2026-03-05T12:30:00Z"],
      ["OLD2", "2026-06-05T12:30:00Z"],
    ] as const) {
      const past = await h.db.meeting.create({
        data: { cellId, code, type: "regular", startsAt: new Date(day), durationMinutes: 90, status: "closed" },
      });
      await h.db.attendance.create({
        data: { meetingId: past.id, memberId: entry.memberId!, status: "unexcused", source: "rollcall" },
      });
    }
    await h.fake.sendText(member!, "private", "/me");
    expect(last(h, member!).text).toContain("Năm 2026: vắng không lý do 2 lần.");
    expect(last(h, member!).text).toContain("vắng không lý do 2 lần trong năm");
  });
});
