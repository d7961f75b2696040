import { createConversation, type Conversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { Cell } from "../../db/generated/sqlite/client.js";
import { localToUtc, utcToLocal } from "../../domain/dates.js";
import { DomainError } from "../../domain/errors.js";
import {
  attendanceOverview,
  cellMemberFlags,
  closeMeeting,
  parseClockTime,
  type ClosingInput,
} from "../../domain/meeting-day.js";
import { findMeeting, type MeetingWithAgenda } from "../../domain/meeting-service.js";
import { parseScores, parseVote, type Rubric } from "../../domain/rating.js";
import { rubricFor } from "../../domain/meeting-day.js";
import { cellSettings } from "../../domain/settings.js";
import { percent } from "../../render/meeting-day.js";
import { localDateTime } from "../../render/meeting.js";
import { callbackData, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { requireManagedCell, requirePrivateChat } from "../guards.js";
import { announceToCell, noticeToCommittee } from "../meeting-notices.js";
import { minutesFor } from "../minutes-data.js";
import { renderMinutesDocx } from "../../render/minutes.js";

const CLOSE = "cl";
type ClosingConversation = Conversation<BotContext, ChiboContext>;

/**
 * /close: the actual times, conclusion, resolution, vote and score, then the meeting is closed: the rate and
 * flags are shown, a summary goes to the cell and the committee, and the minutes draft to the secretary.
 */
export function closingFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(createConversation(closingForm, { id: "closing", maxMillisecondsToWait: 24 * 3600_000 }));
  feature.command("close", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const code = ctx.match.trim();
    const meeting = code ? await findMeeting(ctx.deps.db, code, cell.id) : await latestOpen(ctx, cell);
    if (meeting.status === "closed") throw new DomainError("day.already_closed");
    if (meeting.status === "cancelled") throw new DomainError("rsvp.cancelled");
    await ctx.conversation.enter("closing", meeting.code);
  });
  feature.command("minutes", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const meeting = await findMeeting(ctx.deps.db, ctx.match.trim(), cell.id);
    await sendMinutes(ctx, meeting, cell);
  });
  return feature;
}

async function latestOpen(ctx: ChiboContext, cell: Cell) {
  const meeting = await ctx.deps.db.meeting.findFirst({
    where: { cellId: cell.id, status: "published" },
    orderBy: { startsAt: "asc" },
  });
  if (!meeting) throw new DomainError("meeting.none_upcoming");
  return findMeeting(ctx.deps.db, meeting.code, cell.id);
}

async function ask(conversation: ClosingConversation, ctx: ChiboContext, question: string, options: [string, string][]) {
  const keyboard = new InlineKeyboard();
  for (const [label, value] of options) keyboard.text(label.slice(0, 60), callbackData(CLOSE, "pick", value)).row();
  keyboard.text(ctx.t("common.cancel"), callbackData(CLOSE, "cancel"));
  await ctx.reply(question, { parse_mode: "HTML", reply_markup: keyboard });
  const answer = await conversation.waitFor(["callback_query:data", "message:text"], {
    otherwise: (other) => other.reply(ctx.t("new_meeting.text_or_button")),
  });
  if (answer.callbackQuery) await answer.answerCallbackQuery();
  const tapped = answer.callbackQuery ? parseCallback(answer.callbackQuery.data, CLOSE) : undefined;
  if (tapped?.action === "cancel") {
    await ctx.reply(ctx.t("close.cancelled"));
    return undefined;
  }
  return { picked: tapped?.action === "pick" ? (tapped.args[0] ?? "") : undefined, text: answer.message?.text?.trim() ?? "" };
}

/** A clock time on the meeting's day (HH:mm), suggested or typed; the end must come after the start. */
async function askTime(
  conversation: ClosingConversation,
  ctx: ChiboContext,
  facts: ClosingFacts,
  question: string,
  suggested: string,
  after?: string,
) {
  for (;;) {
    // callback data uses ":" as its separator, so the suggested time travels as HHmm
    const answer = await ask(conversation, ctx, question, [[suggested, suggested.replace(":", "")]]);
    if (!answer) return undefined;
    const clock = answer.picked ? `${answer.picked.slice(0, 2)}:${answer.picked.slice(2)}` : parseClockTime(answer.text);
    if (!clock) {
      await ctx.reply(ctx.t("close.bad_time"), { parse_mode: "HTML" });
      continue;
    }
    if (after && clock <= after) {
      await ctx.reply(ctx.t("day.end_before_start"));
      continue;
    }
    return clock;
  }
}

