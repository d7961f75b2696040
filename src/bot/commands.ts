import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { SUPPORTED_LOCALES, type Locale } from "../config.js";
import type { Translations } from "../i18n.js";

export type Audience = "member" | "secretary" | "committee" | "operator";

/** Who may use which command, in which kind of chat. /help and the command menus both read this. */
export const COMMANDS: { command: string; audience: Audience; where: ("private" | "group")[] }[] = [
  { command: "start", audience: "member", where: ["private"] },
  { command: "help", audience: "member", where: ["private", "group"] },
  { command: "iam", audience: "member", where: ["group"] },
  { command: "me", audience: "member", where: ["private", "group"] },
  { command: "lang", audience: "member", where: ["private", "group"] },
  { command: "meetings", audience: "member", where: ["private", "group"] },
  { command: "meeting", audience: "member", where: ["private", "group"] },
  { command: "rsvp", audience: "member", where: ["private", "group"] },
  { command: "ds", audience: "member", where: ["private", "group"] },
  { command: "agenda", audience: "member", where: ["private", "group"] },
  { command: "propose", audience: "member", where: ["private", "group"] },
  { command: "here", audience: "member", where: ["private", "group"] },
  { command: "leave", audience: "member", where: ["private", "group"] },
  { command: "cancel", audience: "member", where: ["private", "group"] },
  { command: "checkin", audience: "secretary", where: ["private", "group"] },
  { command: "rollcall", audience: "secretary", where: ["private"] },
  { command: "opening", audience: "secretary", where: ["private", "group"] },
  { command: "note", audience: "secretary", where: ["private"] },
  { command: "guest", audience: "secretary", where: ["private"] },
  { command: "close", audience: "secretary", where: ["private"] },
  { command: "minutes", audience: "secretary", where: ["private"] },
  { command: "settings", audience: "secretary", where: ["private", "group"] },
  { command: "editmeeting", audience: "secretary", where: ["private"] },
  { command: "attach", audience: "secretary", where: ["private"] },
  { command: "newmeeting", audience: "secretary", where: ["private", "group"] },
  { command: "proxy", audience: "secretary", where: ["private"] },
  { command: "setup", audience: "secretary", where: ["group"] },
  { command: "linkchat", audience: "secretary", where: ["private"] },
  { command: "roster", audience: "secretary", where: ["private"] },
  { command: "import", audience: "secretary", where: ["private"] },
  { command: "members", audience: "secretary", where: ["private"] },
  { command: "addmember", audience: "secretary", where: ["private"] },
  { command: "requests", audience: "secretary", where: ["private"] },
  { command: "link", audience: "secretary", where: ["group"] },
  { command: "cell", audience: "secretary", where: ["private"] },
  { command: "invite", audience: "committee", where: ["group", "private"] },
  { command: "cells", audience: "committee", where: ["group", "private"] },
  { command: "report", audience: "committee", where: ["group"] },
  { command: "committee", audience: "operator", where: ["group", "private"] },
  { command: "jobs", audience: "operator", where: ["private"] },
];

export function commandsFor(audiences: Audience[], where: "private" | "group"): string[] {
  return COMMANDS.filter((c) => audiences.includes(c.audience) && c.where.includes(where)).map((c) => c.command);
}

function menu(translations: Translations, locale: Locale, commands: string[]): BotCommand[] {
  const t = translations.t(locale);
  return commands.map((command) => ({ command, description: t(`commands.${command}`) }));
}

/**
 * Telegram's command menus, per scope and language: members in private chats and groups, group admins
 * (who may run /setup and /link), and a secretary's own private chat.
 */
export async function publishCommandMenus(
  api: Api,
  translations: Translations,
  options: { secretaryChatId?: number | undefined } = {},
) {
  const scopes = [
    { scope: { type: "all_private_chats" as const }, commands: commandsFor(["member"], "private") },
    { scope: { type: "all_group_chats" as const }, commands: commandsFor(["member"], "group") },
    { scope: { type: "all_chat_administrators" as const }, commands: commandsFor(["member", "secretary", "committee"], "group") },
  ];
  const secretary = options.secretaryChatId
    ? [
        {
          scope: { type: "chat" as const, chat_id: options.secretaryChatId },
          commands: commandsFor(["member", "secretary"], "private"),
        },
      ]
    : [];
  const targets = options.secretaryChatId ? secretary : scopes;
  for (const { scope, commands } of targets) {
    for (const locale of SUPPORTED_LOCALES) {
      const isDefault = locale === translations.instance.options.lng;
      await api.setMyCommands(menu(translations, locale, commands), { scope, ...(isDefault ? {} : { language_code: locale }) });
    }
  }
}
