import { Composer, InlineKeyboard } from "grammy";
import type { Cell, Meeting } from "../../db/generated/sqlite/client.js";
import { localToUtc, parseMeetingTime } from "../../domain/dates.js";
import { DomainError } from "../../domain/errors.js";
import {
  attachToAgendaItem,
  cancelMeeting,
  changeMeetingPlace,
  changeMeetingTime,
  decideProposal,
  findMeeting,
  proposeAgendaItem,
  replaceAgenda,
  type MeetingWithAgenda,
} from "../../domain/meeting-service.js";
import { cleanReason } from "../../domain/rsvp-text.js";
import { escapeHtml } from "../../render/html.js";
import { localDateTime } from "../../render/meeting.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import { isServed, postToChat } from "../chat-post.js";
import type { BotContext, ChiboContext } from "../context.js";
import { isInCell, requireManagedCell, requireMeetingAskedAbout, requirePrivateChat } from "../guards.js";
import { announceChange } from "../meeting-notices.js";
import { askForReply, type PromptHandler } from "../prompts.js";
import type { TallyRefresher } from "../tally-refresher.js";
import { canManageCell, privateChatOf, reachableManagers } from "../../domain/identities.js";
import { parseAgendaText } from "./new-meeting.js";

const ADMIN = "ma";
export const TIME_PROMPT = "meeting-time";
export const PLACE_PROMPT = "meeting-place";
export const AGENDA_PROMPT = "meeting-agenda";
export const CANCEL_PROMPT = "meeting-cancel";

function agendaText(ctx: ChiboContext, meeting: MeetingWithAgenda) {
  const lines = meeting.agenda.map((item, i) => {
    const presenter = item.presenter ? ` — ${escapeHtml(item.presenter)}` : "";
    const link = item.attachment?.startsWith("url:")
      ? ` (<a href="${escapeHtml(item.attachment.slice(4))}">${ctx.t("agenda.link")}</a>)`
      : item.attachment
        ? " 📎"
        : "";
    return `${i + 1}. ${escapeHtml(item.title)}${presenter}${link}`;
  });
  return [ctx.t("agenda.title", { code: meeting.code }), ...lines].join("\n");
}

/**
 * After publishing: /agenda shows the agenda (the secretary edits it and attaches documents), /propose lets a
 * member suggest an item, /editmeeting changes the time or place or cancels. Members are told what changed.
 */
