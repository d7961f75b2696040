import { createConversation, type Conversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard } from "grammy";
import type { Cell } from "../../db/generated/sqlite/client.js";
import { defaultAgenda } from "../../domain/agenda.js";
import { localToUtc, parseMeetingTime, utcToLocal } from "../../domain/dates.js";
import { publishMeeting, type AgendaDraftItem, type MeetingDraft, type MeetingWithAgenda } from "../../domain/meeting-service.js";
import {
  MEETING_TYPES,
  checkMeetingTime,
  defaultDurationMinutes,
  meetingPeriod,
  rsvpDeadlineDefault,
  type MeetingType,
} from "../../domain/meetings.js";
import { computeTally } from "../../domain/tally.js";
import { announcementText, localDateTime } from "../../render/meeting.js";
import { noticeToCommittee } from "../meeting-notices.js";
import { postAnnouncement } from "../announce.js";
import { callbackData, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { isGroupChat, requireManagedCell } from "../guards.js";
import { PREVIEW_CODE, rsvpKeyboard } from "../meeting-keyboards.js";

const NEW = "nm";
type NewMeetingConversation = Conversation<BotContext, ChiboContext>;

/**
 * /newmeeting: a form in the secretary's private chat that collects the meeting, shows the announcement
 * exactly as members will see it, and publishes it to every chat of the cell only on confirmation.
 */
export function newMeetingFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(createConversation(newMeetingForm, { id: "new-meeting", maxMillisecondsToWait: 24 * 60 * 60 * 1000 }));
  feature.command("newmeeting", async (ctx) => {
    const cell = await requireManagedCell(ctx);
    if (isGroupChat(ctx)) {
      if (!ctx.capabilities.deepLinks) return ctx.reply(ctx.t("new_meeting.write_privately", { bot: ctx.me.username }));
      const link = `https://t.me/${ctx.me.username}?start=newmeeting`;
      return ctx.reply(ctx.t("new_meeting.continue_private"), {
        reply_markup: new InlineKeyboard().url(ctx.t("new_meeting.open_private"), link),
      });
    }
    await ctx.conversation.enter("new-meeting", cell.id);
  });
  feature.command("start", async (ctx, next) => {
    if (ctx.match.trim() !== "newmeeting") return next();
    const cell = await requireManagedCell(ctx);
    await ctx.conversation.enter("new-meeting", cell.id);
  });
  return feature;
}

interface Answer {
  tapped?: string[];
  text: string;
}

/** Asks one question; returns the tapped button's arguments or the typed text. Cancel ends the form. */
async function ask(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  question: string,
  keyboard?: InlineKeyboard,
): Promise<Answer | undefined> {
  const buttons = (keyboard ?? new InlineKeyboard()).row().text(ctx.t("common.cancel"), callbackData(NEW, "cancel"));
  await ctx.reply(question, { parse_mode: "HTML", reply_markup: buttons });
  const answer = await conversation.waitFor(["callback_query:data", "message:text"], {
    otherwise: (other) => other.reply(ctx.t("new_meeting.text_or_button")),
  });
  if (answer.callbackQuery) await answer.answerCallbackQuery();
  const tapped = answer.callbackQuery ? parseCallback(answer.callbackQuery.data, NEW) : undefined;
  if (tapped?.action === "cancel") {
    await ctx.reply(ctx.t("new_meeting.cancelled"));
    return undefined;
  }
  if (answer.callbackQuery && !tapped) return { text: "" };
  return tapped ? { tapped: [tapped.action, ...tapped.args], text: "" } : { text: answer.message?.text?.trim() ?? "" };
}

const option = (keyboard: InlineKeyboard, label: string, ...args: string[]) =>
  keyboard.text(label.slice(0, 60), callbackData(NEW, "pick", ...args));

