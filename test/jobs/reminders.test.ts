import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, last, linkedMembers, meetingWorld, openPrivateChat } from "../support/builders.js";
import type { Harness } from "../support/harness.js";
import type { FakeChat, FakeUser } from "../support/fake-telegram/index.js";

// Time is injected: the meeting is announced on 25 Nov for 19:30 on 5 Dec (Hanoi), then the clock jumps.
let now = new Date("2026-11-25T03:00:00Z");
const hanoi = (local: string) => new Date(`${local}+07:00`);

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
let cellId: string;
let meeting: { id: string; code: string };

beforeEach(async () => {
  now = new Date("2026-11-25T03:00:00Z");
  ({ h, secretary, group, cellId, meeting } = await meetingWorld({ now: () => now, fake: { now: () => now.getTime() } }));
});
afterEach(async () => h.stop());

async function tick(at: Date) {
  now = at;
  const queued = await h.app.runJobsNow();
  await h.app.drainOutbox();
  return queued;
}

describe("member reminders", () => {
  it("3 days before: the group is told who has not answered, and they are reminded privately once", async () => {
    const [answered, silent] = await linkedMembers(h, group, cellId, 2, { startedBot: true });
    await h.fake.pressButton(answered!, group, last(h, group).message_id, byData(`rsvp:y:${meeting.code}`));
    await tick(hanoi("2026-12-02T19:31:00"));
    const reminder = last(h, group);
    expect(reminder.text).toContain(`Nhắc lịch: buổi họp ${meeting.code} lúc 19:30 thứ Bảy, 05/12/2026`);
    expect(reminder.text).toContain("Chưa trả lời (8)");
    expect(reminder.html).toContain(`tg://user?id=${silent!.id}`);
    expect(reminder.text).toContain("1. Khai mạc");
    expect(last(h, silent!).text).toContain(`chưa trả lời buổi họp ${meeting.code}`);
    expect(h.fake.messages(answered!).some((m) => m.text.includes("chưa trả lời buổi họp"))).toBe(false);

    const again = await tick(hanoi("2026-12-02T19:45:00"));
    expect(again["member-reminders"]).toBe(0);
    expect(h.fake.messages(group).filter((m) => m.text.includes("Nhắc lịch"))).toHaveLength(1);
  });

  it("2 hours before, a second reminder; a reminder missed by more than its window is not sent late", async () => {
    await tick(hanoi("2026-12-04T08:00:00")); // the 3-day reminder's window (one day) is over
    expect(h.fake.messages(group).some((m) => m.text.includes("Nhắc lịch"))).toBe(false);
    await tick(hanoi("2026-12-05T17:31:00"));
    expect(last(h, group).text).toContain("Sắp họp");
  });
});

describe("the clock jumping around a reminder time", () => {
  it("sends the reminder once whether the clock jumps back, forward, or repeats the minute", async () => {
    for (const at of [
      "2026-12-02T19:31:00",
      "2026-12-02T17:00:00",
      "2026-12-02T19:31:00",
      "2026-12-02T22:00:00",
      "2026-12-02T19:40:00",
    ]) {
      await tick(hanoi(at));
    }
    expect(h.fake.messages(group).filter((m) => m.text.includes("Nhắc lịch"))).toHaveLength(1);
  });
});

describe("nudges to the secretary", () => {
  it("reminds to post the documents in Sổ tay đảng viên the day before", async () => {
    await tick(hanoi("2026-12-04T20:00:00"));
    expect(h.fake.messages(secretary).some((m) => m.text.includes("Sổ tay đảng viên"))).toBe(true);
  });

  it("nudges a day after the meeting if it is not closed", async () => {
    await tick(hanoi("2026-12-06T20:30:00")); // the meeting ended at 21:00 on the 5th
    expect(h.fake.messages(secretary).some((m) => m.text.includes("chưa điểm danh"))).toBe(false);
    await tick(hanoi("2026-12-07T09:00:00"));
    expect(last(h, secretary).text).toContain(`đã qua 24 giờ nhưng chưa điểm danh. Dùng /rollcall ${meeting.code}`);
  });

  it("nudges 7 days before the usual day when next month's meeting is not announced", async () => {
    await tick(hanoi("2026-12-29T09:00:00"));
    expect(last(h, secretary).text).toContain("Còn 7 ngày đến ngày sinh hoạt thường kỳ tháng 1/2027");
    const again = await tick(hanoi("2026-12-29T10:00:00"));
    expect(again["preparation-nudges"]).toBe(0);
  });
});

