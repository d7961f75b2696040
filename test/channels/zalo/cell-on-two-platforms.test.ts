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
import type { FakeChat, FakeUser } from "../../support/fake-telegram/index.js";
import type { FakeZaloChat } from "../../support/fake-zalo/index.js";
import { startHarness, type Harness } from "../../support/harness.js";
import { bindZaloGroup, linkedZaloMembers, zaloMessage, zaloOf } from "../../support/zalo-builders.js";

const NOW = new Date("2026-11-25T03:00:00Z");

let h: Harness;
let secretary: FakeUser;
let telegramGroup: FakeChat;
let zaloGroup: FakeZaloChat;
let cellId: string;

beforeEach(async () => {
  h = await startHarness({ now: () => NOW, zalo: {}, tuning: { zaloBatchMs: 1500 } });
  ({ secretary, group: telegramGroup, cellId } = await setUpCell(h).then((r) => ({ ...r, cellId: r.cell.id })));
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, "cell-14.csv");
  ({ group: zaloGroup } = await bindZaloGroup(h, secretary));
});
afterEach(async () => h.stop());

describe("a cell with a Telegram group and a Zalo group", () => {
  it("binds the Zalo group to the same cell with a one-time code, and refuses the code a second time", async () => {
    const bindings = await h.db.chatBinding.findMany({ where: { cellId }, orderBy: { platform: "asc" } });
    expect(bindings.map((b) => b.platform)).toEqual(["telegram", "zalo"]);
    const zalo = zaloOf(h);
    const stranger = zalo.user("Người lạ");
    const other = zalo.createGroup("Nhóm khác", [stranger]);
    const code = /\/setup ([A-Z0-9]{8})/.exec(last(h, secretary).text)?.[1];
    await zalo.sendText(other, stranger, `@Chibo /setup ${code}`);
    await zaloMessage(h, other, (text) => text.includes("không đúng hoặc đã được dùng"));
    expect(await h.db.chatBinding.count({ where: { cellId } })).toBe(2);
  });

  it("announces in both groups; answers from both show in one tally, and Zalo gets one batched confirmation", async () => {
    const meeting = await announceMeeting(h, secretary);
    const announcement = await zaloMessage(h, zaloGroup, (text) => text.includes(meeting.code) && text.includes("1. "));
    expect(announcement.text).toContain("Trả lời (reply) tin này bằng một số");
    expect(announcement.text).not.toMatch(/<[a-z]+>/); // HTML became plain text

    const [telegramMember] = await linkedMembers(h, telegramGroup, cellId, 1);
    const [an, binh, chi] = await linkedZaloMembers(h, zaloGroup, cellId, 3);
    const zalo = zaloOf(h);
    await zalo.sendText(zaloGroup, an!.user, "1", { replyTo: announcement.message_id });
    await zalo.sendText(zaloGroup, binh!.user, "2 ốm", { replyTo: announcement.message_id });
    await zalo.sendText(zaloGroup, chi!.user, "@Chibo có ạ");
    const telegramPost = h.fake.messages(telegramGroup).find((m) => m.text.includes(meeting.code) && m.reply_markup)!;
    await h.fake.pressButton(telegramMember!, telegramGroup, telegramPost.message_id, byData(`rsvp:y:${meeting.code}`));

    const confirmation = await zaloMessage(h, zaloGroup, (text) => text.includes(binh!.fullName) && text.includes(chi!.fullName));
    expect(confirmation.text).toContain(an!.fullName);
    const confirmations = zalo.botMessages(zaloGroup).filter((m) => m.text?.includes(binh!.fullName));
    expect(confirmations).toHaveLength(1);

    const answers = await h.db.rsvp.findMany({ where: { meetingId: meeting.id }, include: { member: true } });
    expect(answers.map((a) => [a.member?.fullName, a.answer, a.reason]).sort()).toEqual(
      [
        [an!.fullName, "attend", null],
        [binh!.fullName, "absent", "ốm"],
        [chi!.fullName, "attend", null],
        [
          answers.find((a) => a.answer === "attend" && ![an, chi].some((z) => z!.fullName === a.member?.fullName))!.member
            ?.fullName,
          "attend",
          null,
        ],
      ].sort(),
    );
    // the Telegram announcement's live tally counts the Zalo answers too
    await h.fake.waitFor(
      () =>
        h.fake
          .messages(telegramGroup)
          .find((m) => m.message_id === telegramPost.message_id)
          ?.text.includes("3"),
      8000,
    );

    await zalo.sendText(zaloGroup, chi!.user, `@Chibo /ds ${meeting.code}`);
    const names = await zaloMessage(
      h,
      zaloGroup,
      (text) => text.includes(binh!.fullName) && text.includes("ốm") && text.includes(telegramMember!.first_name),
    );
    expect(names.text).toContain(an!.fullName);
  });

  it("asks for the meeting's code when a member answers without one while two meetings are open", async () => {
    const first = await announceMeeting(h, secretary);
    const second = await announceMeeting(h, secretary, "19h30 ngày 5/1");
    const [an] = await linkedZaloMembers(h, zaloGroup, cellId, 1);
    const zalo = zaloOf(h);
    await zalo.sendText(zaloGroup, an!.user, "@Chibo 1");
    const question = await zaloMessage(
      h,
      zaloGroup,
      (text) => text.includes(first.code) && text.includes(second.code) && text.includes("mã"),
    );
    expect(question).toBeDefined();
    expect(await h.db.rsvp.count()).toBe(0);
    await zalo.sendText(zaloGroup, an!.user, `@Chibo /rsvp ${second.code} 2 đi công tác`);
    await zalo.waitFor(() => zalo.botMessages(zaloGroup).some((m) => m.text?.includes("đi công tác")), 8000);
    const saved = await h.db.rsvp.findFirstOrThrow({ where: { meetingId: second.id } });
    expect([saved.answer, saved.reason]).toEqual(["absent", "đi công tác"]);
  });
});
