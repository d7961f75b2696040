import { expect } from "vitest";
import { last } from "./builders.js";
import type { FakeUser } from "./fake-telegram/index.js";
import type { FakeZalo, FakeZaloChat, FakeZaloUser } from "./fake-zalo/index.js";
import type { Harness } from "./harness.js";

export function zaloOf(h: Harness): FakeZalo {
  expect(h.zalo, "the harness should serve Zalo").toBeDefined();
  return h.zalo!;
}

/** The bot's newest message in a Zalo chat, once one arrives whose text passes the check. */
export function zaloMessage(
  h: Harness,
  chat: FakeZaloChat | FakeZaloUser,
  matches: (text: string) => boolean,
  timeoutMs = 15_000,
) {
  const zalo = zaloOf(h);
  return zalo.waitFor(() => {
    const found = zalo
      .botMessages(chat)
      .filter((m) => matches(m.text ?? ""))
      .at(-1);
    return found && { ...found, text: found.text ?? "" };
  }, timeoutMs);
}

/** The secretary asks for a chat code in the Telegram private chat and redeems it in a new Zalo group. */
export async function bindZaloGroup(h: Harness, secretary: FakeUser, members: FakeZaloUser[] = []) {
  const zalo = zaloOf(h);
  await h.fake.sendText(secretary, "private", "/linkchat");
  const code = /\/setup ([A-Z0-9]{8})/.exec(last(h, secretary).text)?.[1];
  expect(code, "the bot should give a code").toBeDefined();
  const zaloSecretary = zalo.user("Hứa Minh Đạt");
  const group = zalo.createGroup("Chi bộ khối 7+10 (Zalo)", [zaloSecretary, ...members]);
  await zalo.sendText(group, zaloSecretary, `@Chibo /setup ${code}`);
  await zaloMessage(h, group, (text) => text.includes("đã được gắn"));
  return { group, zaloSecretary };
}

/** Zalo members whose accounts are linked to roster entries (as a secretary's /link would), after those already linked. */
export async function linkedZaloMembers(h: Harness, group: FakeZaloChat, cellId: string, count: number) {
  const zalo = zaloOf(h);
  const roster = await h.db.member.findMany({
    where: { cellId, membership: "active", role: "member", identities: { none: {} } },
    orderBy: { nameKey: "desc" },
    take: count,
  });
  const users: { user: FakeZaloUser; fullName: string }[] = [];
  for (const entry of roster) {
    const user = zalo.user(entry.fullName);
    zalo.addToGroup(group, user);
    await h.db.platformIdentity.create({
      data: { platform: "zalo", platformUserId: user.id, displayName: entry.fullName, memberId: entry.id },
    });
    users.push({ user, fullName: entry.fullName });
  }
  return users;
}

/**
 * A member answers the bot's newest numbered list in a chat with the number of the option that does `data` (the
 * list is read back from what the bot stored for it, as the member reads it on screen); in a group, as a reply.
 */
