import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { byData, dataStartsWith, groupMember, importRoster, last, openPrivateChat, setUpCell } from "../../support/builders.js";
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

async function claim(user: FakeUser, name: string) {
  await h.fake.sendText(user, group, `/iam ${name}`);
  const member = await h.db.member.findFirstOrThrow({ where: { fullName: name } });
  await h.fake.pressButton(user, group, last(h, group).message_id, byData(`lk:c:${member.id}`));
  return member;
}

async function linkedMemberOf(user: FakeUser) {
  const identity = await h.db.platformIdentity.findFirstOrThrow({
    where: { platformUserId: String(user.id) },
    include: { member: true },
  });
  return identity.member;
}

describe("members link their Telegram account to the roster", () => {
  it("a member claims their name in the group and the secretary approves privately", async () => {
    const member = await groupMember(h, group, { first_name: "Bình", username: "binh" });
    await openPrivateChat(h, member);
    await claim(member, "Nguyễn Xuân Bình");
    expect(last(h, group).text).toContain("Đã gửi yêu cầu liên kết");
    const request = last(h, secretary);
    expect(request.text).toContain("xin nhận là Nguyễn Xuân Bình");
    await h.fake.pressButton(secretary, "private", request.message_id, dataStartsWith("lk:a:"));
    expect(last(h, secretary).text).toContain("Đã liên kết");
    expect((await linkedMemberOf(member))?.fullName).toBe("Nguyễn Xuân Bình");
    expect(last(h, member).text).toContain("Bí thư đã xác nhận");
    await h.fake.sendText(member, group, "/me");
    expect(last(h, group).text).toContain("Nguyễn Xuân Bình");
  });

  it("a rejected claim links nothing and tells the member", async () => {
    const member = await groupMember(h, group);
    await openPrivateChat(h, member);
    await claim(member, "Hoàng Mạnh Việt");
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("lk:r:"));
    expect(await linkedMemberOf(member)).toBeNull();
    expect(last(h, member).text).toContain("chưa đồng ý");
  });

  it("a claimed entry cannot be taken by another account", async () => {
    const first = await groupMember(h, group);
    const second = await groupMember(h, group);
    await claim(first, "Phạm Thanh Hùng");
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("lk:a:"));
    await claim(second, "Phạm Thanh Hùng");
    const answers = h.fake.callsTo("answerCallbackQuery").map((c) => String(c.params.text ?? ""));
    expect(answers.some((text) => text.includes("đã được liên kết với một tài khoản khác"))).toBe(true);
    expect(await linkedMemberOf(second)).toBeNull();
  });

  it("a claim for a member removed meanwhile is refused at approval", async () => {
    const member = await groupMember(h, group);
    const entry = await claim(member, "Lương Kim Nhung");
    const request = last(h, secretary);
    await h.fake.sendText(secretary, "private", "/members Lương Kim Nhung");
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(`mem:v:${entry.id}`));
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(`mem:d:${entry.id}`));
    await h.fake.pressButton(secretary, "private", request.message_id, dataStartsWith("lk:a:"));
    expect(await linkedMemberOf(member)).toBeNull();
  });

  it("tells the group when the secretary has not opened a private chat, and /requests lists the claim", async () => {
    const { secretary: quietSecretary, group: quietGroup } = await setUpCell(h, { title: "Chi bộ khối 12" });
    const member = await groupMember(h, quietGroup);
    await h.db.member.create({
      data: {
        cellId: (await h.db.chatBinding.findFirstOrThrow({ where: { chatId: String(quietGroup.id) } })).cellId!,
        fullName: "Đỗ Văn Xa",
        nameKey: "đỗ văn xa",
        searchKey: "do van xa",
        status: "official",
      },
    });
    await h.fake.sendText(member, quietGroup, "/iam do van xa");
    await h.fake.pressButton(member, quietGroup, last(h, quietGroup).message_id, dataStartsWith("lk:c:"));
    expect(last(h, quietGroup).text).toContain("Bí thư chưa mở tin nhắn riêng");
    await openPrivateChat(h, quietSecretary);
    await h.fake.sendText(quietSecretary, "private", "/cell");
    await h.fake.sendText(quietSecretary, "private", "/requests");
    expect(last(h, quietSecretary).text).toContain("xin nhận là Đỗ Văn Xa");
  });

  it("the secretary links a member directly by replying /link to their message", async () => {
    const member = await groupMember(h, group, { first_name: "Ngô", last_name: "Minh Quân" });
    const said = await h.fake.sendText(member, group, "/help");
    await h.fake.sendText(secretary, group, "/link ngo minh quan", { replyTo: said.message!.message_id });
    await h.fake.pressButton(secretary, group, last(h, group).message_id, dataStartsWith("lk:d:"));
    expect((await linkedMemberOf(member))?.fullName).toBe("Ngô Minh Quân");
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { action: "link_account" } });
    expect(audit.cellId).not.toBeNull();
  });

  it("a member cannot use /link", async () => {
    const member = await groupMember(h, group);
    const other = await groupMember(h, group);
    const said = await h.fake.sendText(other, group, "/help");
    await h.fake.sendText(member, group, "/link ngo minh quan", { replyTo: said.message!.message_id });
    expect(last(h, group).text).toContain("Chỉ bí thư hoặc phó bí thư");
  });

  it("answers a name that is not on the roster", async () => {
    const member = await groupMember(h, group);
    await h.fake.sendText(member, group, "/iam Không Có Ai");
    expect(last(h, group).text).toContain("Không tìm thấy");
  });
});
