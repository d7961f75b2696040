import { Composer, InlineKeyboard } from "grammy";
import { DomainError } from "../../domain/errors.js";
import { canManageCell, claimMember, decideClaim, linkIdentity, privateChatOf, touchIdentity } from "../../domain/identities.js";
import { listMembers } from "../../domain/members.js";
import type { Translate } from "../../i18n.js";
import { localDateTime } from "../../render/meeting.js";
import { utcToLocal } from "../../domain/dates.js";
import { cellMemberFlags } from "../../domain/meeting-day.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import { postToChat } from "../chat-post.js";
import type { BotContext, ChiboContext } from "../context.js";
import { requireManagedCell, requirePrivateChat } from "../guards.js";
import { displayNameOf } from "../middleware/enrich.js";

const LINK = "lk";
const MAX_CANDIDATES = 8;

/**
 * A member links their chat account to their roster entry: they claim their name in the group with /iam,
 * the secretary confirms. A secretary can also link someone directly by replying /link to their message.
 */
export function linkingFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("iam", async (ctx) => {
    const cell = ctx.binding?.cell;
    if (!cell) throw new DomainError("link.group_only");
    const query = ctx.match.trim();
    if (query.length < 2) throw new DomainError("link.iam_usage");
    const keyboard = await candidateKeyboard(ctx, cell.id, query, (memberId) => callbackData(LINK, "c", memberId));
    await ctx.reply(ctx.t("link.pick_yourself"), { reply_markup: keyboard, reply_parameters: { message_id: ctx.msgId ?? 0 } });
  });

  feature.command("link", async (ctx) => {
    const cell = await requireManagedCell(ctx);
    const target = ctx.message?.reply_to_message?.from;
    if (!ctx.binding?.cell || !target || target.is_bot) throw new DomainError("link.link_usage");
    const identity = await touchIdentity(ctx.deps.db, {
      platform: ctx.platform,
      platformUserId: String(target.id),
      displayName: displayNameOf(target),
      username: target.username ?? null,
      inPrivateChat: false,
    });
    const query = ctx.match.trim();
    if (query.length < 2) throw new DomainError("link.link_usage");
    const keyboard = await candidateKeyboard(ctx, cell.id, query, (memberId) => callbackData(LINK, "d", memberId, identity.id));
    await ctx.reply(ctx.t("link.pick_for", { name: identity.displayName }), { reply_markup: keyboard });
  });

  feature.command("me", async (ctx) => {
    const member = ctx.identity?.memberId
      ? await ctx.deps.db.member.findUnique({ where: { id: ctx.identity.memberId }, include: { cell: true } })
      : null;
    if (!member) return ctx.reply(ctx.t("link.me_unlinked"), { parse_mode: "HTML" });
    const answers = await ctx.deps.db.rsvp.findMany({
      where: { memberId: member.id },
      include: { meeting: true },
      orderBy: { meeting: { startsAt: "desc" } },
      take: 6,
    });
    const history = answers.map((a) =>
      ctx.t(a.answer === "attend" ? "link.history_attend" : "link.history_absent", {
        code: a.meeting.code,
        when: localDateTime(ctx.t, a.meeting.startsAt, member.cell.timeZone),
        reason: a.reason ?? "",
        proxy: a.byProxy ? ctx.t("link.history_proxy") : "",
      }),
    );
    const lines = [ctx.t("link.me_linked", { name: member.fullName, cell: member.cell.name })];
    lines.push(history.length > 0 ? ctx.t("link.history_title") : ctx.t("link.history_none"), ...history);
    const year = Number(utcToLocal(ctx.deps.now(), member.cell.timeZone).date.slice(0, 4));
    const standing = (await cellMemberFlags(ctx.deps.db, member.cell, year)).find((s) => s.memberId === member.id);
    if (standing) {
      lines.push(ctx.t("link.attendance_year", { year, unexcused: standing.unexcusedThisYear }));
      lines.push(...standing.flags.map((flag) => `⚠️ ${ctx.t(`member_flag.${flag}`, { count: standing.unexcusedThisYear })}`));
    }
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
  });

  feature.command("requests", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const pending = await ctx.deps.db.linkRequest.findMany({
      where: { status: "pending", member: { cellId: cell.id } },
      include: { member: true, identity: true },
      orderBy: { createdAt: "asc" },
      take: 20,
    });
    if (pending.length === 0) return ctx.reply(ctx.t("link.no_requests"));
    for (const request of pending) {
      await ctx.reply(claimText(ctx.t, request.identity, request.member.fullName), {
        parse_mode: "HTML",
        reply_markup: decisionKeyboard(ctx.t, request.id),
      });
    }
  });

  feature.callbackQuery(featurePattern(LINK), async (ctx) => {
    const tapped = parseCallback(ctx.callbackQuery.data, LINK);
    if (!tapped || !ctx.identity) throw new DomainError("errors.stale_button");
    const [first = "", second = ""] = tapped.args;
    if (tapped.action === "c") return onClaim(ctx, first);
    if (tapped.action === "a" || tapped.action === "r") return onDecision(ctx, first, tapped.action === "a");
    if (tapped.action === "d") return onDirectLink(ctx, first, second);
    throw new DomainError("errors.stale_button");
  });

  return feature;
}

