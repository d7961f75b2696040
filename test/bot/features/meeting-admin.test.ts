import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, last, linkedMembers, meetingWorld } from "../../support/builders.js";
import type { Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser, RecordedMessage } from "../../support/fake-telegram/index.js";

const NOW = new Date("2026-11-25T03:00:00Z");

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
let cellId: string;
let meeting: { id: string; code: string };
let announcement: RecordedMessage;

beforeEach(async () => {
  ({ h, secretary, group, cellId, meeting, announcement } = await meetingWorld({ now: () => NOW }));
});
afterEach(async () => h.stop());

const tap = (data: string) => h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(data));
const replyToLast = (text: string) => h.fake.sendText(secretary, "private", text, { replyTo: last(h, secretary).message_id });
const announcementNow = () => h.fake.messages(group).find((m) => m.message_id === announcement.message_id)!;

describe("changing a published meeting", () => {
  it("moves the meeting, keeps answers when asked to, and tells members who answered", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await h.fake.pressButton(member!, group, announcement.message_id, byData(`rsvp:y:${meeting.code}`));
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:t:${meeting.code}`);
    await replyToLast("19h ngày 6/12");
    expect(last(h, secretary).text).toContain("19:00 Chủ nhật, 06/12/2026");
    await h.fake.pressButton(
      secretary,
      "private",
      last(h, secretary).message_id,
      (b) => b.callback_data?.startsWith(`ma:tk:${meeting.code}`) ?? false,
    );
    expect((await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).startsAt.toISOString()).toBe(
      "2026-12-06T12:00:00.000Z",
    );
    expect(await h.db.rsvp.count()).toBe(1);
    expect(last(h, member!).text).toContain("đổi sang 19:00 Chủ nhật, 06/12/2026");
    expect(h.fake.messages(group).some((m) => m.text.includes(`Buổi họp ${meeting.code} đổi sang`))).toBe(true);
    expect(await h.fake.waitFor(() => announcementNow().text.includes("06/12/2026"), 8000)).toBe(true);
    expect(await h.db.auditLog.count({ where: { action: "change_time" } })).toBe(1);
  });

  it("clears the answers when the secretary asks everyone again, and tells those who had answered privately", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await h.fake.pressButton(member!, group, announcement.message_id, byData(`rsvp:y:${meeting.code}`));
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:t:${meeting.code}`);
    await replyToLast("19h ngày 6/12");
    await h.fake.pressButton(
      secretary,
      "private",
      last(h, secretary).message_id,
      (b) => b.callback_data?.startsWith(`ma:tr:`) ?? false,
    );
    expect(await h.db.rsvp.count()).toBe(0);
    expect(h.fake.messages(group).some((m) => m.text.includes("vui lòng trả lời lại"))).toBe(true);
    expect(last(h, member!).text).toContain("vui lòng trả lời lại");
  });

  it("asks again after refusing a time: an answer to the refusal goes on with the same change", async () => {
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:t:${meeting.code}`);
    await replyToLast("hôm qua 19h");
    const refusal = last(h, secretary);
    expect(refusal.text).toContain("đã qua");
    expect(refusal.reply_markup).toMatchObject({ force_reply: true });
    await replyToLast("19h ngày 6/12");
    expect(last(h, secretary).text).toContain("19:00 Chủ nhật, 06/12/2026");
  });

  it("does not ask again when no answer could be accepted: the meeting was cancelled meanwhile", async () => {
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:p:${meeting.code}`);
    const placeQuestion = last(h, secretary);
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:c:${meeting.code}`);
    await replyToLast("Trùng lịch tiếp xúc cử tri");
    await h.fake.sendText(secretary, "private", "Hội trường UBND phường", { replyTo: placeQuestion.message_id });
    const refusal = last(h, secretary);
    expect(refusal.text).toBe("Buổi họp này đã bị hủy.");
    expect(refusal.reply_markup).toBeUndefined();
    expect((await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).place).not.toBe("Hội trường UBND phường");
  });

  it("changes the place and refuses an unreadable time, keeping the meeting as it was", async () => {
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:t:${meeting.code}`);
    await replyToLast("hôm qua 19h");
    expect(last(h, secretary).text).toContain("đã qua");
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:p:${meeting.code}`);
    await replyToLast("Hội trường UBND phường");
    expect((await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).place).toBe("Hội trường UBND phường");
    expect((await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).startsAt.toISOString()).toBe(
      "2026-12-05T12:30:00.000Z",
    );
  });

  it("cancels with a reason: everyone is told and the buttons go away", async () => {
    await h.fake.sendText(secretary, "private", `/editmeeting ${meeting.code}`);
    await tap(`ma:c:${meeting.code}`);
    await replyToLast("Trùng lịch tiếp xúc cử tri");
    expect(h.fake.messages(group).some((m) => m.text.includes("đã hủy. Lý do: Trùng lịch tiếp xúc cử tri"))).toBe(true);
    expect(await h.fake.waitFor(() => announcementNow().text.includes("ĐÃ HỦY"), 8000)).toBe(true);
    expect(announcementNow().buttons).toEqual([]);
  });
});

describe("the agenda after publishing", () => {
  it("shows the agenda to members in the group", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1);
    await h.fake.sendText(member!, group, "/agenda");
    expect(last(h, group).text).toContain(`Chương trình buổi họp ${meeting.code}`);
    expect(last(h, group).text).toContain("1. Khai mạc");
  });

  it("lets the secretary rewrite it and re-renders the announcement", async () => {
    await h.fake.sendText(secretary, "private", "/agenda");
    await tap(`ma:a:${meeting.code}`);
    await replyToLast("Khai mạc\nBầu cử đại biểu — Đỗ Thanh Việt\nBế mạc");
    expect(last(h, secretary).text).toContain("3 mục");
    expect(await h.fake.waitFor(() => announcementNow().text.includes("2. Bầu cử đại biểu — Đỗ Thanh Việt"), 8000)).toBe(true);
  });

  it("attaches a link to an item", async () => {
    await h.fake.sendText(secretary, "private", `/attach ${meeting.code} 2 https://example.org/nghi-quyet.pdf`);
    expect(last(h, secretary).text).toContain("Đã đính kèm vào mục 2");
    await h.fake.sendText(secretary, "private", "/agenda");
    expect(h.fake.messages(secretary).at(-1)!.html).toContain('href="https://example.org/nghi-quyet.pdf"');
  });

  it("takes a member's proposal to the secretary, who accepts it, and tells the member", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await h.fake.sendText(member!, group, "/propose Phân công trực an ninh dịp Tết");
    expect(last(h, group).text).toContain("Đã gửi đề xuất");
    const request = last(h, secretary);
    expect(request.text).toContain("đề xuất cho buổi họp");
    await h.fake.pressButton(secretary, "private", request.message_id, (b) => b.callback_data?.startsWith("ma:pa:") ?? false);
    expect(last(h, member!).text).toContain("đã được đưa vào chương trình");
    const items = await h.db.agendaItem.findMany({
      where: { meetingId: meeting.id, status: "accepted" },
      orderBy: { position: "asc" },
    });
    expect(items.at(-1)?.title).toBe("Phân công trực an ninh dịp Tết");
  });

  it("does not let a member edit the agenda or the meeting", async () => {
    const [member] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
    await h.fake.sendText(member!, "private", `/editmeeting ${meeting.code}`);
    expect(last(h, member!).text).toContain("Chỉ bí thư");
    const press = await h.fake.forgeCallback(member!, "private", last(h, member!).message_id, `ma:c:${meeting.code}`);
    expect(press.answer?.text).toContain("Chỉ bí thư");
    expect((await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).status).toBe("published");
  });
});
