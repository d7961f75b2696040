// A cell with its roster imported and a meeting published, built through the bot as a secretary would, for tests
// and benchmarks that run the bot as separate processes (no in-process harness to lean on).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../../src/db/client.js";
import type { FakeChat, FakeTelegram, FakeUser } from "./fake-telegram/index.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export interface PublishedCell {
  group: FakeChat;
  secretary: FakeUser;
  /** One Telegram account per roster entry, in the group and linked to its member. */
  members: FakeUser[];
  memberIds: string[];
  announcementId: number;
  code: string;
  meetingId: string;
}

/**
 * /setup in a new group, the roster file imported in the private chat, /newmeeting with the standard answers and
 * published. The members' accounts are linked in the database directly: linking is tested elsewhere, and here it
 * would only multiply the set-up's updates.
 */
export async function publishedCell(
  fake: FakeTelegram,
  db: Db,
  options: { title: string; roster: string; day: number; secretaryName?: string },
): Promise<PublishedCell> {
  const tapLast = async (user: FakeUser, chat: FakeChat | "private", data: string) => {
    const message = fake.lastMessage(chat === "private" ? user : chat)!;
    await fake.pressButton(user, chat, message.message_id, (b) => b.callback_data === data);
  };
  const secretary = fake.user({ first_name: options.secretaryName ?? "Bí thư" });
  const group = fake.createGroup({ title: options.title, creator: secretary, type: "supergroup" });
  await fake.sendText(secretary, group, "/setup");
  for (const data of ["setup:title", "setup:type:residential", "setup:ok"]) await tapLast(secretary, group, data);
  await fake.sendText(secretary, "private", "/start");
  await fake.sendDocument(secretary, "private", {
    fileName: options.roster,
    mimeType: "text/csv",
    content: readFileSync(path.join(fixtures, options.roster)),
  });
  const preview = fake.lastMessage(secretary)!;
  await fake.pressButton(secretary, "private", preview.message_id, (b) => b.callback_data?.startsWith("imp:ok:") ?? false);
  await fake.sendText(secretary, "private", "/newmeeting");
  await tapLast(secretary, "private", "nm:pick:type:regular");
  await fake.sendText(secretary, "private", `19h30 ngày ${options.day}/12`);
  await fake.sendText(secretary, "private", "Nhà văn hóa");
  for (const data of ["nm:pick:agenda-ok", "nm:pick:suggest:0", "nm:pick:skip", "nm:pick:minutes:90", "nm:pick:deadline:2h"])
    await tapLast(secretary, "private", data);
  if (fake.lastMessage(secretary)!.text.includes("Vẫn giữ")) await tapLast(secretary, "private", "nm:pick:keep");
  await tapLast(secretary, "private", "nm:pick:publish");

  const binding = await db.chatBinding.findFirstOrThrow({ where: { chatId: String(group.id) } });
  const meeting = await db.meeting.findFirstOrThrow({ where: { cellId: binding.cellId! } });
  const roster = await db.member.findMany({ where: { cellId: binding.cellId!, membership: { not: "removed" } } });
  const members: FakeUser[] = [];
  for (const entry of roster) {
    const user = fake.user({ first_name: entry.fullName.split(" ").at(-1)! });
    void fake.addUserToGroup(group, user);
    await db.platformIdentity.create({
      data: { platform: "telegram", platformUserId: String(user.id), displayName: user.first_name, memberId: entry.id },
    });
    members.push(user);
  }
  await fake.settled();
  return {
    group,
    secretary,
    members,
    memberIds: roster.map((r) => r.id),
    announcementId: fake.lastMessage(group)!.message_id,
    code: meeting.code,
    meetingId: meeting.id,
  };
}
