import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeZaloChat, FakeZaloUser } from "../../support/fake-zalo/index.js";
import { startHarness, type Harness } from "../../support/harness.js";
import {
  chooseAndRead,
  linkedZaloMembers,
  newMeetingFromZalo,
  promptStored,
  sayOnZalo,
  setUpCellFromZalo,
  storedOption,
  zaloMessage,
  zaloOf,
} from "../../support/zalo-builders.js";

const NOW = new Date("2026-11-25T03:00:00Z");

let h: Harness;
let clock: Date;
let secretary: FakeZaloUser;
let group: FakeZaloChat;

beforeEach(async () => {
  clock = NOW;
  // a ward on Zalo only: no Telegram bot at all
  h = await startHarness({ now: () => clock, zalo: {}, telegram: false });
  const zalo = zaloOf(h);
  secretary = zalo.user("Hứa Minh Đạt");
  group = zalo.createGroup("Chi bộ khối 7+10", [secretary]);
});
afterEach(async () => h.stop());

const say = (chat: FakeZaloChat | FakeZaloUser, user: FakeZaloUser, text: string, replyTo?: string) =>
  sayOnZalo(h, chat, user, text, replyTo);
const choose = (chat: FakeZaloChat | FakeZaloUser, user: FakeZaloUser, data: string) => chooseAndRead(h, chat, user, data);

/** The secretary sets the Zalo group up as a cell, answering each question by replying to it. */
async function setUpFromZalo() {
  const { askName, done, binding } = await setUpCellFromZalo(h, group, secretary, "Chi bộ khối 7+10");
  expect(askName.text).toContain("Chibo là trợ lý tự động"); // the first message in a chat says it is a bot
  expect(done.text).toContain("Chi bộ khối 7+10");
  return binding;
}

/** The secretary walks through /newmeeting in the Zalo private chat, answering by number, and publishes. */
async function newMeetingOnZalo(cellId: string) {
  const { preview, meeting } = await newMeetingFromZalo(h, secretary, cellId);
  expect(preview.text).toContain("19:30");
  return meeting;
}

describe("Chibo on Zalo alone", () => {
  it("sets up a cell from a Zalo group with numbered replies, the person who ran it its secretary", async () => {
    const binding = await setUpFromZalo();
    expect(binding.cell?.type).toBe("residential");
    const managers = await h.db.cellManager.findMany({ where: { cellId: binding.cellId! }, include: { identity: true } });
    expect(managers.map((m) => [m.identity.platform, m.identity.platformUserId, m.role])).toEqual([
      ["zalo", secretary.id, "secretary"],
    ]);
    expect(h.fake.calls).toEqual([]); // Telegram is not configured, and never called
  });

  it("imports the roster from lines pasted in the Zalo private chat, confirmed by number", async () => {
    const binding = await setUpFromZalo();
    const inPrivate = zaloOf(h).privateChat(secretary);
    await say(inPrivate, secretary, "/import");
    await promptStored(h, secretary); // a plain reply continues the prompt the bot stored
    await say(inPrivate, secretary, "Nguyễn Văn An, 1960, Nam, Chính thức\nTrần Thị Bình, 1975, Nữ, Dự bị");
    await zaloMessage(h, inPrivate, (text) => text.includes("Đọc được 2 đảng viên"));
    await choose(inPrivate, secretary, await storedOption(h, secretary, "imp:ok:"));
    await zaloMessage(h, inPrivate, (text) => text.includes("2"));
    for (let i = 0; i < 200 && (await h.db.member.count()) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await h.db.member.count({ where: { cellId: binding.cellId! } })).toBe(2);
  });

  it("runs /newmeeting in the private chat with numbered replies and announces in the group", async () => {
    const binding = await setUpFromZalo();
    const meeting = await newMeetingOnZalo(binding.cellId!);
    const announcement = await zaloMessage(
      h,
      group,
      (text) => text.includes(meeting.code) && text.includes("Nhà văn hóa khối 7"),
    );
    expect(announcement.text.length).toBeLessThanOrEqual(2000);
    expect(meeting.status).toBe("published");
  });

  it("takes check-in from Zalo (a reply of 1 to the check-in post, or the code), then closes the meeting there", async () => {
    const binding = await setUpFromZalo();
    const cellId = binding.cellId!;
    await h.db.member.createMany({
      data: ["Nguyễn Văn An", "Trần Thị Bình"].map((fullName) => ({
        cellId,
        fullName,
        nameKey: fullName.toLowerCase(),
        searchKey: fullName.toLowerCase(),
        status: "official",
      })),
    });
    const meeting = await newMeetingOnZalo(cellId);
    const [an, binh] = await linkedZaloMembers(h, group, cellId, 2);
    clock = new Date(meeting.startsAt.getTime() - 10 * 60_000);
    await say(group, secretary, `@Chibo /checkin ${meeting.code}`);
    const post = await zaloMessage(h, group, (text) => text.includes(meeting.code) && text.includes("1. "));
    const code = /\b([A-Z0-9]{4,6})\b/.exec(post.text.replace(meeting.code, ""))?.[1];
    expect(code).toBeDefined();
    await storedOption(h, group, "ci:y:"); // the post's list is stored just after it is sent
    await zaloOf(h).sendText(group, an!.user, "1", { replyTo: post.message_id });
    await zaloOf(h).sendText(group, binh!.user, `@Chibo /here ${code}`);
    const present = () => h.db.attendance.findMany({ where: { meetingId: meeting.id }, include: { member: true } });
    for (let i = 0; i < 300 && (await present()).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await present()).map((a) => [a.member.fullName, a.status]).sort()).toEqual(
      [
        [an!.fullName, "present"],
        [binh!.fullName, "present"],
      ].sort(),
    );

    clock = new Date(meeting.startsAt.getTime() + 100 * 60_000);
    const inPrivate = zaloOf(h).privateChat(secretary);
    await say(inPrivate, secretary, "/close");
    for (const step of ["cl:pick:1930", "cl:pick:2100", "cl:pick:skip", "cl:pick:skip", "cl:pick:skip"]) {
      await choose(inPrivate, secretary, step);
    }
    await say(inPrivate, secretary, "15 20 45 20");
    await choose(inPrivate, secretary, "cl:pick:y");
    await choose(inPrivate, secretary, "cl:pick:y");
    const done = await zaloMessage(h, inPrivate, (text) => text.includes("Đã kết thúc buổi họp"));
    expect(done.text).toContain("Có mặt 2/2");
    await zaloMessage(h, group, (text) => text.includes("Kết quả sinh hoạt"));
    // Zalo takes no files: the minutes are named, with where to get them
    await zaloMessage(
      h,
      inPrivate,
      (text) => text.includes(`bien-ban-${meeting.code}.docx`) && text.includes("Zalo không nhận tệp"),
    );
    expect((await h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).status).toBe("closed");
  });

  it("says it is automated in a chat's first message only", async () => {
    const zalo = zaloOf(h);
    const newcomer = zalo.user("Lê Văn Mới");
    const inPrivate = zalo.privateChat(newcomer);
    const notice = "Chibo là trợ lý tự động";
    expect((await say(inPrivate, newcomer, "/help")).text).toContain(notice);
    expect((await say(inPrivate, newcomer, "/help")).text).not.toContain(notice);
  });
});
