import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { Cell, Meeting } from "../../db/generated/sqlite/client.js";
import { DomainError } from "../../domain/errors.js";
import {
  answerForSelf,
  findMeeting,
  meetingById,
  meetingTally,
  type RsvpAnswer,
  type RsvpOutcome,
} from "../../domain/meeting-service.js";
import { cleanReason, parseRsvpText } from "../../domain/rsvp-text.js";
import { plainText } from "../../render/html.js";
import { meetingIcs } from "../../render/ics.js";
import { namesPage } from "../../render/meeting.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { PREVIEW_CODE, RSVP, reasonKeyboard, rsvpKeyboard, storedReason } from "../meeting-keyboards.js";
import { isGroupChat, isInCell, requireCellAskedAbout, requireMeeting, requireMeetingAskedAbout } from "../guards.js";
import { isMeetingCode } from "../../domain/meetings.js";
import { rememberPrompt, type PromptHandler } from "../prompts.js";
import { REASON_PROMPT, type GroupReasonAsker } from "../reason-asker.js";
import type { TallyRefresher } from "../tally-refresher.js";

const NAMES_PAGE_SIZE = 40;

/** Members answer an announcement with one tap (or in words, replying to it); the tally follows. */
export function rsvpFeature(refresher: TallyRefresher, asker: GroupReasonAsker): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(featurePattern(RSVP), async (ctx) => {
    const tapped = parseCallback(ctx.callbackQuery.data, RSVP);
    const [code = "", extra = ""] = tapped?.args ?? [];
    if (code === PREVIEW_CODE) return ctx.answerCallbackQuery({ text: ctx.t("rsvp.preview_only") });
    if (!tapped) throw new DomainError("errors.stale_button");
    const meeting = await findMeeting(ctx.deps.db, code);
    // names and invitations are for the cell only; answers are checked against the roster when recorded
    if (["l", "lp", "ics"].includes(tapped.action) && !(await isInCell(ctx, meeting.cellId)))
      throw new DomainError("rsvp.not_in_cell");
    switch (tapped.action) {
      case "y":
        return record(ctx, refresher, meeting, "attend", null);
      case "n":
        await record(ctx, refresher, meeting, "absent", null);
        return askReason(ctx, meeting, asker);
      case "r": {
        const reason = storedReason(ctx, extra);
        return record(ctx, refresher, meeting, "absent", reason);
      }
      case "l":
        return showNames(ctx, meeting, Number(extra) || 1, false);
      case "lp":
        return showNames(ctx, meeting, Number(extra) || 1, true);
      case "ics":
        return sendInvitation(ctx, meeting);
      default:
        throw new DomainError("errors.stale_button");
    }
  });

  feature.on("message:text", async (ctx, next) => {
    const repliedTo = ctx.message.reply_to_message;
    if (!repliedTo || repliedTo.from?.id !== ctx.me.id || ctx.message.text.startsWith("/")) return next();
    const post = await ctx.deps.db.meetingPost.findFirst({
      where: { messageId: String(repliedTo.message_id), binding: { chatId: String(ctx.chat.id), platform: ctx.platform } },
    });
    if (!post) return next();
    await answerInWords(ctx, refresher, await meetingById(ctx.deps.db, post.meetingId), ctx.message.text);
  });

  // "/rsvp K7A 2 ốm": the answer where replying to the announcement is not possible (Zalo without reply targets)
  feature.command("rsvp", async (ctx) => {
    const cell = await requireCellAskedAbout(ctx);
    const { code, rest } = splitMeetingCode(ctx.match);
    if (!rest) throw new DomainError("rsvp.rsvp_usage");
    await answerInWords(ctx, refresher, await requireMeeting(ctx, cell, code ?? ""), rest);
  });

  // "/ds K7A": the answers so far, for platforms whose announcements cannot show a live tally
  feature.command("ds", async (ctx) => {
    const { meeting } = await requireMeetingAskedAbout(ctx, ctx.match.trim());
    await showNames(ctx, meeting, 1, false);
  });

  // "@bot 1 K7A" in a group: on Zalo every message the bot sees is addressed to it; on Telegram one that mentions it
  feature.on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    if (!isGroupChat(ctx) || !ctx.binding?.cell || text.startsWith("/")) return next();
    if (ctx.platform === "telegram" && !text.includes(`@${ctx.me.username}`)) return next();
    const { code, rest } = splitMeetingCode(text.replace(`@${ctx.me.username}`, " "));
    const meeting = code
      ? await findMeeting(ctx.deps.db, code, ctx.binding.cell.id)
      : await onlyOpenMeeting(ctx, ctx.binding.cell.id);
    await answerInWords(ctx, refresher, meeting, rest);
  });

  return feature;
}

