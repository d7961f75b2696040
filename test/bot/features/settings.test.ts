import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupMember, last, openPrivateChat, setUpCell } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser } from "../../support/fake-telegram/index.js";

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
let cellId: string;

beforeEach(async () => {
  h = await startHarness();
  ({ secretary, group } = await setUpCell(h));
  cellId = (await h.db.chatBinding.findFirstOrThrow({ where: { chatId: String(group.id) } })).cellId!;
  await openPrivateChat(h, secretary);
});
afterEach(async () => h.stop());

async function settings(text = "") {
  await h.fake.sendText(secretary, "private", `/settings${text ? ` ${text}` : ""}`);
  return last(h, secretary).text;
}

describe("/settings shows the cell's schedule", () => {
  it("lists every offset with today's defaults", async () => {
    const shown = await settings();
    expect(shown).not.toContain("Đã lưu");
    expect(shown).toContain("Nhắc trước (giờ): 72, 2");
    expect(shown).toContain("Nhắc bí thư chuẩn bị (ngày trước ngày sinh hoạt): 7, 3");
    expect(shown).toContain("Nhắc đăng tài liệu lên Sổ tay đảng viên (giờ trước buổi họp): 24");
    expect(shown).toContain("Nhắc kết thúc buổi họp (giờ sau buổi họp): 24");
    expect(shown).toContain("Cảnh báo chưa sinh hoạt chuyên đề: từ ngày 15 tháng cuối quý");
    expect(shown).toContain("prepare 7,3");
  });

  it("confirms a change, shows the new value, and audits who changed what", async () => {
    const shown = await settings("prepare 3, 10");
    expect(shown).toMatch(/^✅ Đã lưu\./);
    expect(shown).toContain("Nhắc bí thư chuẩn bị (ngày trước ngày sinh hoạt): 10, 3");
    expect(await settings("closenudge off")).toContain("Nhắc kết thúc buổi họp (giờ sau buổi họp): tắt");
    expect(await settings("thematic 25")).toContain("từ ngày 25 tháng cuối quý");
    expect(await settings("sotay 36")).toContain("Sổ tay đảng viên (giờ trước buổi họp): 36");

    const audits = await h.db.auditLog.findMany({
      where: { cellId, action: { startsWith: "setting_" } },
      orderBy: { at: "asc" },
    });
    expect(audits.map((a) => [a.action, JSON.parse(a.after!)])).toEqual([
      ["setting_prepare", { key: "prepare", value: [10, 3] }],
      ["setting_closenudge", { key: "closenudge", value: 0 }],
      ["setting_thematic", { key: "thematic", value: 25 }],
      ["setting_sotay", { key: "sotay", value: 36 }],
    ]);
    expect(audits.every((a) => a.actorLabel.length > 0 && a.actorId)).toBe(true);

    const cell = await h.db.cell.findUniqueOrThrow({ where: { id: cellId } });
    expect(JSON.parse(cell.settings!)).toMatchObject({
      preparationDays: [10, 3],
      closeNudgeHours: 0,
      thematicDay: 25,
      sotayHours: 36,
    });
  });

  it("works in the cell's group too", async () => {
    await h.fake.sendText(secretary, group, "/settings sotay 12");
    expect(last(h, group).text).toContain("Sổ tay đảng viên (giờ trước buổi họp): 12");
  });
});

describe("refusing a bad value", () => {
  it("explains each setting's limits in Vietnamese and changes nothing", async () => {
    const before = (await h.db.cell.findUniqueOrThrow({ where: { id: cellId } })).settings;
    expect(await settings("prepare 0")).toContain("số ngày trước ngày sinh hoạt phải là số nguyên từ 1 đến 27, tối đa 3 mốc");
    expect(await settings("prepare 7,5,3,1")).toContain("Tắt: /settings prepare off");
    expect(await settings("sotay 200")).toContain("số giờ trước buổi họp phải là số nguyên từ 1 đến 168");
    expect(await settings("closenudge 0")).toContain(
      "Nhắc kết thúc buổi họp: số giờ sau buổi họp phải là số nguyên từ 1 đến 168",
    );
    expect(await settings("thematic 30")).toContain("ngày trong tháng cuối quý phải từ 1 đến 28");
    expect(await settings("snooze 5")).toContain("Cách dùng: /settings day 5");
    expect(last(h, secretary).text).toContain("closenudge 24");
    expect((await h.db.cell.findUniqueOrThrow({ where: { id: cellId } })).settings).toBe(before);
    expect(await h.db.auditLog.count({ where: { cellId, action: { startsWith: "setting_" } } })).toBe(0);
  });

  it("explains in English to a secretary who chose English", async () => {
    await h.fake.sendText(secretary, "private", "/lang en");
    expect(await settings("closenudge soon")).toBe(
      "Closing nudge: the hours after the meeting must be a whole number from 1 to 168, e.g. /settings closenudge 24. " +
        "To turn it off: /settings closenudge off. Nothing was changed.",
    );
    const shown = await settings("thematic 10");
    expect(shown).toMatch(/^✅ Saved\./);
    expect(shown).toContain("Missing thematic meeting warning: from day 10 of the quarter's last month");
    expect(shown).toContain("Closing nudge (hours after the meeting): 24");
  });

  it("lets only the cell's secretary change it", async () => {
    const member = await groupMember(h, group);
    await h.fake.sendText(member, group, "/settings sotay 6");
    expect(last(h, group).text).not.toContain("Đã lưu");
    expect(await h.db.auditLog.count({ where: { cellId, action: "setting_sotay" } })).toBe(0);
  });
});