export function meetingAdminFeature(refresher: TallyRefresher): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("agenda", async (ctx) => {
    const { meeting } = await requireMeetingAskedAbout(ctx, ctx.match.trim());
    const full = await ctx.deps.db.agendaItem.findMany({
      where: { meetingId: meeting.id, status: "accepted" },
      orderBy: { position: "asc" },
    });
    const text = agendaText(ctx, { ...meeting, agenda: full });
    const manages =
      ctx.chat?.type === "private" && ctx.identity && (await canManageCell(ctx.deps.db, ctx.identity.id, meeting.cellId));
    const keyboard = new InlineKeyboard();
    if (manages) keyboard.text(ctx.t("agenda.edit_button"), callbackData(ADMIN, "a", meeting.code));
    full.forEach((item, i) => {
      if (item.attachment?.startsWith("file:")) keyboard.text(`📎 ${i + 1}`, callbackData(ADMIN, "f", meeting.code, i));
    });
    await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard, link_preview_options: { is_disabled: true } });
    if (manages) await showProposals(ctx, meeting);
  });

  feature.command("propose", async (ctx) => {
    const title = ctx.match.trim();
    if (title.length < 3) throw new DomainError("agenda.propose_usage");
    if (title.length > 500) throw new DomainError("agenda.title_too_long", { max: 500 });
    const { meeting } = await requireMeetingAskedAbout(ctx, "");
    if (!ctx.identity?.memberId) throw new DomainError("link.me_unlinked");
    const member = await ctx.deps.db.member.findUnique({ where: { id: ctx.identity.memberId } });
    if (!member || member.cellId !== meeting.cellId) throw new DomainError("rsvp.not_in_cell");
    const item = await proposeAgendaItem(ctx.deps.db, meeting, ctx.identity.id, title);
    await ctx.reply(ctx.t("agenda.proposed", { code: meeting.code }), { parse_mode: "HTML" });
    await notifyManagersOfProposal(ctx, meeting, member.fullName, item.id, title);
  });

  feature.command("attach", async (ctx) => {
    requirePrivateChat(ctx);
    const [code = "", number = "", ...rest] = ctx.match.trim().split(/\s+/);
    const cell = await requireManagedCell(ctx);
    const meeting = await findMeeting(ctx.deps.db, code, cell.id);
    const position = Number(number) - 1;
    const document = ctx.message?.document;
    const url = rest.join(" ");
    const attachment = document ? `file:${document.file_id}` : /^https?:\/\/\S+$/i.test(url) ? `url:${url}` : undefined;
    if (!attachment || !Number.isInteger(position)) throw new DomainError("agenda.attach_usage");
    const item = await attachToAgendaItem(ctx.deps.db, ctx.actor, meeting, position, attachment);
    await ctx.reply(ctx.t("agenda.attached", { n: position + 1, title: item.title }), { parse_mode: "HTML" });
  });

  feature.command("editmeeting", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const { meeting } = await requireMeetingAskedAbout(ctx, ctx.match.trim());
    if (meeting.cellId !== cell.id) throw new DomainError("meeting.not_found", { code: meeting.code });
    const keyboard = new InlineKeyboard()
      .text(ctx.t("edit_meeting.time"), callbackData(ADMIN, "t", meeting.code))
      .text(ctx.t("edit_meeting.place"), callbackData(ADMIN, "p", meeting.code))
      .row()
      .text(ctx.t("agenda.edit_button"), callbackData(ADMIN, "a", meeting.code))
      .text(ctx.t("edit_meeting.cancel"), callbackData(ADMIN, "c", meeting.code));
    const when = localDateTime(ctx.t, meeting.startsAt, cell.timeZone);
    await ctx.reply(ctx.t("edit_meeting.menu", { code: meeting.code, when, place: meeting.place ?? "—" }), {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  });

  feature.callbackQuery(featurePattern(ADMIN), async (ctx) => {
    const tapped = parseCallback(ctx.callbackQuery.data, ADMIN);
    const [first = "", second = ""] = tapped?.args ?? [];
    if (tapped?.action === "pa" || tapped?.action === "pd")
      return onProposalDecision(ctx, refresher, first, tapped.action === "pa");
    if (tapped?.action === "f") return sendAttachment(ctx, first, Number(second));
    const cell = await requireManagedCell(ctx);
    const meeting = await findMeeting(ctx.deps.db, first, cell.id);
    await ctx.answerCallbackQuery();
    switch (tapped?.action) {
      case "t":
        return askForReply(ctx, ctx.t("edit_meeting.ask_time"), TIME_PROMPT, { code: meeting.code });
      case "p":
        return askForReply(ctx, ctx.t("edit_meeting.ask_place"), PLACE_PROMPT, { code: meeting.code });
      case "a": {
        const current = meeting.agenda.map((item) => `${item.title}${item.presenter ? ` — ${item.presenter}` : ""}`).join("\n");
        return askForReply(ctx, ctx.t("agenda.ask_new", { current: escapeHtml(current) }), AGENDA_PROMPT, { code: meeting.code });
      }
      case "c":
        return askForReply(ctx, ctx.t("edit_meeting.ask_cancel_reason"), CANCEL_PROMPT, { code: meeting.code });
      case "tk":
      case "tr":
        return applyTimeChange(ctx, refresher, meeting, cell, Number(second), tapped.action === "tr");
      default:
        throw new DomainError("errors.stale_button");
    }
  });
  return feature;
}

