import type { MiddlewareFn } from "grammy";
import { findBinding, type Platform } from "../../domain/cells.js";
import { touchIdentity } from "../../domain/identities.js";
import type { BotDeps, ChiboContext } from "../context.js";
import { metrics } from "../../server/metrics.js";

export function displayNameOf(user: { first_name: string; last_name?: string }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ").slice(0, 120);
}

/**
 * Gives every update its dependencies, the sender's account, the chat's binding, a logger carrying the
 * update id, and a fixed `t` in the chat's language (groups) or the user's (private chats).
 */
export function enrich(deps: BotDeps, platform: Platform): MiddlewareFn<ChiboContext> {
  const operators = platform === "telegram" ? deps.config.adminTelegramIds : deps.config.adminZaloIds;
  return async (ctx, next) => {
    ctx.deps = deps;
    ctx.platform = platform;
    ctx.capabilities = deps.channels.capabilities(platform);
    ctx.log = deps.logger.child({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id, chat_type: ctx.chat?.type });
    ctx.identity = ctx.from
      ? await touchIdentity(deps.db, {
          platform,
          platformUserId: String(ctx.from.id),
          displayName: displayNameOf(ctx.from),
          username: ctx.from.username ?? null,
          inPrivateChat: ctx.chat?.type === "private" && ctx.message !== undefined,
        })
      : null;
    ctx.binding = ctx.chat && ctx.chat.type !== "private" ? await findBinding(deps.db, platform, String(ctx.chat.id)) : null;
    ctx.isOperator = ctx.from !== undefined && operators.has(String(ctx.from.id));
    ctx.actor = {
      identityId: ctx.identity?.id ?? null,
      label: `${platform}:${ctx.from?.id ?? "unknown"}`,
    };
    ctx.locale =
      ctx.chat?.type === "private"
        ? deps.translations.localeOf(ctx.identity?.locale)
        : deps.translations.localeOf(ctx.binding?.locale ?? ctx.binding?.cell?.locale);
    ctx.t = deps.translations.t(ctx.locale);
    await next();
  };
}

/** One line per handled update: its kind and how long it took (never its text: members' data stays out of logs). */
export const logHandledUpdate: MiddlewareFn<ChiboContext> = async (ctx, next) => {
  const started = performance.now();
  await next();
  const ms = performance.now() - started;
  const kind = updateType(ctx);
  metrics.updates.inc({ platform: ctx.platform, kind });
  metrics.handlerSeconds.observe(ms / 1000, { platform: ctx.platform });
  ctx.log.info({ update_type: kind, ms: Math.round(ms) }, "update handled");
};

function updateType(ctx: ChiboContext): string {
  if (ctx.callbackQuery) return "callback_query";
  if (ctx.message?.document) return "document";
  if (ctx.message?.text?.startsWith("/")) return "command";
  return Object.keys(ctx.update).find((key) => key !== "update_id") ?? "unknown";
}