async function newMeetingForm(conversation: NewMeetingConversation, ctx: ChiboContext, cellId: string) {
  const cell = await conversation.external(() => ctx.deps.db.cell.findUniqueOrThrow({ where: { id: cellId } }));
  const nowMs = await conversation.external(() => ctx.deps.now().getTime());
  const now = new Date(nowMs);
  const type = await askType(conversation, ctx);
  if (!type) return;
  const startsAtLocal = await askTime(conversation, ctx, cell, type, now);
  if (!startsAtLocal) return;
  const period = type === "regular" || type === "combined" ? meetingPeriod(startsAtLocal.slice(0, 10)) : null;
  const place = await askText(conversation, ctx, "new_meeting.ask_place", cell.usualPlace ? [cell.usualPlace] : [], 200, true);
  if (place === undefined) return;
  const needsTopic = type === "thematic" || type === "combined";
  const topic = needsTopic ? await askText(conversation, ctx, "new_meeting.ask_topic", [], 300, false) : null;
  if (topic === undefined) return;
  const agenda = await askAgenda(conversation, ctx, cell, type, topic);
  if (!agenda) return;
  const roles = await askText(conversation, ctx, "new_meeting.ask_roles", [ctx.t("new_meeting.roles_default")], 200, true);
  if (roles === undefined) return;
  const guests = await askText(conversation, ctx, "new_meeting.ask_guests", [], 500, true);
  if (guests === undefined) return;
  const durationMinutes = await askDuration(conversation, ctx, type);
  if (!durationMinutes) return;
  const [chair, minuteTaker] = roles && roles !== ctx.t("new_meeting.roles_default") ? splitPair(roles) : [null, null];
  const draft: MeetingDraft = {
    type,
    period,
    topic,
    startsAtLocal,
    durationMinutes,
    place,
    agenda,
    chair,
    minuteTaker,
    guests: guests
      ? guests
          .split(/[,;\n]/)
          .map((g) => g.trim())
          .filter(Boolean)
          .slice(0, 20)
      : [],
    rsvpDeadlineLocal: null,
  };
  const deadline = await askDeadline(conversation, ctx, cell, startsAtLocal, now);
  if (deadline === undefined) return;
  draft.rsvpDeadlineLocal = deadline;
  const published = await previewAndPublish(conversation, ctx, cell, draft, now);
  if (!published) return;
  const posted = await conversation.external(async () => {
    const meeting = await publishMeeting(ctx.deps.db, ctx.actor, cell, draft, ctx.deps.now());
    const count = await postAnnouncement(ctx.deps, meeting, cell);
    await noticeToCommittee(ctx.deps, meeting, (t) =>
      t("meeting.committee_notice", {
        cell: cell.name,
        type: t(`meeting_type.${meeting.type}`).toLowerCase(),
        when: localDateTime(t, meeting.startsAt, cell.timeZone),
        place: meeting.place ?? "—",
        code: meeting.code,
      }),
    );
    return { code: meeting.code, count };
  });
  await ctx.reply(ctx.t("new_meeting.published", { code: posted.code, chats: posted.count }), { parse_mode: "HTML" });
}

/** The answer deadline: two hours before (default), the day before, none, or a typed date and time. */
async function askDeadline(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  cell: Cell,
  startsAtLocal: string,
  now: Date,
) {
  const start = localToUtc(startsAtLocal, cell.timeZone).getTime();
  const toLocal = (ms: number) => {
    const { date, time } = utcToLocal(new Date(ms), cell.timeZone);
    return `${date}T${time}`;
  };
  const keyboard = new InlineKeyboard();
  option(keyboard, ctx.t("new_meeting.deadline_2h"), "deadline", "2h").row();
  option(keyboard, ctx.t("new_meeting.deadline_1d"), "deadline", "1d").row();
  option(keyboard, ctx.t("new_meeting.deadline_none"), "deadline", "none");
  for (;;) {
    const answer = await ask(conversation, ctx, ctx.t("new_meeting.ask_deadline"), keyboard);
    if (!answer) return undefined;
    if (answer.tapped?.[1] === "deadline") {
      const choice = answer.tapped[2];
      if (choice === "none") return null;
      return choice === "1d" ? toLocal(start - 24 * 3600_000) : rsvpDeadlineDefault(startsAtLocal);
    }
    const parsed = parseMeetingTime(answer.text, { now, timeZone: cell.timeZone });
    if (parsed.kind === "datetime" && localToUtc(parsed.local, cell.timeZone).getTime() < start) return parsed.local;
    await ctx.reply(ctx.t("new_meeting.bad_deadline"));
  }
}

function splitPair(text: string): [string | null, string | null] {
  const [first, second] = text.split(/[,;]/).map((part) => part.trim());
  return [first || null, second || null];
}

async function askType(conversation: NewMeetingConversation, ctx: ChiboContext): Promise<MeetingType | undefined> {
  const keyboard = new InlineKeyboard();
  MEETING_TYPES.forEach((type, i) => {
    option(keyboard, ctx.t(`meeting_type.${type}`), "type", type);
    if (i % 2 === 1) keyboard.row();
  });
  for (;;) {
    const answer = await ask(conversation, ctx, ctx.t("new_meeting.ask_type"), keyboard);
    if (!answer) return undefined;
    const chosen = answer.tapped?.[2];
    if (answer.tapped?.[1] === "type" && MEETING_TYPES.includes(chosen as MeetingType)) return chosen as MeetingType;
    await ctx.reply(ctx.t("new_meeting.use_buttons"));
  }
}

