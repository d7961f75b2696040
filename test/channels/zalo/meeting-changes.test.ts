// A secretary who has only Zalo changes a published meeting (/editmeeting) and answers for a member without a phone
// (/proxy), with numbered replies in the private chat; members see the changes in the Zalo group and privately.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeZaloChat, FakeZaloUser } from "../../support/fake-zalo/index.js";
import { startHarness, type Harness } from "../../support/harness.js";
import {
  chooseAndRead,
  chooseOnZalo,
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
const ROSTER = [
  "Nguyễn Văn An, 1960, Nam, Chính thức",
  "Trần Thị Bình, 1975, Nữ, Chính thức",
  "Lương Kim Nhung, 1950, Nữ, Chính thức",
  "Phạm Văn Dũng, 1980, Nam, Chính thức",
];

let h: Harness;
let secretary: FakeZaloUser;
let group: FakeZaloChat;
let inPrivate: FakeZaloChat;
let cellId: string;
let meeting: { id: string; code: string };

beforeEach(async () => {
  h = await startHarness({ now: () => NOW, zalo: {} });
  const zalo = zaloOf(h);
  secretary = zalo.user("Hứa Minh Đạt");
  group = zalo.createGroup("Chi bộ khối 7+10", [secretary]);
  inPrivate = zalo.privateChat(secretary);
  cellId = await setUpFromZalo();
  await importRosterOnZalo();
  meeting = await newMeetingOnZalo();
});
afterEach(async () => h.stop());

const say = (chat: FakeZaloChat | FakeZaloUser, user: FakeZaloUser, text: string, replyTo?: string) =>
  sayOnZalo(h, chat, user, text, replyTo);
const choose = (chat: FakeZaloChat | FakeZaloUser, user: FakeZaloUser, data: string) => chooseAndRead(h, chat, user, data);
/** The secretary answers the prompt the bot just sent in the private chat, once it is stored as the prompt. */
async function answerPrompt(text: string) {
  await promptStored(h, secretary);
  return say(inPrivate, secretary, text);
}
async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
}
/**
 * Waits until the bot has finished with everything the secretary asked before: a chat's messages are handled one
 * at a time, in order, so once a later command is answered the earlier one (and every notice it sent) is done.
 */
async function settled() {
  await say(inPrivate, secretary, "/meetings");
}
const botSaid = (chat: FakeZaloChat | FakeZaloUser, part: string) =>
  zaloOf(h)
    .botMessages(chat)
    .some((m) => m.text?.includes(part));

async function setUpFromZalo() {
  const { binding } = await setUpCellFromZalo(h, group, secretary, "Chi bộ khối 7+10");
  return binding.cellId!;
}

async function importRosterOnZalo() {
  await say(inPrivate, secretary, "/import");
  await answerPrompt(ROSTER.join("\n"));
  await zaloMessage(h, inPrivate, (text) => text.includes(`Đọc được ${ROSTER.length} đảng viên`));
  await choose(inPrivate, secretary, await storedOption(h, secretary, "imp:ok:"));
  await until(async () => (await h.db.member.count({ where: { cellId } })) === ROSTER.length, "the roster is saved");
}

/** /newmeeting for 19:30 on 5 Dec at the usual hall, published to the Zalo group. */
async function newMeetingOnZalo() {
  const { meeting: published } = await newMeetingFromZalo(h, secretary, cellId);
  await zaloMessage(h, group, (text) => text.includes(published.code) && text.includes("1. "));
  return published;
}

/**
 * Two members linked to the roster, both of whom have written to the bot privately (so it may write to them); the
 * first answers "1" (attending) to the announcement in the group, the second does not answer.
 */
