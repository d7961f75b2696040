import type { MiddlewareFn } from "grammy";
import type { ChiboContext } from "../context.js";

export interface RateLimit {
  /** Commands, messages and button presses one person may send in a window. */
  max: number;
  windowMs: number;
}

/**
 * Per person, in this instance: beyond `max` updates in a sliding window, updates are dropped; the person is told
 * once per window (a toast for a button, a short reply for a message) and the rest is silent, so a stuck finger
 * or a script cannot flood the bot or a group.
 */
export function rateLimitPerUser(limit: RateLimit, now: () => number = Date.now): MiddlewareFn<ChiboContext> {
  const recent = new Map<string, number[]>();
  const warned = new Map<string, number>();
  let lastSweep = 0;
  return async (ctx, next) => {
    if (!ctx.from) return next();
    const at = now();
    const key = `${ctx.platform}:${ctx.from.id}`;
    const times = (recent.get(key) ?? []).filter((time) => time > at - limit.windowMs);
    if (at - lastSweep > 60_000) {
      for (const [other, list] of recent) if ((list.at(-1) ?? 0) <= at - limit.windowMs) recent.delete(other);
      lastSweep = at;
    }
    if (times.length < limit.max) {
      times.push(at);
      recent.set(key, times);
      return next();
    }
    recent.set(key, times);
    ctx.log.warn({ user_id: ctx.from.id }, "rate limited");
    if ((warned.get(key) ?? 0) > at - limit.windowMs) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    warned.set(key, at);
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("errors.too_fast") }).catch(() => undefined);
    else if (ctx.chat?.type === "private") await ctx.reply(ctx.t("errors.too_fast")).catch(() => undefined);
  };
}
