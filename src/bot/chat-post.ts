import type { Api } from "grammy";
import type { Message } from "grammy/types";
import { chatRef } from "../channels/registry.js";
import type { BotDeps } from "./context.js";

/** A chat the bot may post to, on whichever platform: a bound group, or a person's private chat. */
export interface ChatAddress {
  platform: string;
  chatId: string;
}

/** Whether this process serves the chat's platform (a Zalo binding is skipped while Zalo is not configured). */
export function isServed(deps: BotDeps, chat: { platform: string }): boolean {
  return deps.channels.has(chat.platform);
}

/** Sends a message to a chat through its platform's channel. */
export function postToChat(
  deps: BotDeps,
  chat: ChatAddress,
  text: string,
  other?: Parameters<Api["sendMessage"]>[2],
): Promise<Message.TextMessage> {
  return deps.channels.api(chat.platform).sendMessage(chatRef(chat.platform, chat.chatId), text, other);
}