describe("/jobs", () => {
  it("shows operators the schedule, the last runs and the outbox", async () => {
    await tick(hanoi("2026-12-02T19:31:00"));
    await openPrivateChat(h, h.operator);
    await h.fake.sendText(h.operator, "private", "/jobs");
    const text = last(h, h.operator).text;
    expect(text).toContain("member-reminders — * * * * *");
    expect(text).toMatch(/Hàng đợi gửi: chờ 0, đang gửi 0, đã gửi \d+, lỗi 0/);
    await h.fake.sendText(secretary, "private", "/jobs");
    expect(last(h, secretary).text).toContain("Chỉ quản trị viên hệ thống");
  });
});

describe("quarterly thematic meeting", () => {
  it("warns the cell in the quarter's last month when no thematic meeting was held, once", async () => {
    await tick(hanoi("2026-12-15T09:00:00"));
    expect(h.fake.messages(group).filter((m) => m.text.includes("chưa có buổi sinh hoạt chuyên đề"))).toHaveLength(1);
    await tick(hanoi("2026-12-16T09:00:00"));
    expect(h.fake.messages(group).filter((m) => m.text.includes("chưa có buổi sinh hoạt chuyên đề"))).toHaveLength(1);
  });
});

describe("the cell's own schedule", () => {
  it("/settings changes the reminder hours, and reminders follow them", async () => {
    await h.fake.sendText(secretary, "private", "/settings remind 48");
    expect(last(h, secretary).text).toContain("Nhắc trước (giờ): 48");
    await tick(hanoi("2026-12-02T19:31:00"));
    expect(h.fake.messages(group).some((m) => m.text.includes("Nhắc lịch"))).toBe(false);
    await tick(hanoi("2026-12-03T19:31:00"));
    expect(last(h, group).text).toContain("(còn 2 ngày)");
    await h.fake.sendText(secretary, "private", "/settings remind abc");
    expect(last(h, secretary).text).toContain("Cách dùng: /settings day 5");
  });
});

