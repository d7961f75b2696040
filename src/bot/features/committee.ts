import { Composer } from "grammy";
import { MAX_INVITES_AT_ONCE, createCommittee, issueInviteCodes } from "../../domain/committees.js";
import { DomainError } from "../../domain/errors.js";
import type { BotContext, ChiboContext } from "../context.js";
import { isChatAdmin, requireOperator } from "../guards.js";

/** Operators create a committee in its own chat; the committee issues invite codes that cells join with. */
export function committeeFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("committee", async (ctx) => {
    requireOperator(ctx);
    const name = ctx.match.trim() || (ctx.chat.type !== "private" ? ctx.chat.title : "");
    if (!name) throw new DomainError("committee.usage");
    const { deps } = ctx;
    const committee = await createCommittee(deps.db, ctx.actor, {
      name,
      platform: ctx.platform,
      chatId: String(ctx.chat.id),
      chatTitle: ctx.chat.type === "private" ? null : ctx.chat.title,
      timeZone: deps.config.defaultTimeZone,
      locale: ctx.locale,
    });
    const invites = await issueInviteCodes(deps.db, ctx.actor, committee.id, 1, deps.config.inviteCodeTtlDays, deps.now());
    await ctx.reply(ctx.t("committee.created", { name: committee.name }), { parse_mode: "HTML" });
    await replyWithCodes(ctx, invites.codes, invites.expiresAt);
  });

  feature.command("invite", async (ctx) => {
    const committeeId = ctx.binding?.kind === "committee" ? ctx.binding.committeeId : null;
    if (!committeeId) throw new DomainError("committee.not_here");
    if (!ctx.isOperator && !(await isChatAdmin(ctx))) throw new DomainError("committee.not_staff");
    const count = ctx.match.trim() ? Number(ctx.match.trim()) : 1;
    if (!Number.isInteger(count)) throw new DomainError("committee.bad_invite_count", { max: MAX_INVITES_AT_ONCE });
    const invites = await issueInviteCodes(
      ctx.deps.db,
      ctx.actor,
      committeeId,
      count,
      ctx.deps.config.inviteCodeTtlDays,
      ctx.deps.now(),
    );
    await replyWithCodes(ctx, invites.codes, invites.expiresAt);
  });

  feature.command("cells", async (ctx) => {
    const committeeId = ctx.binding?.kind === "committee" ? ctx.binding.committeeId : null;
    if (!committeeId) throw new DomainError("committee.not_here");
    const cells = await ctx.deps.db.cell.findMany({
      where: { committeeId },
      orderBy: { name: "asc" },
      include: { _count: { select: { members: { where: { membership: { not: "removed" } } } } } },
    });
    if (cells.length === 0) return ctx.reply(ctx.t("committee.no_cells"), { parse_mode: "HTML" });
    const lines = cells.map((cell, i) =>
      ctx.t("committee.cell_line", { n: i + 1, name: cell.name, members: cell._count.members }),
    );
    await ctx.reply([ctx.t("committee.cells_header", { count: cells.length }), ...lines].join("\n"), { parse_mode: "HTML" });
  });

  return feature;
}

async function replyWithCodes(ctx: ChiboContext, codes: string[], expiresAt: Date) {
  const list = codes.map((code) => `<code>${code}</code>`).join("\n");
  const until = expiresAt.toLocaleDateString("vi-VN", { timeZone: ctx.deps.config.defaultTimeZone });
  await ctx.reply(ctx.t("committee.invite_codes", { count: codes.length, list, until }), { parse_mode: "HTML" });
}
