/** What users' messages look like to the bot: command entities and group privacy mode. */
import type { MessageEntity } from "grammy/types";
import type { Simulation } from "./sim.js";
import { currentRevision, type StoredMessage } from "./world.js";

const COMMAND = /(^|\s)(\/[A-Za-z0-9_]{1,32})(@[A-Za-z0-9_]{3,32})?(?=$|\s|[.,!?:;])/g;
const MENTION = /(^|\s)(@[A-Za-z0-9_]{5,32})(?=$|\s|[.,!?:;])/g;

/** bot_command and mention entities Telegram adds to a user's text. */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const m of text.matchAll(COMMAND)) {
    const offset = (m.index ?? 0) + (m[1]?.length ?? 0);
    entities.push({ type: "bot_command", offset, length: (m[2]?.length ?? 0) + (m[3]?.length ?? 0) });
  }
  for (const m of text.matchAll(MENTION)) {
    const offset = (m.index ?? 0) + (m[1]?.length ?? 0);
    entities.push({ type: "mention", offset, length: m[2]?.length ?? 0 });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

/** The bot username a leading command is addressed to: null for "/cmd", undefined if the text isn't a command. */
export function leadingCommandTarget(text: string): string | null | undefined {
  const m = /^\/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]{3,32}))?(?=$|\s)/.exec(text);
  if (m === null) return undefined;
  return m[1] ?? null;
}

/**
 * Why the bot would NOT receive this message, or undefined if it would.
 * Private chats: always received. Groups: the bot must be a member; with privacy
 * mode on and the bot not an admin, only commands for it, replies to its
 * messages and service messages get through.
 */
export function privacyFilter(sim: Simulation, message: StoredMessage): string | undefined {
  const chat = message.chat;
  if (chat.type === "private") return undefined;
  if (chat.botStatus === "left" || chat.botStatus === "kicked")
    return `the bot is not a member of chat ${chat.id} (status ${chat.botStatus})`;
  if (!sim.opts.privacyMode || chat.botStatus === "administrator" || message.kind === "service") return undefined;
  if (message.reply_to?.fromBot === true) return undefined;
  const text = currentRevision(message)?.formatted.text ?? "";
  const target = leadingCommandTarget(text);
  if (target === null) return undefined;
  if (target !== undefined) {
    if (target.toLowerCase() === sim.opts.bot.username.toLowerCase()) return undefined;
    return `privacy mode: the command is addressed to @${target}, not to @${sim.opts.bot.username}`;
  }
  return "privacy mode: in groups the bot only receives commands, replies to its own messages and service messages";
}