/** An answer in words ("1", "2 ốm", "xin vắng vì đi công tác"): recorded and confirmed, or asked again when unclear. */
async function answerInWords(ctx: ChiboContext, refresher: TallyRefresher, meeting: Meeting, text: string) {
  const replyTo = ctx.message ? { reply_parameters: { message_id: ctx.message.message_id } } : {};
  const understood = parseRsvpText(text);
  if (understood.kind === "unclear") {
    return ctx.reply(ctx.t("rsvp.unclear", { code: meeting.code }), {
      parse_mode: "HTML",
      ...replyTo,
      reply_markup: rsvpKeyboard(ctx.t, meeting.code),
    });
  }
  const reason = understood.kind === "absent" ? understood.reason : null;
  const outcome = await answerForSelf(ctx.deps.db, meeting, requireIdentity(ctx), {
    answer: understood.kind,
    reason,
    now: ctx.deps.now(),
  });
  refresher.request(meeting.id);
  await ctx.reply(confirmation(ctx, outcome, understood.kind, reason), { parse_mode: "HTML", ...replyTo });
}

/** A meeting code among the words ("K7A", "#K7A"), and the words without it. */
function splitMeetingCode(text: string): { code: string | undefined; rest: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const index = words.findIndex((word) => isMeetingCode(word.replace(/^#/, "").toUpperCase()));
  if (index < 0) return { code: undefined, rest: words.join(" ") };
  const code = words[index]!.replace(/^#/, "").toUpperCase();
  return { code, rest: words.filter((_, i) => i !== index).join(" ") };
}

/** The cell's one meeting still open for answers; with none or several the member is asked to name it by its code. */
async function onlyOpenMeeting(ctx: ChiboContext, cellId: string) {
  const open = await ctx.deps.db.meeting.findMany({
    where: { cellId, status: "published", startsAt: { gt: ctx.deps.now() } },
    orderBy: { startsAt: "asc" },
    take: 5,
  });
  if (open.length === 1) return meetingById(ctx.deps.db, open[0]!.id);
  if (open.length === 0) throw new DomainError("meeting.none_upcoming");
  throw new DomainError("rsvp.which_meeting", { codes: open.map((m) => m.code).join(", ") });
}

function requireIdentity(ctx: ChiboContext) {
  if (!ctx.identity) throw new DomainError("errors.stale_button");
  return ctx.identity;
}

async function record(ctx: ChiboContext, refresher: TallyRefresher, meeting: Meeting, answer: RsvpAnswer, reason: string | null) {
  const outcome = await answerForSelf(ctx.deps.db, meeting, requireIdentity(ctx), { answer, reason, now: ctx.deps.now() });
  refresher.request(meeting.id);
  await ctx.answerCallbackQuery({ text: plainText(confirmation(ctx, outcome, answer, reason)).slice(0, 200) });
}

function confirmation(ctx: ChiboContext, outcome: RsvpOutcome, answer: RsvpAnswer, reason: string | null): string {
  if (outcome.kind === "pending_link") return ctx.t("rsvp.saved_unlinked");
  const name = outcome.memberName;
  if (answer === "attend") return ctx.t("rsvp.saved_attend", { name });
  return reason ? ctx.t("rsvp.saved_absent_reason", { name, reason }) : ctx.t("rsvp.saved_absent", { name });
}

/** Asks why: privately when the member has a chat with the bot, otherwise as a reply in the group. */
async function askReason(ctx: ChiboContext, meeting: Meeting, asker: GroupReasonAsker) {
  const identity = requireIdentity(ctx);
  if (identity.startedPrivate && ctx.from) {
    const t = ctx.deps.translations.t(identity.locale === "en" ? "en" : ctx.deps.config.defaultLocale);
    const sent = await ctx.api
      .sendMessage(ctx.from.id, t("rsvp.ask_reason", { code: meeting.code }), {
        parse_mode: "HTML",
        reply_markup: reasonKeyboard(t, meeting.code),
      })
      .catch(() => undefined);
    if (sent) return rememberPrompt(ctx, ctx.from.id, sent.message_id, REASON_PROMPT, { meetingId: meeting.id });
  }
  if (!ctx.chat || !ctx.from) return;
  asker.ask(ctx.chat.id, meeting, ctx.from, ctx.binding?.locale ?? ctx.binding?.cell?.locale ?? null);
}

export function reasonPromptHandler(refresher: TallyRefresher): PromptHandler {
  return async (ctx, answer, data) => {
    const meeting = await meetingById(ctx.deps.db, data.meetingId ?? "");
    const reason = cleanReason(answer);
    if (!reason) throw new DomainError("rsvp.empty_reason");
    const outcome = await answerForSelf(ctx.deps.db, meeting, requireIdentity(ctx), {
      answer: "absent",
      reason,
      now: ctx.deps.now(),
    });
    refresher.request(meeting.id);
    await ctx.reply(confirmation(ctx, outcome, "absent", reason), { parse_mode: "HTML" });
  };
}

/** Names in pages: a new message from the announcement's button, paged in place from then on. */
async function showNames(ctx: ChiboContext, meeting: Meeting, page: number, editInPlace: boolean) {
  const tally = await meetingTally(ctx.deps.db, meeting);
  const view = namesPage(ctx.t, tally, page, NAMES_PAGE_SIZE);
  const keyboard = new InlineKeyboard();
  if (view.page > 1) keyboard.text("«", callbackData(RSVP, "lp", meeting.code, view.page - 1));
  if (view.page < view.pages) keyboard.text("»", callbackData(RSVP, "lp", meeting.code, view.page + 1));
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  if (editInPlace) return ctx.editMessageText(view.text, { parse_mode: "HTML", reply_markup: keyboard }).catch(() => undefined);
  await ctx.reply(view.text, { parse_mode: "HTML", reply_markup: keyboard });
}

async function sendInvitation(ctx: ChiboContext, meeting: Meeting) {
  const cell: Cell = await ctx.deps.db.cell.findUniqueOrThrow({ where: { id: meeting.cellId } });
  const ics = meetingIcs({
    uid: `${meeting.id}@chibo`,
    title: `${ctx.t(`meeting_type.${meeting.type}`)} — ${cell.name}`,
    description: meeting.topic ?? "",
    location: meeting.place ?? "",
    startUtc: meeting.startsAt,
    durationMinutes: meeting.durationMinutes,
    timeZone: cell.timeZone,
    now: ctx.deps.now(),
  });
  const file = new InputFile(Buffer.from(ics, "utf8"), `hop-chi-bo-${meeting.code}.ics`);
  const privateChat = ctx.chat?.type === "private";
  if (!privateChat && !ctx.identity?.startedPrivate) {
    return ctx.answerCallbackQuery({ text: ctx.t("rsvp.ics_needs_private", { bot: ctx.me.username }), show_alert: true });
  }
  await ctx.api.sendDocument(ctx.from!.id, file, { caption: ctx.t("rsvp.ics_caption", { code: meeting.code }) });
  await ctx.answerCallbackQuery({ text: privateChat ? undefined : ctx.t("rsvp.ics_sent_private") });
}
