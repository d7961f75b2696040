import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { FakeChat, FakeUser } from "./fake-telegram/index.js";
import { startHarness, type Harness, type HarnessOptions } from "./harness.js";

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export function fixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}

export interface WardCell {
  name: string;
  type: string;
  roster: string;
  members: number;
  probationary: number;
  exempt: number;
}

export function wardFixture(): { organization: string; timezone: string; cells: WardCell[] } {
  return JSON.parse(fixture("ward.json").toString("utf8"));
}

export const byData = (data: string) => (button: { callback_data?: string }) => button.callback_data === data;
export const dataStartsWith = (prefix: string) => (button: { callback_data?: string }) =>
  button.callback_data?.startsWith(prefix) ?? false;

/** The bot's newest message in a chat, failing the test if there is none. */
export function last(h: Harness, chat: FakeChat | FakeUser) {
  const message = h.fake.lastMessage(chat);
  expect(message, "the bot should have answered").toBeDefined();
  return message!;
}

/** A group admin sets the group up as a cell through /setup, tapping through the three steps. */
export async function setUpCell(h: Harness, options: { title?: string; code?: string; type?: string } = {}) {
  const secretary = h.fake.user({ first_name: "Hứa Minh", last_name: "Đạt", username: "bithu" });
  const group = h.fake.createGroup({ title: options.title ?? "Chi bộ khối 7+10", creator: secretary });
  await h.fake.sendText(secretary, group, `/setup${options.code ? ` ${options.code}` : ""}`);
  await h.fake.pressButton(secretary, group, last(h, group).message_id, byData("setup:title"));
  await h.fake.pressButton(secretary, group, last(h, group).message_id, byData(`setup:type:${options.type ?? "residential"}`));
  await h.fake.pressButton(secretary, group, last(h, group).message_id, byData("setup:ok"));
  const binding = await h.db.chatBinding.findUniqueOrThrow({
    where: { platform_chatId: { platform: "telegram", chatId: String(group.id) } },
    include: { cell: true },
  });
  return { secretary, group, cell: binding.cell! };
}

/** The person opens the private chat with the bot, as everyone must before the bot may write to them. */
export async function openPrivateChat(h: Harness, user: FakeUser) {
  await h.fake.sendText(user, "private", "/start");
}

/** The secretary sends a roster file in the private chat and saves the preview. */
export async function importRoster(h: Harness, secretary: FakeUser, fileName: string) {
  await h.fake.sendDocument(secretary, "private", { fileName, mimeType: "text/csv", content: fixture(fileName) });
  const preview = last(h, secretary);
  await h.fake.pressButton(secretary, "private", preview.message_id, dataStartsWith("imp:ok:"));
  return preview;
}

/** A new user who has joined the group (the bot sees the join as a service message). */
export async function groupMember(h: Harness, group: FakeChat, partial: Partial<FakeUser> = {}): Promise<FakeUser> {
  const user = h.fake.user(partial);
  await h.fake.addUserToGroup(group, user);
  return user;
}

/** The callback data of the first button on a bot message whose data starts with the prefix. */
export function callbackDataOn(message: { reply_markup?: unknown }, prefix: string): string | undefined {
  const markup = message.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return markup?.inline_keyboard?.flat().find((button) => button.callback_data?.startsWith(prefix))?.callback_data;
}

/** The secretary walks through /newmeeting with the defaults and publishes; returns the meeting row. */
export async function announceMeeting(h: Harness, secretary: FakeUser, when = "19h30 ngày 5/12", place = "Nhà văn hóa khối 7") {
  const tapOn = (data: string) => h.fake.pressButton(secretary, "private", last(h, secretary).message_id, byData(data));
  await h.fake.sendText(secretary, "private", "/newmeeting");
  await tapOn("nm:pick:type:regular");
  await h.fake.sendText(secretary, "private", when);
  await h.fake.sendText(secretary, "private", place);
  await tapOn("nm:pick:agenda-ok");
  await tapOn("nm:pick:suggest:0");
  await tapOn("nm:pick:skip");
  await tapOn("nm:pick:minutes:90");
  await tapOn("nm:pick:deadline:2h");
  await tapOn("nm:pick:publish");
  return h.db.meeting.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
}

/**
 * Members who joined the group and whose accounts are linked to roster entries (the linking flow itself is
 * tested in linking.test.ts; here it is set up directly, as a secretary's /link would).
 */
export async function linkedMembers(
  h: Harness,
  group: FakeChat,
  cellId: string,
  count: number,
  options: { startedBot?: boolean } = {},
) {
  // ordinary members first: a linked secretary would rightly be allowed what members are not
  // (and exempt members last: they are invited but not expected)
  const roster = await h.db.member.findMany({
    where: { cellId, membership: { in: ["active", "exempt"] } },
    orderBy: { nameKey: "asc" },
  });
  const rank = (m: { role: string; membership: string }) => (m.membership === "exempt" ? 2 : m.role === "member" ? 0 : 1);
  const entries = [...roster].sort((a, b) => rank(a) - rank(b)).slice(0, count);
  const users: FakeUser[] = [];
  for (const entry of entries) {
    const user = h.fake.user({ first_name: entry.fullName.split(" ").at(-1)! }, { startedBot: options.startedBot ?? false });
    await h.fake.addUserToGroup(group, user);
    const startedPrivate = options.startedBot ?? false;
    await h.db.platformIdentity.upsert({
      where: { platform_platformUserId: { platform: "telegram", platformUserId: String(user.id) } },
      create: {
        platform: "telegram",
        platformUserId: String(user.id),
        displayName: user.first_name,
        memberId: entry.id,
        startedPrivate,
      },
      update: { memberId: entry.id, startedPrivate },
    });
    users.push(user);
  }
  return users;
}

/**
 * The usual world of a meeting test: a bot, a cell set up in its group, the secretary's private chat, the roster
 * imported (cell-14.csv unless told) and a meeting announced (19:30 on 5 Dec 2026) with its post in the group.
 */
export async function meetingWorld(options: HarnessOptions & { roster?: string } = {}) {
  const { roster = "cell-14.csv", ...harnessOptions } = options;
  const h = await startHarness(harnessOptions);
  const { secretary, group, cell } = await setUpCell(h);
  await openPrivateChat(h, secretary);
  await importRoster(h, secretary, roster);
  const meeting = await announceMeeting(h, secretary);
  return { h, secretary, group, cell, cellId: cell.id, meeting, announcement: last(h, group) };
}