async function showProposals(ctx: ChiboContext, meeting: Meeting) {
  const proposals = await ctx.deps.db.agendaItem.findMany({ where: { meetingId: meeting.id, status: "proposed" } });
  for (const item of proposals) {
    await ctx.reply(ctx.t("agenda.proposal", { title: item.title }), {
      parse_mode: "HTML",
      reply_markup: decisionKeyboard(ctx, item.id),
    });
  }
}

function decisionKeyboard(ctx: ChiboContext, itemId: string) {
  return new InlineKeyboard()
    .text(ctx.t("agenda.accept"), callbackData(ADMIN, "pa", itemId))
    .text(ctx.t("agenda.decline"), callbackData(ADMIN, "pd", itemId));
}

async function notifyManagersOfProposal(ctx: ChiboContext, meeting: Meeting, memberName: string, itemId: string, title: string) {
  const managers = await reachableManagers(ctx.deps.db, meeting.cellId, ctx.deps.channels.platforms());
  for (const manager of managers) {
    const t = ctx.deps.translations.t(manager.locale);
    await postToChat(
      ctx.deps,
      privateChatOf(manager),
      t("agenda.proposal_from", { name: memberName, title, code: meeting.code }),
      {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard()
          .text(t("agenda.accept"), callbackData(ADMIN, "pa", itemId))
          .text(t("agenda.decline"), callbackData(ADMIN, "pd", itemId)),
      },
    ).catch((error: unknown) => ctx.log.warn({ err: error }, "could not tell a secretary about a proposal"));
  }
}

async function onProposalDecision(ctx: ChiboContext, refresher: TallyRefresher, itemId: string, accept: boolean) {
  const item = await ctx.deps.db.agendaItem.findUnique({ where: { id: itemId }, include: { meeting: true } });
  if (!item || !ctx.identity || !(await canManageCell(ctx.deps.db, ctx.identity.id, item.meeting.cellId)))
    throw new DomainError("errors.not_secretary");
  await decideProposal(ctx.deps.db, ctx.actor, itemId, accept);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t(accept ? "agenda.accepted" : "agenda.declined", { title: item.title }), { parse_mode: "HTML" });
  if (accept) refresher.request(item.meetingId);
  const proposer = item.proposedBy ? await ctx.deps.db.platformIdentity.findUnique({ where: { id: item.proposedBy } }) : null;
  if (proposer?.startedPrivate && isServed(ctx.deps, proposer)) {
    const t = ctx.deps.translations.t(proposer.locale);
    await postToChat(
      ctx.deps,
      privateChatOf(proposer),
      t(accept ? "agenda.your_proposal_accepted" : "agenda.your_proposal_declined", { title: item.title }),
      { parse_mode: "HTML" },
    ).catch((error: unknown) => ctx.log.warn({ err: error }, "could not tell the proposer"));
  }
}

async function sendAttachment(ctx: ChiboContext, code: string, index: number) {
  const meeting = await findMeeting(ctx.deps.db, code);
  if (!(await isInCell(ctx, meeting.cellId))) throw new DomainError("rsvp.not_in_cell");
  const item = await ctx.deps.db.agendaItem.findFirst({ where: { meetingId: meeting.id, status: "accepted", position: index } });
  if (!item?.attachment?.startsWith("file:")) throw new DomainError("errors.stale_button");
  await ctx.answerCallbackQuery();
  await ctx.replyWithDocument(item.attachment.slice(5), { caption: item.title.slice(0, 1000) });
}

async function applyTimeChange(
  ctx: ChiboContext,
  refresher: TallyRefresher,
  meeting: Meeting,
  cell: Cell,
  epochMinutes: number,
  resetAnswers: boolean,
) {
  const startsAt = new Date(epochMinutes * 60_000);
  const { reset, answered } = await changeMeetingTime(ctx.deps.db, ctx.actor, meeting, startsAt, { resetAnswers });
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  await ctx.reply(ctx.t("edit_meeting.time_changed", { code: meeting.code, reset }), { parse_mode: "HTML" });
  await announceChange(
    ctx.deps,
    meeting,
    (t) =>
      t(resetAnswers ? "edit_meeting.notice_time_reset" : "edit_meeting.notice_time", {
        code: meeting.code,
        when: localDateTime(t, startsAt, cell.timeZone),
      }),
    answered,
  );
  refresher.request(meeting.id);
}