async function askOptionalText(conversation: ClosingConversation, ctx: ChiboContext, question: string, max: number) {
  for (;;) {
    const answer = await ask(conversation, ctx, question, [[ctx.t("new_meeting.skip"), "skip"]]);
    if (!answer) return undefined;
    if (answer.picked === "skip") return null;
    if (answer.text.length > 0 && answer.text.length <= max) return answer.text;
    await ctx.reply(ctx.t("new_meeting.too_long", { max }));
  }
}

/** Values read once and replayed: conversation state is JSON, so no Date or database row crosses it. */
interface ClosingFacts {
  timeZone: string;
  date: string;
  plannedStart: string;
  plannedEnd: string;
  unmarked: number;
  rubric: Rubric;
}

async function loadMeeting(ctx: ChiboContext, code: string) {
  const cell = await requireManagedCell(ctx);
  return { cell, meeting: await findMeeting(ctx.deps.db, code, cell.id) };
}

async function closingForm(conversation: ClosingConversation, ctx: ChiboContext, code: string) {
  const facts: ClosingFacts = await conversation.external(async () => {
    const { cell, meeting } = await loadMeeting(ctx, code);
    const overview = await attendanceOverview(ctx.deps.db, meeting);
    const start = utcToLocal(meeting.startsAt, cell.timeZone);
    const end = utcToLocal(new Date(meeting.startsAt.getTime() + meeting.durationMinutes * 60_000), cell.timeZone);
    return {
      timeZone: cell.timeZone,
      date: start.date,
      plannedStart: start.time,
      plannedEnd: end.time,
      unmarked: overview.unmarked.length,
      rubric: await rubricFor(ctx.deps.db, cell),
    };
  });
  if (facts.unmarked > 0) {
    const answer = await ask(conversation, ctx, ctx.t("close.unmarked", { count: facts.unmarked }), [
      [ctx.t("close.mark_unexcused", { count: facts.unmarked }), "mark"],
    ]);
    if (!answer || answer.picked !== "mark") return ctx.reply(ctx.t("close.back_to_rollcall"), { parse_mode: "HTML" });
  }
  const actualStart = await askTime(conversation, ctx, facts, ctx.t("close.ask_start"), facts.plannedStart);
  if (!actualStart) return;
  const actualEnd = await askTime(conversation, ctx, facts, ctx.t("close.ask_end"), facts.plannedEnd, actualStart);
  if (!actualEnd) return;
  const conclusion = await askOptionalText(conversation, ctx, ctx.t("close.ask_conclusion"), 3000);
  if (conclusion === undefined) return;
  const resolution = await askOptionalText(conversation, ctx, ctx.t("close.ask_resolution"), 3000);
  if (resolution === undefined) return;
  const vote = await askVote(conversation, ctx);
  if (vote === undefined) return;
  const scores = await askScores(conversation, ctx, facts.rubric);
  if (!scores) return;
  const yes = ctx.t("close.yes");
  const no = ctx.t("close.no");
  const participation = await ask(conversation, ctx, ctx.t("close.ask_participation"), [
    [yes, "y"],
    [no, "n"],
  ]);
  if (!participation) return;
  const minutes = await ask(conversation, ctx, ctx.t("close.ask_minutes"), [
    [yes, "y"],
    [no, "n"],
  ]);
  if (!minutes) return;
  const outcome = await conversation.external(async () => {
    const input: ClosingInput = {
      actualStart: localToUtc(`${facts.date}T${actualStart}`, facts.timeZone),
      actualEnd: localToUtc(`${facts.date}T${actualEnd}`, facts.timeZone),
      conclusion,
      resolution,
      vote,
      scores,
      participationMet: participation.picked === "y",
      minutesComplete: minutes.picked === "y",
      markUnmarkedUnexcused: true,
    };
    try {
      const { cell, meeting } = await loadMeeting(ctx, code);
      return { ok: true as const, report: await finishClosing(ctx, meeting, cell, input) };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false as const, key: error.key, params: error.params };
      throw error;
    }
  });
  if (!outcome.ok) return ctx.reply(ctx.t(outcome.key, outcome.params), { parse_mode: "HTML" });
  await ctx.reply(outcome.report, { parse_mode: "HTML" });
  await conversation.external(async () => {
    const { cell, meeting } = await loadMeeting(ctx, code);
    await sendMinutes(ctx, meeting, cell);
  });
}

