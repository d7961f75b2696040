import { Composer, InlineKeyboard } from "grammy";
import { DomainError } from "../../domain/errors.js";
import { answerByProxy, findMeeting, meetingTally, upcomingAndRecent, type RsvpAnswer } from "../../domain/meeting-service.js";
import { listMembers } from "../../domain/members.js";
import { announcementText, localDateTime } from "../../render/meeting.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import {
  requireCellAskedAbout,
  requireManagedCell,
  requireMeetingAndQuery,
  requireMeetingAskedAbout,
  requirePrivateChat,
} from "../guards.js";
import { ABSENCE_REASONS, rsvpKeyboard, storedReason } from "../meeting-keyboards.js";
import type { TallyRefresher } from "../tally-refresher.js";

const PROXY = "px";

/** /meetings, /meeting CODE, and /proxy for secretaries answering on behalf of members without a phone. */
export function meetingsFeature(refresher: TallyRefresher): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("meetings", async (ctx) => {
    const cell = await requireCellAskedAbout(ctx);
    const { upcoming, recent } = await upcomingAndRecent(ctx.deps.db, cell.id, ctx.deps.now());
    const line = (m: { code: string; type: string; startsAt: Date; status: string }) =>
      ctx.t("meetings.line", {
        code: m.code,
        type: ctx.t(`meeting_type.${m.type}`),
        when: localDateTime(ctx.t, m.startsAt, cell.timeZone),
        status: ctx.t(`meeting_status.${m.status}`),
      });
    const text = [
      ctx.t("meetings.title", { cell: cell.name }),
      ctx.t("meetings.upcoming"),
      ...(upcoming.length ? upcoming.map(line) : [ctx.t("meetings.none")]),
      "",
      ctx.t("meetings.recent"),
      ...(recent.length ? recent.map(line) : [ctx.t("meetings.none")]),
    ].join("\n");
    await ctx.reply(text, { parse_mode: "HTML" });
  });

  feature.command("meeting", async (ctx) => {
    const { cell, meeting } = await requireMeetingAskedAbout(ctx, ctx.match.trim());
    const tally = await meetingTally(ctx.deps.db, meeting);
    await ctx.reply(announcementText(ctx.t, meeting, cell, tally), {
      parse_mode: "HTML",
      reply_markup: meeting.status === "published" ? rsvpKeyboard(ctx.t, meeting.code) : undefined,
    });
  });

  feature.command("proxy", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const { meeting, query } = await requireMeetingAndQuery(ctx, cell, ctx.match);
    await showProxyList(ctx, meeting.code, cell.id, 1, query, false);
  });

  feature.callbackQuery(featurePattern(PROXY), async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const tapped = parseCallback(ctx.callbackQuery.data, PROXY);
    const [code = "", memberOrPage = "", choice = ""] = tapped?.args ?? [];
    const meeting = await findMeeting(ctx.deps.db, code, cell.id);
    if (tapped?.action === "p") return showProxyList(ctx, meeting.code, cell.id, Number(memberOrPage) || 1, "", true);
    if (tapped?.action === "m") return showProxyChoices(ctx, meeting.code, cell.id, memberOrPage);
    if (tapped?.action !== "a") throw new DomainError("errors.stale_button");
    const answer: RsvpAnswer = choice === "y" ? "attend" : "absent";
    const reason = storedReason(ctx, choice);
    const outcome = await answerByProxy(ctx.deps.db, ctx.actor, meeting, memberOrPage, { answer, reason, now: ctx.deps.now() });
    refresher.request(meeting.id);
    const name = outcome.kind === "pending_link" ? "" : outcome.memberName;
    await ctx.answerCallbackQuery({ text: ctx.t(answer === "attend" ? "rsvp.proxy_attend" : "rsvp.proxy_absent", { name }) });
    await showProxyList(ctx, meeting.code, cell.id, 1, "", true);
  });

  return feature;
}

async function showProxyList(ctx: ChiboContext, code: string, cellId: string, page: number, query: string, editInPlace: boolean) {
  const meeting = await findMeeting(ctx.deps.db, code, cellId);
  const found = await listMembers(ctx.deps.db, cellId, { query, page });
  const answers = await ctx.deps.db.rsvp.findMany({
    where: { meetingId: meeting.id, memberId: { in: found.items.map((m) => m.id) } },
  });
  const answerOf = new Map(answers.map((a) => [a.memberId, a.answer]));
  const keyboard = new InlineKeyboard();
  for (const member of found.items) {
    const mark = answerOf.get(member.id) === "attend" ? "✅ " : answerOf.get(member.id) === "absent" ? "❌ " : "";
    keyboard.text(`${mark}${member.fullName}`.slice(0, 60), callbackData(PROXY, "m", meeting.code, member.id)).row();
  }
  if (found.page > 1) keyboard.text("«", callbackData(PROXY, "p", meeting.code, found.page - 1));
  if (found.page < found.pages) keyboard.text("»", callbackData(PROXY, "p", meeting.code, found.page + 1));
  const text = ctx.t("rsvp.proxy_title", { code: meeting.code, page: found.page, pages: found.pages });
  if (editInPlace) return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}

async function showProxyChoices(ctx: ChiboContext, code: string, cellId: string, memberId: string) {
  const keyboard = new InlineKeyboard().text(ctx.t("rsvp.attend_button"), callbackData(PROXY, "a", code, memberId, "y")).row();
  for (const reason of ABSENCE_REASONS)
    keyboard.text(ctx.t(`rsvp.reason_${reason}`), callbackData(PROXY, "a", code, memberId, reason));
  keyboard.row().text(ctx.t("rsvp.absent_else"), callbackData(PROXY, "a", code, memberId, "n"));
  keyboard.row().text(ctx.t("common.back"), callbackData(PROXY, "p", code, 1));
  // a member of the secretary's own cell only: forged data must not show another cell's names
  const member = await ctx.deps.db.member.findFirst({ where: { id: memberId, cellId } });
  if (!member) throw new DomainError("members.not_found");
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("rsvp.proxy_for", { name: member.fullName, code }), {
    parse_mode: "HTML",
    reply_markup: keyboard,
  });
}
