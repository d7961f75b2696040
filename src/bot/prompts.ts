import { Composer } from "grammy";
import type { Db } from "../db/client.js";
import { keyValueStore } from "../db/key-value.js";
import type { BotContext, ChiboContext } from "./context.js";
import { DomainError } from "../domain/errors.js";

// A question the bot asks with force_reply: the answer is a reply to that message, which reaches the bot
// even in groups with privacy mode. Prompts live in the database, so an answer after a restart still lands.
interface StoredPrompt {
  kind: string;
  /** Who may answer; null when a question addressed to several members may be answered by any of them. */
  identityId: string | null;
  data: Record<string, string>;
}

const promptKey = (chatId: number, messageId: number) => `prompt:${chatId}:${messageId}`;

export async function askForReply(
  ctx: ChiboContext,
  text: string,
  kind: string,
  data: Record<string, string> = {},
  placeholder?: string,
): Promise<void> {
  if (!ctx.chat || !ctx.identity) return;
  const sent = await ctx.reply(text, {
    parse_mode: "HTML",
    reply_markup: {
      force_reply: true,
      selective: true,
      ...(placeholder ? { input_field_placeholder: placeholder.slice(0, 64) } : {}),
    },
  });
  await rememberPrompt(ctx, ctx.chat.id, sent.message_id, kind, data);
}

/** Treats replies to a message the bot already sent (with its own buttons) as answers to a prompt. */
export async function rememberPrompt(
  ctx: ChiboContext,
  chatId: number,
  messageId: number,
  kind: string,
  data: Record<string, string> = {},
) {
  if (!ctx.identity) return;
  await storePrompt(ctx.deps.db, chatId, messageId, { kind, identityId: ctx.identity.id, data });
}

export async function storePrompt(db: Db, chatId: number, messageId: number, prompt: StoredPrompt) {
  await keyValueStore(db).set(promptKey(chatId, messageId), prompt);
}

export type PromptHandler = (ctx: ChiboContext, answer: string, data: Record<string, string>) => Promise<unknown>;

/** Routes replies to stored prompts to the handler registered for the prompt's kind. */
export function promptReplies(handlers: Record<string, PromptHandler>): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("message:text", async (ctx, next) => {
    const repliedTo = ctx.message.reply_to_message;
    if (!repliedTo || repliedTo.from?.id !== ctx.me.id) return next();
    const store = keyValueStore(ctx.deps.db);
    const key = promptKey(ctx.chat.id, repliedTo.message_id);
    const prompt = await store.get<StoredPrompt>(key);
    const handler = prompt ? handlers[prompt.kind] : undefined;
    if (!prompt || !handler || (prompt.identityId !== null && prompt.identityId !== ctx.identity?.id)) return next();
    try {
      await handler(ctx, ctx.message.text, prompt.data);
    } catch (error) {
      if (!(error instanceof DomainError) || !worthAskingAgain(error, prompt)) throw error;
      await askAgain(ctx, error, prompt); // the first question stays open too: people often answer it again
      return;
    }
    if (prompt.identityId !== null) await store.delete(key);
  });
  return feature;
}

/**
 * An answer that can be put right (a time that has passed, an empty place) is asked for again. Not when the
 * question was put to the whole group (it stays open on its own message), nor when no answer could be accepted
 * (a lasting refusal: not the secretary, a meeting cancelled or no longer there…).
 */
function worthAskingAgain(error: DomainError, prompt: StoredPrompt): boolean {
  return prompt.identityId !== null && !error.lasting;
}

/**
 * A refused answer keeps the prompt open: the refusal says why and asks again, and an answer to the refusal goes
 * to the same prompt as an answer to the question did. (Where replies do not say what they answer, as on Zalo,
 * the refusal is the question a plain reply continues.)
 */
async function askAgain(
  ctx: ChiboContext & { chat: { id: number }; message: { message_id: number } },
  error: DomainError,
  prompt: StoredPrompt,
) {
  const sent = await ctx.reply(ctx.t(error.key, error.params), {
    parse_mode: "HTML",
    reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
    reply_markup: { force_reply: true, selective: true },
  });
  await storePrompt(ctx.deps.db, ctx.chat.id, sent.message_id, prompt);
}