describe("the secretary's nudges follow /settings", () => {
  const sotayNotices = () => h.fake.messages(secretary).filter((m) => m.text.includes("📘"));
  const prepNotices = () => h.fake.messages(secretary).filter((m) => m.text.includes("📝"));
  const closeNudges = () => h.fake.messages(secretary).filter((m) => m.text.includes("chưa điểm danh"));
  const thematicWarnings = () => h.fake.messages(group).filter((m) => m.text.includes("chưa có buổi sinh hoạt chuyên đề"));

  it("sotay: the Sổ tay reminder comes the set hours before, not a day before", async () => {
    await h.fake.sendText(secretary, "private", "/settings sotay 6");
    expect(last(h, secretary).text).toContain("Đã lưu");
    expect(last(h, secretary).text).toContain("Nhắc đăng tài liệu lên Sổ tay đảng viên (giờ trước buổi họp): 6");
    await tick(hanoi("2026-12-04T20:00:00"));
    expect(sotayNotices()).toHaveLength(0);
    await tick(hanoi("2026-12-05T13:00:00")); // 6.5 hours before
    expect(sotayNotices()).toHaveLength(0);
    await tick(hanoi("2026-12-05T13:31:00"));
    expect(sotayNotices()).toHaveLength(1);
    expect(sotayNotices()[0]!.text).toContain(meeting.code);
    await tick(hanoi("2026-12-05T15:00:00"));
    expect(sotayNotices()).toHaveLength(1);
  });

  it("sotay: a longer lead time reminds earlier", async () => {
    await h.fake.sendText(secretary, "private", "/settings sotay 48");
    await tick(hanoi("2026-12-03T19:00:00")); // 48.5 hours before
    expect(sotayNotices()).toHaveLength(0);
    await tick(hanoi("2026-12-03T20:00:00"));
    expect(sotayNotices()).toHaveLength(1);
  });

  it("sotay off: no Sổ tay reminder", async () => {
    await h.fake.sendText(secretary, "private", "/settings sotay off");
    expect(last(h, secretary).text).toContain("Sổ tay đảng viên (giờ trước buổi họp): tắt");
    await tick(hanoi("2026-12-04T20:00:00"));
    await tick(hanoi("2026-12-05T18:00:00"));
    expect(sotayNotices()).toHaveLength(0);
  });

  it("closenudge: the secretary is nudged the set hours after the end, not a day after", async () => {
    await h.fake.sendText(secretary, "private", "/settings closenudge 6");
    await tick(hanoi("2026-12-06T02:30:00")); // the meeting ended at 21:00 on the 5th: 5.5 hours
    expect(closeNudges()).toHaveLength(0);
    await tick(hanoi("2026-12-06T03:10:00"));
    expect(closeNudges()).toHaveLength(1);
    expect(last(h, secretary).text).toContain(`Buổi họp ${meeting.code} đã qua 6 giờ nhưng chưa điểm danh`);
    await tick(hanoi("2026-12-07T09:00:00"));
    expect(closeNudges()).toHaveLength(1);
  });

  it("closenudge off: no nudge at all", async () => {
    await h.fake.sendText(secretary, "private", "/settings closenudge off");
    await tick(hanoi("2026-12-07T09:00:00"));
    await tick(hanoi("2026-12-09T09:00:00"));
    expect(closeNudges()).toHaveLength(0);
  });

  it("prepare: the preparation nudges come the set days before the usual day, not 7 and 3", async () => {
    await h.fake.sendText(secretary, "private", "/settings prepare 10,2");
    expect(last(h, secretary).text).toContain("Nhắc bí thư chuẩn bị (ngày trước ngày sinh hoạt): 10, 2");
    await tick(hanoi("2026-12-26T09:00:00"));
    expect(prepNotices()).toHaveLength(1);
    expect(last(h, secretary).text).toContain("Còn 10 ngày đến ngày sinh hoạt thường kỳ tháng 1/2027");
    await tick(hanoi("2026-12-29T09:00:00"));
    await tick(hanoi("2027-01-02T09:00:00"));
    expect(prepNotices()).toHaveLength(1);
    await tick(hanoi("2027-01-03T09:00:00"));
    expect(prepNotices()).toHaveLength(2);
    expect(last(h, secretary).text).toContain("Còn 2 ngày");
    await tick(hanoi("2027-01-03T10:00:00"));
    expect(prepNotices()).toHaveLength(2);
  });

  it("prepare off: no preparation nudge", async () => {
    await h.fake.sendText(secretary, "private", "/settings prepare off");
    await tick(hanoi("2026-12-29T09:00:00"));
    await tick(hanoi("2027-01-02T09:00:00"));
    expect(prepNotices()).toHaveLength(0);
  });

  it("thematic: the quarterly warning starts on the set day of the quarter's last month", async () => {
    await h.fake.sendText(secretary, "private", "/settings thematic 20");
    await tick(hanoi("2026-12-15T09:00:00"));
    await tick(hanoi("2026-12-19T23:00:00"));
    expect(thematicWarnings()).toHaveLength(0);
    await tick(hanoi("2026-12-20T00:30:00"));
    expect(thematicWarnings()).toHaveLength(1);
  });

  it("a refused value changes nothing: the jobs keep the defaults", async () => {
    const before = await h.db.cell.findUniqueOrThrow({ where: { id: cellId } });
    for (const text of ["sotay 0", "sotay 200", "closenudge abc", "prepare 7,3,2,1", "prepare 30", "thematic 31"]) {
      await h.fake.sendText(secretary, "private", `/settings ${text}`);
      expect(last(h, secretary).text).toContain("Chưa thay đổi gì");
    }
    expect(last(h, secretary).text).toContain("ngày trong tháng cuối quý phải từ 1 đến 28");
    const after = await h.db.cell.findUniqueOrThrow({ where: { id: cellId } });
    expect(after.settings).toBe(before.settings);
    expect(await h.db.auditLog.count({ where: { cellId, action: { startsWith: "setting_" } } })).toBe(0);

    await tick(hanoi("2026-12-04T20:00:00"));
    expect(sotayNotices()).toHaveLength(1);
    await tick(hanoi("2026-12-06T09:00:00"));
    expect(closeNudges()).toHaveLength(0);
    await tick(hanoi("2026-12-07T09:00:00"));
    expect(closeNudges()).toHaveLength(1);
    await tick(hanoi("2026-12-15T09:00:00"));
    expect(thematicWarnings()).toHaveLength(1);
  });
});
