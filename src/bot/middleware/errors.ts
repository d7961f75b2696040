import { GrammyError, HttpError, type Bot, type BotError, type Composer } from "grammy";
import { DomainError } from "../../domain/errors.js";
import { isDatabaseUnavailable } from "../../db/errors.js";
import { metrics } from "../../server/metrics.js";
import type { BotContext, ChiboContext } from "../context.js";

/** Tells the user in their language why their request was refused. */
export async function replyWithDomainError(ctx: ChiboContext, error: DomainError): Promise<void> {
  const text = ctx.t(error.key, error.params);
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: text.replace(/<[^>]+>/g, "").slice(0, 200), show_alert: true }).catch(() => undefined);
    return;
  }
  await ctx.reply(text, { parse_mode: "HTML" });
}

/**
 * The error boundary: a broken rule is explained to the user; anything else is logged with the update id
 * and answered politely, and the process keeps serving other chats.
 */
export function installErrorBoundary(bot: Bot<BotContext>): Composer<BotContext> {
  const handle = async (error: BotError<BotContext>) => {
    const ctx = error.ctx;
    const cause = error.error;
    if (cause instanceof DomainError) {
      await replyWithDomainError(ctx, cause).catch((e: unknown) => ctx.log?.warn({ err: e }, "could not explain a refusal"));
      return;
    }
    // an unreachable database is not the user's fault: the update goes back to the inbox and is handled again later
    if (isDatabaseUnavailable(cause)) throw cause;
    metrics.errors.inc({ platform: ctx.platform ?? "unknown" });
    const log = ctx.log ?? ctx.deps?.logger;
    const details = cause instanceof GrammyError ? { method: cause.method, description: cause.description } : {};
    log?.error({ err: cause, ...details, update_id: ctx.update.update_id }, "update handling failed");
    if (cause instanceof HttpError || !ctx.chat || !ctx.t) return;
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: ctx.t("errors.generic_short"), show_alert: true }).catch(() => undefined);
    } else {
      await ctx.reply(ctx.t("errors.generic"), { parse_mode: "HTML" }).catch(() => undefined);
    }
  };
  bot.catch(handle);
  // bot.catch serves long polling only; updates handed over by webhooks and the Zalo receiver need a boundary too
  return bot.errorBoundary(handle);
}