async function askTime(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  cell: Cell,
  type: MeetingType,
  now: Date,
): Promise<string | undefined> {
  let question = ctx.t("new_meeting.ask_time");
  for (;;) {
    const answer = await ask(conversation, ctx, question);
    if (!answer) return undefined;
    const parsed = parseMeetingTime(answer.text, { now, timeZone: cell.timeZone });
    if (parsed.kind === "error") {
      question = ctx.t(`dates.${parsed.reason}`) + "\n" + ctx.t("new_meeting.ask_time");
      continue;
    }
    const local = parsed.kind === "datetime" ? parsed.local : cell.usualTime ? `${parsed.local}T${cell.usualTime}` : undefined;
    if (!local) {
      question = ctx.t("new_meeting.time_missing", { date: parsed.local });
      continue;
    }
    const accepted = await confirmWarnings(conversation, ctx, cell, type, local, now);
    if (accepted === undefined) return undefined;
    if (accepted) return local;
    question = ctx.t("new_meeting.ask_time");
  }
}

/** Warns about a past time, odd hours, a second regular meeting in the month or a clash; the secretary decides. */
async function confirmWarnings(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  cell: Cell,
  type: MeetingType,
  local: string,
  now: Date,
) {
  const others = await conversation.external(async () => {
    const meetings = await ctx.deps.db.meeting.findMany({ where: { cellId: cell.id, status: { not: "cancelled" } } });
    return meetings.map((m) => {
      const { date, time } = utcToLocal(m.startsAt, cell.timeZone);
      const status = m.status as "draft" | "published" | "cancelled" | "closed";
      return { startsAtLocal: `${date}T${time}`, durationMinutes: m.durationMinutes, type: m.type as MeetingType, status };
    });
  });
  const nowParts = utcToLocal(now, cell.timeZone);
  const warnings = checkMeetingTime({
    startsAtLocal: local,
    type,
    nowLocal: `${nowParts.date}T${nowParts.time}`,
    others,
    durationMinutes: defaultDurationMinutes(type),
  });
  if (warnings.length === 0) return true;
  const keyboard = new InlineKeyboard();
  option(keyboard, ctx.t("new_meeting.keep_time"), "keep");
  option(keyboard, ctx.t("new_meeting.change_time"), "change");
  const lines = warnings.map((warning) => `⚠️ ${ctx.t(`new_meeting.warning_${warning}`)}`);
  const answer = await ask(conversation, ctx, [...lines, ctx.t("new_meeting.keep_anyway")].join("\n"), keyboard);
  if (!answer) return undefined;
  return answer.tapped?.[1] === "keep";
}

/** A free-text answer with suggested values as buttons; `optional` adds a Skip button (answer null). */
async function askText(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  key: string,
  suggestions: string[],
  maxLength: number,
  optional: boolean,
): Promise<string | null | undefined> {
  const keyboard = new InlineKeyboard();
  suggestions.forEach((suggestion, i) => option(keyboard, suggestion, "suggest", String(i)).row());
  if (optional) option(keyboard, ctx.t("new_meeting.skip"), "skip");
  for (;;) {
    const answer = await ask(conversation, ctx, ctx.t(key), keyboard);
    if (!answer) return undefined;
    if (answer.tapped?.[1] === "skip") return null;
    if (answer.tapped?.[1] === "suggest") return suggestions[Number(answer.tapped[2])] ?? null;
    if (answer.text.length > 0 && answer.text.length <= maxLength) return answer.text;
    await ctx.reply(ctx.t("new_meeting.too_long", { max: maxLength }));
  }
}