async function askVote(conversation: ClosingConversation, ctx: ChiboContext) {
  for (;;) {
    const answer = await ask(conversation, ctx, ctx.t("close.ask_vote"), [[ctx.t("new_meeting.skip"), "skip"]]);
    if (!answer) return undefined;
    if (answer.picked === "skip") return null;
    try {
      return parseVote(answer.text);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await ctx.reply(ctx.t(error.key, error.params), { parse_mode: "HTML" });
    }
  }
}

async function askScores(conversation: ClosingConversation, ctx: ChiboContext, rubric: Rubric) {
  const parts = rubric.parts.map((part) => `${ctx.t(`rubric.${part.key}`, { defaultValue: part.key })} ${part.max}`).join(", ");
  for (;;) {
    const answer = await ask(conversation, ctx, ctx.t("close.ask_scores", { parts }), []);
    if (!answer) return undefined;
    try {
      return parseScores(answer.text, rubric);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const part =
        error.params.part === undefined
          ? {}
          : { part: ctx.t(`rubric.${error.params.part}`, { defaultValue: String(error.params.part) }) };
      await ctx.reply(ctx.t(error.key, { ...error.params, ...part }), { parse_mode: "HTML" });
    }
  }
}

/** Closes, then tells the cell (counts, rate, rating; names only if the cell chose so) and the committee. */
async function finishClosing(ctx: ChiboContext, meeting: MeetingWithAgenda, cell: Cell, input: ClosingInput): Promise<string> {
  const closed = await closeMeeting(ctx.deps.db, ctx.actor, meeting, cell, input, ctx.deps.now());
  const year = Number(utcToLocal(meeting.startsAt, cell.timeZone).date.slice(0, 4));
  const flagged = (await cellMemberFlags(ctx.deps.db, cell, year)).filter((f) => f.flags.length > 0);
  const names = new Map(closed.overview.members.map((m) => [m.id, m.fullName]));
  const r = closed.overview.rate;
  const settings = cellSettings(cell.settings);
  const summary = (t: typeof ctx.t, withNames: boolean) =>
    [
      t("close.summary_title", { cell: cell.name, code: meeting.code, when: localDateTime(t, meeting.startsAt, cell.timeZone) }),
      t("close.summary_counts", {
        present: r.present,
        expected: r.expected,
        rate: percent(r.rate, t("meeting.locale_code")),
        excused: r.excused,
        unexcused: r.unexcused,
      }),
      t("close.summary_length", { minutes: closed.actualMinutes }),
      t("close.summary_rating", { total: closed.score.total, rating: t(`rating.${closed.score.rating}`) }),
      ...closed.flags.map((flag) => `⚠️ ${t(`close.flag_${flag}`)}`),
      ...(withNames && closed.overview.unexcused.length > 0
        ? [t("close.unexcused_names", { names: closed.overview.unexcused.join(", ") })]
        : []),
    ].join("\n");
  await announceToCell(ctx.deps, meeting, (t) => summary(t, settings.showAbsenteeNamesInGroup === true));
  await noticeToCommittee(ctx.deps, meeting, (t) => summary(t, true));
  const memberFlagLines = flagged.map(
    (f) =>
      `• ${names.get(f.memberId) ?? "?"}: ${f.flags.map((flag) => ctx.t(`member_flag.${flag}`, { count: f.unexcusedThisYear })).join("; ")}`,
  );
  const notGood = closed.score.notGoodBecause.map((reason) => ctx.t(`close.not_good_${reason}`, { defaultValue: reason }));
  return [
    ctx.t("close.done", { code: meeting.code }),
    summary(ctx.t, true),
    ...(notGood.length > 0 && closed.score.total >= 90 ? [ctx.t("close.not_good", { reasons: notGood.join(", ") })] : []),
    ...(memberFlagLines.length > 0 ? [ctx.t("close.member_flags"), ...memberFlagLines] : []),
  ].join("\n");
}

async function sendMinutes(ctx: ChiboContext, meeting: MeetingWithAgenda, cell: Cell) {
  const input = await minutesFor(ctx.deps, meeting, cell, ctx.t);
  const bytes = await renderMinutesDocx(input);
  const t = ctx.deps.translations.t(ctx.locale);
  await ctx.replyWithDocument(new InputFile(bytes, `bien-ban-${meeting.code}.docx`), {
    caption: t("close.minutes_caption", { code: meeting.code }),
  });
}
