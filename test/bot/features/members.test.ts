import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, importRoster, last, openPrivateChat, setUpCell } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser } from "../../support/fake-telegram/index.js";

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
beforeEach(async () => {
  h = await startHarness();
  ({ secretary, group } = await setUpCell(h));
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, "cell-14.csv");
});
afterEach(async () => h.stop());

async function openCard(name: string) {
  const member = await h.db.member.findFirstOrThrow({ where: { fullName: name } });
  await h.fake.sendText(secretary, "private", `/members ${name}`);
  await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(`mem:v:${member.id}`));
  return member;
}

const tap = async (data: string) => h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(data));

describe("the secretary manages members in the private chat", () => {
  it("lists the roster in pages and pages forward", async () => {
    await h.fake.sendText(secretary, "private", "/members");
    const first = last(h, secretary);
    expect(first.text).toContain("9 đảng viên (trang 1/2)");
    await tap("mem:p:2");
    expect(last(h, secretary).text).toContain("(trang 2/2)");
    expect(last(h, secretary).message_id).toBe(first.message_id);
  });

  it("finds members typed without diacritics", async () => {
    await h.fake.sendText(secretary, "private", "/members nguyen xuan binh");
    expect(last(h, secretary).text).toContain("Nguyễn Xuân Bình");
    expect(last(h, secretary).text).toContain("1 kết quả");
  });

  it("changes status, role and group, auditing who changed what", async () => {
    const member = await openCard("Hứa Kim Oanh");
    expect(last(h, secretary).text).toContain("Loại: dự bị");
    await tap(`mem:s:${member.id}`);
    expect(last(h, secretary).text).toContain("Loại: chính thức");
    await tap(`mem:r:${member.id}`);
    await tap(`mem:ro:${member.id}:2`);
    expect(last(h, secretary).text).toContain("Chức vụ: Chi ủy viên");
    await tap(`mem:g:${member.id}`);
    await h.fake.sendText(secretary, "private", "Tổ 3", { replyTo: last(h, secretary).message_id });
    expect(last(h, secretary).text).toContain("Tổ đảng: Tổ 3");
    const audits = await h.db.auditLog.findMany({ where: { entityId: member.id, action: "update" }, orderBy: { at: "asc" } });
    expect(audits.map((a) => JSON.parse(a.after!))).toEqual([
      { status: "official" },
      { role: "committee_member" },
      { group: "Tổ 3" },
    ]);
    const identity = await h.db.platformIdentity.findFirstOrThrow({ where: { platformUserId: String(secretary.id) } });
    expect(audits.every((a) => a.actorId === identity.id)).toBe(true);
  });

  it("marks a member exempt since a date, and asks again for an impossible date", async () => {
    const member = await openCard("Phạm Thanh Hùng");
    await tap(`mem:x:${member.id}`);
    const prompt = last(h, secretary);
    await h.fake.sendText(secretary, "private", "31/02/2026", { replyTo: prompt.message_id });
    expect(last(h, secretary).text).toContain("Ngày không hợp lệ");
    await h.fake.sendText(secretary, "private", "01/03/2026", { replyTo: prompt.message_id });
    expect(last(h, secretary).text).toContain("miễn sinh hoạt (từ 2026-03-01)");
    expect(await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
      membership: "exempt",
      exemptSince: "2026-03-01",
    });
  });

  it("records a temporary transfer out and a return", async () => {
    const member = await openCard("Hoàng Mạnh Việt");
    await tap(`mem:t:${member.id}`);
    expect(last(h, secretary).text).toContain("chuyển sinh hoạt tạm thời");
    await tap(`mem:a:${member.id}`);
    expect(last(h, secretary).text).toContain("Sinh hoạt: đang sinh hoạt");
  });

  it("removes a member with an undo that restores them", async () => {
    const member = await openCard("Nguyễn Xuân Bình");
    await tap(`mem:d:${member.id}`);
    expect(last(h, secretary).text).toContain("Đã xóa Nguyễn Xuân Bình");
    expect((await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).membership).toBe("removed");
    await h.fake.sendText(secretary, "private", "/roster");
    expect(last(h, secretary).text).toContain("Tổng số: 8");
    await h.fake.pressButton(secretary, "private", h.fake.messages(secretary).at(-2)!.message_id, byData(`mem:u:${member.id}`));
    expect((await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).membership).toBe("active");
  });

  it("adds one member and refuses a duplicate name", async () => {
    await h.fake.sendText(secretary, "private", "/addmember Trần Văn Mới, 1999, Nam, Dự bị, , Đảng viên, Tổ 2");
    expect(h.fake.messages(secretary).at(-2)!.text).toContain("Đã thêm Trần Văn Mới");
    await h.fake.sendText(secretary, "private", "/addmember trần  VĂN mới");
    expect(last(h, secretary).text).toContain("Chi bộ đã có đảng viên tên Trần Văn Mới");
    expect(await h.db.member.count({ where: { fullName: "Trần Văn Mới" } })).toBe(1);
  });

  it("keeps the roster out of the group chat", async () => {
    await h.fake.sendText(secretary, group, "/members");
    expect(last(h, group).text).toContain("tin nhắn riêng");
  });

  it("refuses member edits from a member who is not a secretary", async () => {
    const member = h.fake.user();
    await openPrivateChat(h, member);
    await h.fake.sendText(member, "private", "/members");
    expect(last(h, member).text).toContain("Chỉ bí thư hoặc phó bí thư");
  });
});