async function candidateKeyboard(ctx: ChiboContext, cellId: string, query: string, data: (memberId: string) => string) {
  const found = await listMembers(ctx.deps.db, cellId, { query });
  if (found.total === 0) throw new DomainError("link.not_found", { query });
  if (found.total > MAX_CANDIDATES) throw new DomainError("link.ambiguous_name", { query, count: found.total });
  const keyboard = new InlineKeyboard();
  for (const member of found.items) {
    const label = member.birthYear ? `${member.fullName} (${member.birthYear})` : member.fullName;
    keyboard.text(label.slice(0, 60), data(member.id)).row();
  }
  return keyboard;
}

function claimText(t: Translate, identity: { displayName: string; username: string | null }, memberName: string) {
  const account = identity.username ? `${identity.displayName} (@${identity.username})` : identity.displayName;
  return t("link.claim_for_secretary", { account, name: memberName });
}

function decisionKeyboard(t: Translate, requestId: string) {
  return new InlineKeyboard()
    .text(t("link.approve"), callbackData(LINK, "a", requestId))
    .text(t("link.reject"), callbackData(LINK, "r", requestId));
}

async function onClaim(ctx: ChiboContext, memberId: string) {
  const identity = ctx.identity;
  const member = await ctx.deps.db.member.findUnique({ where: { id: memberId } });
  if (!identity || !member || member.cellId !== ctx.binding?.cellId) throw new DomainError("link.member_removed");
  const { request } = await claimMember(ctx.deps.db, identity.id, memberId);
  await ctx.answerCallbackQuery({ text: ctx.t("link.claim_sent_short") });
  await ctx.reply(ctx.t("link.claim_sent", { account: identity.displayName, name: member.fullName }), { parse_mode: "HTML" });
  const notified = await notifyManagers(ctx, member.cellId, identity, member.fullName, request.id);
  if (notified === 0) await ctx.reply(ctx.t("link.no_secretary_reachable"), { parse_mode: "HTML" });
}

/** Sends the claim to every secretary and deputy of the cell who has a private chat with the bot. */
async function notifyManagers(
  ctx: ChiboContext,
  cellId: string,
  claimant: { displayName: string; username: string | null },
  memberName: string,
  requestId: string,
): Promise<number> {
  const { db } = ctx.deps;
  const managers = await db.platformIdentity.findMany({
    where: {
      platform: { in: ctx.deps.channels.platforms() },
      startedPrivate: true,
      OR: [
        { managedCells: { some: { cellId } } },
        { member: { cellId, role: { in: ["secretary", "deputy"] }, membership: { not: "removed" } } },
      ],
    },
  });
  let sent = 0;
  for (const manager of managers) {
    const t = ctx.deps.translations.t(manager.locale);
    const ok = await postToChat(ctx.deps, privateChatOf(manager), claimText(t, claimant, memberName), {
      parse_mode: "HTML",
      reply_markup: decisionKeyboard(t, requestId),
    })
      .then(() => true)
      .catch((error: unknown) => {
        ctx.log.warn({ err: error, manager: manager.id }, "could not tell a secretary about a claim");
        return false;
      });
    if (ok) sent++;
  }
  return sent;
}

async function onDecision(ctx: ChiboContext, requestId: string, approve: boolean) {
  const request = await ctx.deps.db.linkRequest.findUnique({ where: { id: requestId }, include: { member: true } });
  if (!request || !ctx.identity || !(await canManageCell(ctx.deps.db, ctx.identity.id, request.member.cellId))) {
    throw new DomainError("errors.not_secretary");
  }
  const decided = await decideClaim(ctx.deps.db, ctx.actor, requestId, approve);
  await ctx.answerCallbackQuery();
  const key = approve ? "link.approved" : "link.rejected";
  await ctx.editMessageText(ctx.t(key, { account: decided.identity.displayName, name: decided.member.fullName }), {
    parse_mode: "HTML",
  });
  if (decided.identity.startedPrivate) {
    const t = ctx.deps.translations.t(decided.identity.locale);
    await ctx.api
      .sendMessage(
        Number(decided.identity.platformUserId),
        t(approve ? "link.you_were_linked" : "link.you_were_rejected", { name: decided.member.fullName }),
        {
          parse_mode: "HTML",
        },
      )
      .catch((error: unknown) => ctx.log.warn({ err: error }, "could not tell the member about the decision"));
  }
}

async function onDirectLink(ctx: ChiboContext, memberId: string, identityId: string) {
  const cell = await requireManagedCell(ctx);
  const member = await ctx.deps.db.member.findUnique({ where: { id: memberId } });
  if (!member || member.cellId !== cell.id) throw new DomainError("errors.not_secretary");
  const { identity } = await linkIdentity(ctx.deps.db, ctx.actor, identityId, memberId);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("link.approved", { account: identity.displayName, name: member.fullName }), {
    parse_mode: "HTML",
  });
}
