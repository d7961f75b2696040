import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { announceMeeting, byData, importRoster, last, openPrivateChat, setUpCell } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser } from "../../support/fake-telegram/index.js";

const NOW = new Date("2026-11-25T03:00:00Z"); // 10:00 in Hanoi, the day of the date-phrase fixtures

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
beforeEach(async () => {
  h = await startHarness({ now: () => NOW });
  ({ secretary, group } = await setUpCell(h));
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, "cell-01.csv");
});
afterEach(async () => h.stop());

const tap = (data: string) => h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(data));

describe("/newmeeting", () => {
  it("collects the meeting, previews it, and posts it to the group with the standard agenda", async () => {
    const meeting = await announceMeeting(h, secretary);
    expect(meeting).toMatchObject({
      type: "regular",
      period: "2026-12",
      durationMinutes: 90,
      place: "Nhà văn hóa khối 7",
      status: "published",
    });
    expect(meeting.startsAt.toISOString()).toBe("2026-12-05T12:30:00.000Z");
    const preview = h.fake.messages(secretary).find((m) => m.text.startsWith("📢"));
    const announcement = last(h, group);
    expect(announcement.text).toBe(preview!.text.replace("…", meeting.code));
    expect(announcement.text).toContain("19:30 thứ Bảy, 05/12/2026");
    expect(announcement.text).toContain("⏳ 81 chưa trả lời (trên 81 đảng viên phải dự)");
    expect(announcement.text).toContain("miễn sinh hoạt: 54");
    expect(announcement.buttons.flat()).toEqual(["✅ Sẽ dự", "❌ Vắng (có lý do)", "📋 Danh sách", "📅 Thêm vào lịch"]);
    expect(await h.db.agendaItem.count({ where: { meetingId: meeting.id } })).toBe(8);
    expect(last(h, secretary).text).toContain(`Đã đăng thông báo buổi họp ${meeting.code} vào 1 nhóm`);
  });

  it("explains a time it cannot read and asks again", async () => {
    await h.fake.sendText(secretary, "private", "/newmeeting");
    await tap("nm:pick:type:thematic");
    await h.fake.sendText(secretary, "private", "họp chi bộ nhé");
    expect(last(h, secretary).text).toContain("Chưa thấy ngày họp");
    await h.fake.sendText(secretary, "private", "30/2/2027 19h");
    expect(last(h, secretary).text).toContain("Ngày này không có thật");
    await h.fake.sendText(secretary, "private", "19h thứ 6 tuần sau");
    expect(last(h, secretary).text).toContain("Địa điểm họp?");
  });

  it("warns about a second regular meeting in the month and lets the secretary type another time", async () => {
    await announceMeeting(h, secretary);
    await h.fake.sendText(secretary, "private", "/newmeeting");
    await tap("nm:pick:type:regular");
    await h.fake.sendText(secretary, "private", "19h30 ngày 12/12");
    expect(last(h, secretary).text).toContain("Tháng này chi bộ đã có một buổi sinh hoạt thường kỳ");
    await tap("nm:pick:change");
    expect(last(h, secretary).text).toContain("Thời gian họp?");
    await h.fake.sendText(secretary, "private", "23h ngày 7/1/2027");
    expect(last(h, secretary).text).toContain("ngoài khoảng 6:00–22:00");
    await tap("nm:pick:keep");
    expect(last(h, secretary).text).toContain("Địa điểm họp?");
  });

  it("takes an agenda typed line by line, with presenters", async () => {
    await h.fake.sendText(secretary, "private", "/newmeeting");
    await tap("nm:pick:type:extraordinary");
    await h.fake.sendText(secretary, "private", "14h ngày 3/12");
    await tap("nm:pick:skip");
    await h.fake.sendText(
      secretary,
      "private",
      "1. Khai mạc — Hứa Minh Đạt\n2. Xét kết nạp đảng viên mới - Đỗ Thanh Việt\n3. Biểu quyết",
    );
    expect(last(h, secretary).text).toContain("2. Xét kết nạp đảng viên mới — Đỗ Thanh Việt");
    await tap("nm:pick:agenda-ok");
    await tap("nm:pick:suggest:0");
    await tap("nm:pick:skip");
    await tap("nm:pick:minutes:90");
    await tap("nm:pick:deadline:none");
    await tap("nm:pick:publish");
    const items = await h.db.agendaItem.findMany({ orderBy: { position: "asc" } });
    expect(items.map((i) => [i.title, i.presenter])).toEqual([
      ["Khai mạc", "Hứa Minh Đạt"],
      ["Xét kết nạp đảng viên mới", "Đỗ Thanh Việt"],
      ["Biểu quyết", null],
    ]);
  });

  it("publishes nothing when cancelled", async () => {
    await h.fake.sendText(secretary, "private", "/newmeeting");
    await tap("nm:pick:type:regular");
    await tap("nm:cancel");
    expect(last(h, secretary).text).toContain("chưa có gì được đăng");
    expect(await h.db.meeting.count()).toBe(0);
  });

  it("resumes after a restart in the middle of the form", async () => {
    await h.fake.sendText(secretary, "private", "/newmeeting");
    await tap("nm:pick:type:regular");
    await h.restart();
    await h.fake.sendText(secretary, "private", "19h30 ngày 5/12");
    expect(last(h, secretary).text).toContain("Địa điểm họp?");
  });

  it("sends a secretary who starts in the group to the private chat, and refuses members", async () => {
    await h.fake.sendText(secretary, group, "/newmeeting");
    expect(last(h, group).text).toContain("tin nhắn riêng");
    const member = h.fake.user();
    await openPrivateChat(h, member);
    await h.fake.sendText(member, "private", "/newmeeting");
    expect(last(h, member).text).toContain("Chỉ bí thư");
  });
});
