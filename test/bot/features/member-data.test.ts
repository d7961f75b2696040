import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  announceMeeting,
  byData,
  importRoster,
  last,
  linkedMembers,
  openPrivateChat,
  setUpCell,
} from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";
import type { FakeChat, FakeUser } from "../../support/fake-telegram/index.js";

// The secretary's member card (/members) offers "Xuất dữ liệu" (the member's data as a JSON document in the private
// chat) and "Xóa dữ liệu" (erasure, after a confirmation), beside the roster's "Xóa khỏi danh sách" that can be undone.

const NOW = new Date("2026-11-25T03:00:00Z");
const REASON = "đi công tác Hải Phòng";

let h: Harness;
let secretary: FakeUser;
let group: FakeChat;
let cellId: string;
beforeEach(async () => {
  h = await startHarness({ now: () => NOW });
  ({
    secretary,
    group,
    cell: { id: cellId },
  } = await setUpCell(h));
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, "cell-14.csv");
});
afterEach(async () => h.stop());

const tap = (data: string) => h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(data));

async function openCard(name: string) {
  const member = await h.db.member.findFirstOrThrow({ where: { fullName: name } });
  await h.fake.sendText(secretary, "private", `/members ${name}`);
  await tap(`mem:v:${member.id}`);
  return member;
}

/** A linked member who answered the announced meeting "absent" with a typed reason, in the private chat. */
async function memberWhoAnswered() {
  const meeting = await announceMeeting(h, secretary);
  const announcement = last(h, group);
  const [user] = await linkedMembers(h, group, cellId, 1, { startedBot: true });
  await h.fake.pressButton(user!, group, announcement.message_id, byData(`rsvp:n:${meeting.code}`));
  const question = await h.fake.waitFor(() => h.fake.messages(user!).find((m) => m.text.includes("ý do vắng")));
  await h.fake.sendText(user!, "private", REASON, { replyTo: question.message_id });
  const identity = await h.db.platformIdentity.findFirstOrThrow({
    where: { platformUserId: String(user!.id) },
    include: { member: true },
  });
  return { user: user!, member: identity.member!, meeting };
}

describe("a member's data from the member card", () => {
  it("Xuất dữ liệu sends everything stored about the member as a JSON document in the private chat", async () => {
    const { member, meeting } = await memberWhoAnswered();
    await openCard(member.fullName);
    const card = last(h, secretary);
    expect(card.buttons.flat()).toEqual(expect.arrayContaining(["📤 Xuất dữ liệu", "🧹 Xóa dữ liệu", "🗑 Xóa khỏi danh sách"]));

    await tap(`mem:ex:${member.id}`);
    const sent = last(h, secretary);
    expect(sent.kind).toBe("document");
    expect(sent.document?.file_name).toBe(`du-lieu-dang-vien-${member.id.slice(-6)}.json`);
    expect(sent.text).toContain(`Dữ liệu Chibo lưu về ${member.fullName}`);
    const data = JSON.parse(sent.document!.bytes.toString("utf8")) as Record<string, unknown>;
    expect(data).toMatchObject({
      about: expect.stringContaining("Toàn bộ dữ liệu Chibo lưu về một đảng viên") as unknown,
      member: { id: member.id, fullName: member.fullName, birthYear: member.birthYear },
      answers: [{ meeting: { code: meeting.code }, answer: "absent", reason: REASON }],
    });
    expect((data.accounts as unknown[]).length).toBe(1);
    // the card stays as it was, to go on from
    expect(h.fake.messages(secretary).find((m) => m.message_id === card.message_id)?.text).toContain(member.fullName);
  });

  it("Xóa dữ liệu asks first; Hủy changes nothing; confirming erases the person and keeps the answer", async () => {
    const { user, member } = await memberWhoAnswered();
    await openCard(member.fullName);
    await tap(`mem:er:${member.id}`);
    expect(last(h, secretary).text).toContain(`Xóa vĩnh viễn dữ liệu cá nhân của ${member.fullName}?`);
    expect(last(h, secretary).text).toContain("Không thể hoàn tác");
    await tap(`mem:v:${member.id}`); // Hủy: back to the card
    expect(last(h, secretary).text).toContain(member.fullName);
    expect((await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).fullName).toBe(member.fullName);

    await tap(`mem:er:${member.id}`);
    await tap(`mem:ery:${member.id}`);
    const placeholder = `Đảng viên đã xóa #${member.id.slice(-6)}`;
    expect(last(h, secretary).text).toBe(
      `Đã xóa dữ liệu cá nhân của ${member.fullName}. Số liệu các buổi họp cũ được giữ dưới tên ${placeholder}.`,
    );
    expect(await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
      fullName: placeholder,
      birthYear: null,
      membership: "removed",
    });
    expect(await h.db.platformIdentity.count({ where: { platformUserId: String(user.id) } })).toBe(0);
    expect(await h.db.rsvp.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({
      answer: "absent",
      reason: null,
    });
    const erasure = await h.db.auditLog.findFirstOrThrow({ where: { action: "member_erased" } });
    expect(erasure.actorLabel).toBe(`telegram:${secretary.id}`);

    // gone from the roster; a stale button cannot revive or edit the placeholder; its card offers nothing
    await h.fake.sendText(secretary, "private", "/roster");
    expect(last(h, secretary).text).toContain("Tổng số: 8");
    for (const stale of [`mem:u:${member.id}`, `mem:a:${member.id}`, `mem:ery:${member.id}`]) {
      const pressed = await h.fake.forgeCallback(secretary, "private", last(h, secretary).message_id, stale);
      expect(pressed.answer?.text).toContain("đã được xóa trước đó");
    }
    expect((await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).membership).toBe("removed");
    await h.fake.forgeCallback(secretary, "private", last(h, secretary).message_id, `mem:v:${member.id}`);
    expect(last(h, secretary).text).toContain("Dữ liệu cá nhân của đảng viên này đã được xóa");
    expect(last(h, secretary).buttons.flat()).toEqual(["« Danh sách"]);
  });

  it("a member taken off the roster can still be erased from the removal message", async () => {
    const member = await openCard("Phạm Thanh Hùng");
    await tap(`mem:d:${member.id}`);
    expect(last(h, secretary).buttons.flat()).toEqual(["↩️ Hoàn tác", "🧹 Xóa dữ liệu"]);
    await tap(`mem:er:${member.id}`);
    await tap(`mem:ery:${member.id}`);
    expect((await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).nameKey).toBe(`erased:${member.id}`);
  });

  it("refuses both to anyone who is not the cell's secretary, and in a group", async () => {
    const member = await h.db.member.findFirstOrThrow({ where: { fullName: "Hứa Kim Oanh" } });
    const stranger = h.fake.user();
    await openPrivateChat(h, stranger);
    for (const data of [`mem:ex:${member.id}`, `mem:ery:${member.id}`]) {
      const pressed = await h.fake.forgeCallback(stranger, "private", last(h, stranger).message_id, data);
      expect(pressed.answer?.text).toContain("Chỉ bí thư hoặc phó bí thư");
    }
    const inGroup = await h.fake.forgeCallback(secretary, group, last(h, group).message_id, `mem:ery:${member.id}`);
    expect(inGroup.answer?.text).toContain("tin nhắn riêng");
    expect(h.fake.messages(stranger).some((m) => m.kind === "document")).toBe(false);
    expect((await h.db.member.findUniqueOrThrow({ where: { id: member.id } })).fullName).toBe("Hứa Kim Oanh");
  });
});