async function askAgenda(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  cell: Cell,
  type: MeetingType,
  topic: string | null,
) {
  let agenda: AgendaDraftItem[] = defaultAgenda(type, cell.type as Parameters<typeof defaultAgenda>[1], topic ?? undefined).map(
    (item) => ({
      title: ctx.locale === "en" ? item.titleEn : item.title,
      presenter: item.presenterRole ? ctx.t(`presenter_role.${item.presenterRole}`) : null,
    }),
  );
  for (;;) {
    const keyboard = new InlineKeyboard();
    option(keyboard, ctx.t("new_meeting.agenda_ok"), "agenda-ok");
    const listing = agenda.map((item, i) => `${i + 1}. ${item.title}${item.presenter ? ` — ${item.presenter}` : ""}`).join("\n");
    const answer = await ask(conversation, ctx, ctx.t("new_meeting.ask_agenda", { agenda: listing }), keyboard);
    if (!answer) return undefined;
    if (answer.tapped?.[1] === "agenda-ok") return agenda;
    const edited = parseAgendaText(answer.text);
    if (edited.length === 0 || edited.length > 30 || edited.some((item) => item.title.length > 500)) {
      await ctx.reply(ctx.t("new_meeting.bad_agenda"));
      continue;
    }
    agenda = edited;
  }
}

/** One item per line; "— presenter" (or " - ") after the title names who presents it. Leading numbers are dropped. */
export function parseAgendaText(text: string): AgendaDraftItem[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\d+[.)]\s*/, "").trim())
    .filter(Boolean)
    .map((line) => {
      const [title, presenter] = line.split(/\s+[—–-]\s+/, 2);
      return { title: (title ?? "").trim(), presenter: presenter?.trim() || null };
    });
}

async function askDuration(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  type: MeetingType,
): Promise<number | undefined> {
  const standard = defaultDurationMinutes(type);
  const keyboard = new InlineKeyboard();
  option(keyboard, ctx.t("new_meeting.minutes", { count: standard }), "minutes", String(standard));
  for (;;) {
    const answer = await ask(conversation, ctx, ctx.t("new_meeting.ask_duration"), keyboard);
    if (!answer) return undefined;
    const minutes = Number(answer.tapped?.[1] === "minutes" ? answer.tapped[2] : answer.text.replace(/[^\d]/g, ""));
    if (Number.isInteger(minutes) && minutes >= 15 && minutes <= 600) return minutes;
    await ctx.reply(ctx.t("new_meeting.bad_duration"));
  }
}

async function previewAndPublish(
  conversation: NewMeetingConversation,
  ctx: ChiboContext,
  cell: Cell,
  draft: MeetingDraft,
  now: Date,
) {
  const preview = await conversation.external(async () => {
    const members = await ctx.deps.db.member.findMany({
      where: { cellId: cell.id, membership: { in: ["active", "exempt", "transferred_out"] } },
      select: { id: true, fullName: true, group: true, membership: true },
    });
    const tally = computeTally(
      members.map((m) => ({
        id: m.id,
        name: m.fullName,
        group: m.group,
        membership: m.membership as "active" | "exempt" | "transferred_out",
      })),
      [],
    );
    return announcementText(ctx.t, draftAsMeeting(draft, cell, now), cell, tally);
  });
  await ctx.reply(ctx.t("new_meeting.preview_intro"));
  await ctx.reply(preview, { parse_mode: "HTML", reply_markup: rsvpKeyboard(ctx.t, PREVIEW_CODE) });
  const keyboard = new InlineKeyboard();
  option(keyboard, ctx.t("new_meeting.publish"), "publish");
  const answer = await ask(conversation, ctx, ctx.t("new_meeting.confirm"), keyboard);
  if (!answer) return false;
  if (answer.tapped?.[1] !== "publish") {
    await ctx.reply(ctx.t("new_meeting.not_published"));
    return false;
  }
  return true;
}

function draftAsMeeting(draft: MeetingDraft, cell: Cell, now: Date): MeetingWithAgenda {
  return {
    id: "preview",
    cellId: cell.id,
    code: "…",
    type: draft.type,
    period: draft.period,
    topic: draft.topic,
    startsAt: localToUtc(draft.startsAtLocal, cell.timeZone),
    durationMinutes: draft.durationMinutes,
    place: draft.place,
    status: "published",
    rsvpDeadline: draft.rsvpDeadlineLocal ? localToUtc(draft.rsvpDeadlineLocal, cell.timeZone) : null,
    chairMemberId: draft.chair,
    minuteTakerId: draft.minuteTaker,
    cancelReason: null,
    checkinCode: null,
    checkinOpensAt: null,
    checkinClosesAt: null,
    actualStart: null,
    actualEnd: null,
    conclusion: null,
    resolution: null,
    vote: null,
    score: null,
    rating: null,
    createdById: null,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    closedAt: null,
    agenda: draft.agenda.map((item, position) => ({
      position,
      title: item.title,
      presenter: item.presenter,
      status: "accepted",
      attachment: null,
    })),
    guests: draft.guests.map((name) => ({ name })),
  };
}