async function oneMemberAnswered() {
  const zalo = zaloOf(h);
  const [answered, silent] = await linkedZaloMembers(h, group, cellId, 2);
  for (const member of [answered!, silent!]) await say(zalo.privateChat(member.user), member.user, "chào bot");
  const announcement = await zaloMessage(h, group, (text) => text.includes(meeting.code) && text.includes("1. "));
  await storedOption(h, group, `rsvp:y:${meeting.code}`); // the announcement's list is stored just after it is sent
  await zalo.sendText(group, answered!.user, "1", { replyTo: announcement.message_id });
  await until(async () => (await h.db.rsvp.count({ where: { meetingId: meeting.id } })) === 1, "the answer is saved");
  await zaloMessage(h, group, (text) => text.includes(answered!.fullName)); // the batched confirmation
  return { answered: answered!, silent: silent! };
}

const stored = () => h.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } });

describe("/editmeeting from the secretary's Zalo private chat", () => {
  it("moves the meeting with numbered replies, keeps the answers, and tells the group and privately only those who answered", async () => {
    const { answered, silent } = await oneMemberAnswered();
    const zalo = zaloOf(h);

    const menu = await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    expect(menu.text).toContain(`Buổi họp ${meeting.code}: 19:30`);
    expect(menu.text).toContain("Nhà văn hóa khối 7");
    expect(menu.text).toMatch(/1\. 🕖 Đổi thời gian/);
    const ask = await choose(inPrivate, secretary, `ma:t:${meeting.code}`);
    expect(ask.text).toContain("Thời gian mới?");
    const confirm = await answerPrompt("19h ngày 6/12");
    expect(confirm.text).toContain("Thời gian mới: 19:00 Chủ nhật, 06/12/2026");
    expect(confirm.text).toContain("Giữ câu trả lời");
    const done = await choose(inPrivate, secretary, await storedOption(h, secretary, `ma:tk:${meeting.code}:`));
    expect(done.text).toContain(`Đã đổi thời gian buổi họp ${meeting.code}`);
    expect(done.text).toContain("được xóa để hỏi lại: 0");

    const notice = `Buổi họp ${meeting.code} đổi sang 19:00 Chủ nhật, 06/12/2026`;
    await zaloMessage(h, group, (text) => text.includes(notice));
    await zaloMessage(h, zalo.privateChat(answered.user), (text) => text.includes(notice));
    await settled();
    expect(botSaid(zalo.privateChat(silent.user), "đổi sang")).toBe(false); // had not answered: the group notice is enough
    expect(botSaid(group, "vui lòng trả lời lại")).toBe(false);

    expect((await stored()).startsAt.toISOString()).toBe("2026-12-06T12:00:00.000Z");
    expect((await stored()).place).toBe("Nhà văn hóa khối 7");
    const answers = await h.db.rsvp.findMany({ where: { meetingId: meeting.id }, include: { member: true } });
    expect(answers.map((a) => [a.member?.fullName, a.answer])).toEqual([[answered.fullName, "attend"]]);
    expect(await h.db.auditLog.count({ where: { action: "change_time" } })).toBe(1);
  });

  it("clears the answers when the secretary picks 'ask everyone again', and the group is asked to answer again", async () => {
    await oneMemberAnswered();

    await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    await choose(inPrivate, secretary, `ma:t:${meeting.code}`);
    await answerPrompt("20h ngày 7/12");
    const done = await choose(inPrivate, secretary, await storedOption(h, secretary, `ma:tr:${meeting.code}:`));
    expect(done.text).toContain("được xóa để hỏi lại: 1");

    const notice = `Buổi họp ${meeting.code} đổi sang 20:00 thứ Hai, 07/12/2026. Các đồng chí vui lòng trả lời lại.`;
    await zaloMessage(h, group, (text) => text.includes(notice));
    expect((await stored()).startsAt.toISOString()).toBe("2026-12-07T13:00:00.000Z");
    expect(await h.db.rsvp.count({ where: { meetingId: meeting.id } })).toBe(0);
  });

  it("tells the members who had answered, privately, to answer again when the answers are cleared", async () => {
    const { answered } = await oneMemberAnswered();
    await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    await choose(inPrivate, secretary, `ma:t:${meeting.code}`);
    await answerPrompt("20h ngày 7/12");
    await choose(inPrivate, secretary, await storedOption(h, secretary, `ma:tr:${meeting.code}:`));
    await settled();
    expect(botSaid(zaloOf(h).privateChat(answered.user), "vui lòng trả lời lại")).toBe(true);
  });

  it("refuses a time that has passed and keeps the meeting, then changes the place and tells the group", async () => {
    await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    await choose(inPrivate, secretary, `ma:t:${meeting.code}`);
    const refused = await answerPrompt("hôm qua 19h");
    expect(refused.text).toContain("đã qua");
    expect((await stored()).startsAt.toISOString()).toBe("2026-12-05T12:30:00.000Z");

    await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    const ask = await choose(inPrivate, secretary, `ma:p:${meeting.code}`);
    expect(ask.text).toContain("Địa điểm mới?");
    const done = await answerPrompt("Hội trường UBND phường");
    expect(done.text).toContain(`Đã đổi địa điểm buổi họp ${meeting.code}: Hội trường UBND phường`);
    await zaloMessage(h, group, (text) => text.includes(`Buổi họp ${meeting.code} đổi địa điểm: Hội trường UBND phường`));

    const now = await stored();
    expect(now.place).toBe("Hội trường UBND phường");
    expect(now.startsAt.toISOString()).toBe("2026-12-05T12:30:00.000Z");
    expect(now.status).toBe("published");
  });

  it("takes a second try at the new time as a plain reply after refusing the first", async () => {
    await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    await choose(inPrivate, secretary, `ma:t:${meeting.code}`);
    expect((await answerPrompt("hôm qua 19h")).text).toContain("đã qua");
    const retry = await say(inPrivate, secretary, "19h ngày 6/12");
    expect(retry.text).toContain("Thời gian mới: 19:00 Chủ nhật, 06/12/2026");
  });

  it("cancels with a reason: the group is told, and a later '1' to the old announcement is refused", async () => {
    const { answered } = await oneMemberAnswered();
    const zalo = zaloOf(h);

    await say(inPrivate, secretary, `/editmeeting ${meeting.code}`);
    const ask = await choose(inPrivate, secretary, `ma:c:${meeting.code}`);
    expect(ask.text).toContain("Lý do hủy buổi họp?");
    const done = await answerPrompt("Trùng lịch tiếp xúc cử tri");
    expect(done.text).toContain(`Đã hủy buổi họp ${meeting.code}`);

    const notice = `Buổi họp ${meeting.code} đã hủy. Lý do: Trùng lịch tiếp xúc cử tri`;
    await zaloMessage(h, group, (text) => text.includes(notice));
    await zaloMessage(h, zalo.privateChat(answered.user), (text) => text.includes(notice));
    expect(await stored()).toMatchObject({ status: "cancelled", cancelReason: "Trùng lịch tiếp xúc cử tri" });
    expect(await h.db.auditLog.count({ where: { action: "cancel" } })).toBe(1);

    // a member still answering the old announcement is told it was cancelled, and nothing is recorded
    const announcement = zalo.botMessages(group).find((m) => m.text?.includes(meeting.code) && m.text.includes("1. "))!;
    const [late] = await linkedZaloMembers(h, group, cellId, 1);
    await zalo.sendText(group, late!.user, "1", { replyTo: announcement.message_id });
    await zaloMessage(h, group, (text) => text.includes(`${late!.fullName}: Buổi họp này đã bị hủy`));
    expect(await h.db.rsvp.count({ where: { meetingId: meeting.id, member: { fullName: late!.fullName } } })).toBe(0);
  });
});