export function meetingPromptHandlers(refresher: TallyRefresher): Record<string, PromptHandler> {
  const meetingOf = async (ctx: ChiboContext, data: Record<string, string>) => {
    const cell = await requireManagedCell(ctx);
    return { cell, meeting: await findMeeting(ctx.deps.db, data.code ?? "", cell.id) };
  };
  return {
    [TIME_PROMPT]: async (ctx, answer, data) => {
      const { cell, meeting } = await meetingOf(ctx, data);
      const parsed = parseMeetingTime(answer, { now: ctx.deps.now(), timeZone: cell.timeZone });
      if (parsed.kind === "error") throw new DomainError(`dates.${parsed.reason}`);
      const local = parsed.kind === "datetime" ? parsed.local : cell.usualTime ? `${parsed.local}T${cell.usualTime}` : undefined;
      if (!local) throw new DomainError("edit_meeting.time_missing");
      const epochMinutes = Math.round(localToUtc(local, cell.timeZone).getTime() / 60_000);
      const keyboard = new InlineKeyboard()
        .text(ctx.t("edit_meeting.keep_answers"), callbackData(ADMIN, "tk", meeting.code, epochMinutes))
        .text(ctx.t("edit_meeting.reset_answers"), callbackData(ADMIN, "tr", meeting.code, epochMinutes));
      await ctx.reply(
        ctx.t("edit_meeting.confirm_time", { when: localDateTime(ctx.t, new Date(epochMinutes * 60_000), cell.timeZone) }),
        {
          parse_mode: "HTML",
          reply_markup: keyboard,
        },
      );
    },
    [PLACE_PROMPT]: async (ctx, answer, data) => {
      const { meeting } = await meetingOf(ctx, data);
      const place = answer.trim().slice(0, 200);
      if (!place) throw new DomainError("edit_meeting.empty_place");
      await changeMeetingPlace(ctx.deps.db, ctx.actor, meeting, place);
      await ctx.reply(ctx.t("edit_meeting.place_changed", { code: meeting.code, place }), { parse_mode: "HTML" });
      await announceChange(ctx.deps, meeting, (t) => t("edit_meeting.notice_place", { code: meeting.code, place }));
      refresher.request(meeting.id);
    },
    [AGENDA_PROMPT]: async (ctx, answer, data) => {
      const { meeting } = await meetingOf(ctx, data);
      const items = parseAgendaText(answer);
      if (items.length === 0 || items.length > 30) throw new DomainError("agenda.too_many_items", { max: 30 });
      if (items.some((item) => item.title.length > 500)) throw new DomainError("agenda.title_too_long", { max: 500 });
      await replaceAgenda(ctx.deps.db, ctx.actor, meeting, items);
      await ctx.reply(ctx.t("agenda.saved", { code: meeting.code, count: items.length }), { parse_mode: "HTML" });
      await announceChange(ctx.deps, meeting, (t) => t("agenda.notice_changed", { code: meeting.code }));
      refresher.request(meeting.id);
    },
    [CANCEL_PROMPT]: async (ctx, answer, data) => {
      const { meeting } = await meetingOf(ctx, data);
      const reason = cleanReason(answer);
      if (!reason) throw new DomainError("edit_meeting.empty_reason");
      await cancelMeeting(ctx.deps.db, ctx.actor, meeting, reason);
      await ctx.reply(ctx.t("edit_meeting.cancelled", { code: meeting.code }), { parse_mode: "HTML" });
      await announceChange(ctx.deps, meeting, (t) => t("edit_meeting.notice_cancelled", { code: meeting.code, reason }));
      refresher.request(meeting.id);
    },
  };
}