export async function chooseOnZalo(h: Harness, chat: FakeZaloChat | FakeZaloUser, user: FakeZaloUser, data: string) {
  const zalo = zaloOf(h);
  const inGroup = "chat_type" in chat && chat.chat_type === "GROUP";
  const deadline = Date.now() + 15_000;
  let seen: string[] = [];
  for (;;) {
    // the newest message must offer the option (it is stored just after it is sent, and may still be on its way)
    for (const message of zalo.botMessages(chat).slice(-1)) {
      const entry = await h.db.storageEntry.findUnique({ where: { key: `zalo:menu:${chat.id}:${message.message_id}` } });
      const options = entry ? (JSON.parse(entry.value) as { data: string[] }).data : [];
      const index = options.indexOf(data);
      if (index < 0) {
        seen = options;
        continue;
      }
      expect(message.text).toContain(`${index + 1}. `);
      const sent = zalo.botMessages(chat).length;
      await zalo.sendText(chat, user, String(index + 1), inGroup ? { replyTo: message.message_id } : {});
      return sent;
    }
    if (Date.now() > deadline) throw new Error(`no list offers ${data} in ${chat.id}; the last offered ${seen.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the bot has said more than `count` messages in the chat, and returns the newest. */
export function nextZaloMessage(h: Harness, chat: FakeZaloChat | FakeZaloUser, count: number) {
  const zalo = zaloOf(h);
  return zalo.waitFor(() => (zalo.botMessages(chat).length > count ? zalo.botMessages(chat).at(-1) : undefined), 15_000);
}

/** Waits until the bot has stored its newest message in a private chat as the prompt that plain replies continue. */
export async function promptStored(h: Harness, user: FakeZaloUser) {
  const zalo = zaloOf(h);
  const newest = zalo.botMessages(zalo.privateChat(user)).at(-1)?.message_id;
  for (let i = 0; i < 500; i++) {
    const entry = await h.db.storageEntry.findUnique({ where: { key: `zalo:chat:${user.id}:prompt` } });
    if (entry && JSON.parse(entry.value) === newest) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the prompt was never stored");
}

/** The data of an option, among the numbered lists the bot has stored for a chat, that starts with `prefix`. */
export async function storedOption(h: Harness, chat: { id: string }, prefix: string): Promise<string> {
  for (let i = 0; i < 750; i++) {
    const entries = await h.db.storageEntry.findMany({ where: { key: { startsWith: `zalo:menu:${chat.id}:` } } });
    const found = entries
      .flatMap((entry) => (JSON.parse(entry.value) as { data: string[] }).data)
      .find((d) => d.startsWith(prefix));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20)); // a list is stored just after it is sent
  }
  throw new Error(`no stored option starts with ${prefix}`);
}

type ZaloChatOrUser = FakeZaloChat | FakeZaloUser;

/** Sends a text and waits for the bot's next message in that chat. */
export async function sayOnZalo(h: Harness, chat: ZaloChatOrUser, user: FakeZaloUser, text: string, replyTo?: string) {
  const zalo = zaloOf(h);
  const before = zalo.botMessages(chat).length;
  await zalo.sendText(chat, user, text, replyTo ? { replyTo } : {});
  return nextZaloMessage(h, chat, before);
}

/** Answers the newest numbered list with the number of the option that does `data`, and waits for the bot's answer. */
export async function chooseAndRead(h: Harness, chat: ZaloChatOrUser, user: FakeZaloUser, data: string) {
  const before = await chooseOnZalo(h, chat, user, data);
  return nextZaloMessage(h, chat, before);
}

/** The secretary sets a Zalo group up as a cell (named as the group), answering each question by replying to it. */
export async function setUpCellFromZalo(h: Harness, group: FakeZaloChat, secretary: FakeZaloUser, name: string) {
  const askName = await sayOnZalo(h, group, secretary, "@Chibo /setup");
  await sayOnZalo(h, group, secretary, name, askName.message_id);
  await chooseAndRead(h, group, secretary, "setup:type:residential");
  const done = await chooseAndRead(h, group, secretary, "setup:ok");
  const binding = await h.db.chatBinding.findUniqueOrThrow({
    where: { platform_chatId: { platform: "zalo", chatId: group.id } },
    include: { cell: true },
  });
  return { askName, done, binding };
}

/** The secretary walks through /newmeeting in the Zalo private chat (19:30 on 5 Dec), answering by number, and publishes. */
export async function newMeetingFromZalo(h: Harness, secretary: FakeZaloUser, cellId: string, place = "Nhà văn hóa khối 7") {
  const inPrivate = zaloOf(h).privateChat(secretary);
  await sayOnZalo(h, inPrivate, secretary, "/newmeeting");
  await chooseAndRead(h, inPrivate, secretary, "nm:pick:type:regular");
  await sayOnZalo(h, inPrivate, secretary, "19h30 ngày 5/12");
  await sayOnZalo(h, inPrivate, secretary, place);
  for (const step of ["nm:pick:agenda-ok", "nm:pick:suggest:0", "nm:pick:skip", "nm:pick:minutes:90", "nm:pick:deadline:2h"]) {
    await chooseAndRead(h, inPrivate, secretary, step);
  }
  const preview = await zaloMessage(h, inPrivate, (text) => text.includes(place) && text.includes("1. "));
  await chooseAndRead(h, inPrivate, secretary, "nm:pick:publish");
  return { preview, meeting: await h.db.meeting.findFirstOrThrow({ where: { cellId } }) };
}