describe("/proxy from the secretary's Zalo private chat", () => {
  it("records an absence for a member without a phone by numbered replies, marked as a proxy answer, and it shows in /ds in the group", async () => {
    const zalo = zaloOf(h);
    const nhung = await h.db.member.findFirstOrThrow({ where: { cellId, fullName: "Lương Kim Nhung" } });

    const list = await say(inPrivate, secretary, `/proxy ${meeting.code} luong kim nhung`);
    expect(list.text).toContain(`Trả lời thay — buổi họp ${meeting.code}`);
    expect(list.text).toContain("1. Lương Kim Nhung");
    const choices = await choose(inPrivate, secretary, `px:m:${meeting.code}:${nhung.id}`);
    expect(choices.text).toContain(`Trả lời thay Lương Kim Nhung cho buổi họp ${meeting.code}`);
    expect(choices.text).toContain("1. ✅ Sẽ dự");
    await chooseOnZalo(h, inPrivate, secretary, `px:a:${meeting.code}:${nhung.id}:work`);

    // the secretary sees the answer taken, and the list again with the member marked
    await zaloMessage(h, inPrivate, (text) => text.includes("Đã ghi Lương Kim Nhung vắng."));
    await zaloMessage(h, inPrivate, (text) => text.includes("Trả lời thay") && text.includes("❌ Lương Kim Nhung"));
    const answer = await h.db.rsvp.findFirstOrThrow({ where: { meetingId: meeting.id } });
    const secretaryIdentity = await h.db.platformIdentity.findUniqueOrThrow({
      where: { platform_platformUserId: { platform: "zalo", platformUserId: secretary.id } },
    });
    expect(answer).toMatchObject({
      memberId: nhung.id,
      answer: "absent",
      reason: "Công tác",
      byProxy: true,
      answeredById: secretaryIdentity.id,
    });
    expect(await h.db.auditLog.count({ where: { action: "proxy_answer" } })).toBe(1);

    // a member asks the group for the list of answers: the proxy answer is counted with its reason
    const [member] = await linkedZaloMembers(h, group, cellId, 1);
    await zalo.sendText(group, member!.user, `@Chibo /ds ${meeting.code}`);
    const names = await zaloMessage(h, group, (text) => text.includes("Danh sách trả lời"));
    expect(names.text).toContain("❌ Lương Kim Nhung (Công tác)");
    expect(names.text).toContain("❌ 1 vắng có lý do");
    expect(names.text).toContain(`⏳ ${member!.fullName}`);
  });

  it("changes a member's own answer when the secretary answers for them, and the tally counts it once", async () => {
    const { answered } = await oneMemberAnswered();
    const entry = await h.db.member.findFirstOrThrow({ where: { cellId, fullName: answered.fullName } });

    await say(inPrivate, secretary, `/proxy ${meeting.code}`);
    await choose(inPrivate, secretary, `px:m:${meeting.code}:${entry.id}`);
    await chooseOnZalo(h, inPrivate, secretary, `px:a:${meeting.code}:${entry.id}:sick`);
    await zaloMessage(h, inPrivate, (text) => text.includes(`Đã ghi ${answered.fullName} vắng.`)); // sent once saved

    const answers = await h.db.rsvp.findMany({ where: { meetingId: meeting.id } });
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ answer: "absent", reason: "Ốm", byProxy: true });

    await zaloOf(h).sendText(group, answered.user, `@Chibo /ds ${meeting.code}`);
    const names = await zaloMessage(h, group, (text) => text.includes("Danh sách trả lời"));
    expect(names.text).toContain(`❌ ${answered.fullName} (Ốm)`);
    expect(names.text).toContain("✅ 0 sẽ dự · ❌ 1 vắng có lý do");
    expect(names.text).not.toContain(`✅ ${answered.fullName}`);
  });

  it("refuses /proxy and /editmeeting from a member on Zalo, and changes nothing", async () => {
    const zalo = zaloOf(h);
    const [member] = await linkedZaloMembers(h, group, cellId, 1);
    const own = zalo.privateChat(member!.user);
    expect((await say(own, member!.user, `/proxy ${meeting.code}`)).text).toContain("Chỉ bí thư");
    expect((await say(own, member!.user, `/editmeeting ${meeting.code}`)).text).toContain("Chỉ bí thư");
    expect(await h.db.rsvp.count()).toBe(0);
    const now = await stored();
    expect([now.status, now.startsAt.toISOString(), now.place]).toEqual([
      "published",
      "2026-12-05T12:30:00.000Z",
      "Nhà văn hóa khối 7",
    ]);
  });
});
