// committees, cells, create-committee, invite-codes: the committee flows of the bot's /committee and /invite.
import { isLocale } from "../i18n.js";
import type { Platform } from "../domain/cells.js";
import { MAX_INVITES_AT_ONCE, createCommittee, issueInviteCodes } from "../domain/committees.js";
import type { Db } from "../db/client.js";
import {
  EXIT_OK,
  UsageError,
  cliActor,
  noPositionals,
  parseCommandArgs,
  pickByIdOrName,
  requireConfig,
  table,
  withDatabase,
  type Output,
} from "./context.js";

export async function committeesCommand(args: string[], io: Output): Promise<number> {
  const { positionals } = parseCommandArgs("committees", args, {});
  noPositionals("committees", positionals);
  const config = requireConfig();
  return withDatabase(config, io, async ({ db }) => {
    const now = new Date();
    const committees = await db.committee.findMany({
      orderBy: { name: "asc" },
      include: {
        bindings: { where: { active: true } },
        _count: { select: { cells: true, inviteCodes: { where: { usedAt: null, expiresAt: { gt: now } } } } },
      },
    });
    if (committees.length === 0) {
      io.out("No committees yet. Create one with `create-committee --name NAME --chat telegram:CHAT_ID`.");
      return EXIT_OK;
    }
    const rows = committees.map((c) => [
      c.id,
      c.name,
      String(c._count.cells),
      String(c._count.inviteCodes),
      c.timeZone,
      c.bindings.map((b) => `${b.platform}:${b.chatId}`).join(", ") || "-",
    ]);
    for (const line of table(["ID", "NAME", "CELLS", "OPEN CODES", "TIME ZONE", "CHATS"], rows)) io.out(line);
    return EXIT_OK;
  });
}

export async function cellsCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs("cells", args, { committee: { type: "string" } });
  noPositionals("cells", positionals);
  const config = requireConfig();
  return withDatabase(config, io, async ({ db }) => {
    const committee = values.committee === undefined ? undefined : await findCommittee(db, values.committee);
    const cells = await db.cell.findMany({
      where: committee ? { committeeId: committee.id } : {},
      orderBy: { name: "asc" },
      include: {
        committee: true,
        bindings: { where: { active: true } },
        _count: { select: { members: { where: { membership: { not: "removed" } } } } },
      },
    });
    if (cells.length === 0) {
      io.out(committee ? `No cells in ${committee.name} yet.` : "No cells yet.");
      return EXIT_OK;
    }
    const rows = cells.map((cell) => [
      cell.id,
      cell.name,
      cell.type,
      String(cell._count.members),
      cell.committee?.name ?? "-",
      cell.bindings.map((b) => `${b.platform}:${b.chatId}`).join(", ") || "-",
    ]);
    for (const line of table(["ID", "NAME", "TYPE", "MEMBERS", "COMMITTEE", "CHATS"], rows)) io.out(line);
    return EXIT_OK;
  });
}

export async function createCommitteeCommand(args: string[], io: Output): Promise<number> {
  const command = "create-committee";
  const { values, positionals } = parseCommandArgs(command, args, {
    name: { type: "string" },
    chat: { type: "string" },
    title: { type: "string" },
    timezone: { type: "string" },
    locale: { type: "string" },
    invites: { type: "string", default: "1" },
  });
  noPositionals(command, positionals);
  if (!values.name?.trim()) throw new UsageError("--name is required", command);
  if (!values.chat) throw new UsageError("--chat is required (the committee's group, e.g. telegram:-1001234567890)", command);
  const chat = parseChat(values.chat, command);
  const invites = parseCount(values.invites, "--invites", 0, MAX_INVITES_AT_ONCE, command);
  const config = requireConfig();
  const timeZone = values.timezone ?? config.defaultTimeZone;
  if (!isTimeZone(timeZone))
    throw new UsageError(`--timezone "${timeZone}" is not an IANA time zone such as Asia/Ho_Chi_Minh`, command);
  const locale = values.locale ?? config.defaultLocale;
  if (!isLocale(locale)) throw new UsageError(`--locale must be vi or en, not "${locale}"`, command);
  return withDatabase(config, io, async ({ db }) => {
    const actor = cliActor();
    const committee = await createCommittee(db, actor, {
      name: values.name!,
      platform: chat.platform,
      chatId: chat.chatId,
      chatTitle: values.title ?? null,
      timeZone,
      locale,
    });
    io.out(`Created committee ${committee.name}`);
    io.out(`  id:        ${committee.id}`);
    io.out(`  chat:      ${chat.platform}:${chat.chatId} (add the bot there; monthly reports are posted to it)`);
    io.out(`  time zone: ${committee.timeZone}, language: ${committee.locale}`);
    if (invites > 0) {
      const issued = await issueInviteCodes(db, actor, committee.id, invites, config.inviteCodeTtlDays);
      printCodes(io, issued.codes, issued.expiresAt, committee.timeZone);
    }
    return EXIT_OK;
  });
}

export async function inviteCodesCommand(args: string[], io: Output): Promise<number> {
  const command = "invite-codes";
  const { values, positionals } = parseCommandArgs(command, args, {
    committee: { type: "string" },
    count: { type: "string", default: "1" },
    "ttl-days": { type: "string" },
  });
  noPositionals(command, positionals);
  if (!values.committee) throw new UsageError("--committee is required", command);
  const count = parseCount(values.count, "--count", 1, MAX_INVITES_AT_ONCE, command);
  const config = requireConfig();
  const ttlDays =
    values["ttl-days"] === undefined ? config.inviteCodeTtlDays : parseCount(values["ttl-days"], "--ttl-days", 1, 365, command);
  return withDatabase(config, io, async ({ db }) => {
    const committee = await findCommittee(db, values.committee!);
    const issued = await issueInviteCodes(db, cliActor(), committee.id, count, ttlDays);
    printCodes(io, issued.codes, issued.expiresAt, committee.timeZone, committee.name);
    return EXIT_OK;
  });
}

function printCodes(io: Output, codes: string[], expiresAt: Date, timeZone: string, committee?: string): void {
  const plural = codes.length === 1 ? "" : "s";
  const until = `${formatLocal(expiresAt, timeZone)} ${timeZone}`;
  io.out(`Invite code${plural}${committee ? ` for ${committee}` : ""} (single use, valid until ${until}):`);
  for (const code of codes) io.out(`  ${code}`);
  io.out("A cell's secretary sends /setup CODE in the cell's group.");
}

export async function findCommittee(db: Db, query: string) {
  const committees = await db.committee.findMany({ orderBy: { name: "asc" } });
  return pickByIdOrName(committees, query, "committee", "committees");
}

export async function findCell(db: Db, query: string) {
  const cells = await db.cell.findMany({ orderBy: { name: "asc" } });
  return pickByIdOrName(cells, query, "cell", "cells");
}

function parseChat(text: string, command: string): { platform: Platform; chatId: string } {
  const match = /^(telegram|zalo):(\S+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--chat must look like telegram:-1001234567890 or zalo:CHAT_ID, not "${text}"`, command);
  const platform = match[1] as Platform;
  const chatId = match[2]!;
  if (platform === "telegram" && !/^-?\d+$/.test(chatId)) {
    throw new UsageError(`a Telegram chat id is a number (groups start with -100), not "${chatId}"`, command);
  }
  return { platform, chatId };
}

function parseCount(text: string | undefined, option: string, min: number, max: number, command: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text ?? "") || value < min || value > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not "${text}"`, command);
  }
  return value;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** YYYY-MM-DD HH:mm in the time zone. */
export function formatLocal(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
}
