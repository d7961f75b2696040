import { Composer, InlineKeyboard } from "grammy";
import type { Cell, Member } from "../../db/generated/sqlite/client.js";
import type { AttendanceStatus } from "../../domain/attendance.js";
import { DomainError } from "../../domain/errors.js";
import {
  addGuest,
  addNote,
  attendanceOverview,
  leaveEarly,
  markAttendance,
  openCheckin,
  selfCheckIn,
} from "../../domain/meeting-day.js";
import { cellBindings, findMeeting } from "../../domain/meeting-service.js";
import { keyValueStore } from "../../db/key-value.js";
import { searchKey } from "../../domain/roster.js";
import { escapeHtml } from "../../render/html.js";
import { openingReport } from "../../render/meeting-day.js";
import { localDateTime } from "../../render/meeting.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import { isServed, postToChat } from "../chat-post.js";
import type { BotContext, ChiboContext } from "../context.js";
import { requireManagedCell, requireMeeting, requireMeetingAndQuery, requireMemberCell, requirePrivateChat } from "../guards.js";
import { storePrompt, type PromptHandler } from "../prompts.js";

const CHECKIN = "ci";
const ROLL = "rc";
export const CHECKIN_PROMPT = "checkin-code";
const PAGE_SIZE = 8;
const queryKey = (identityId: string) => `rollcall-query:${identityId}`;

const STATUS_CODES: Record<string, AttendanceStatus> = { p: "present", l: "late", e: "left_early", x: "excused", u: "unexcused" };
const STATUS_ICONS: Record<string, string> = {
  present: "✅",
  late: "⏰",
  left_early: "🚪",
  excused: "🟡",
  unexcused: "❌",
  exempt: "➖",
};

/** The meeting a command is about: the code given, else today's or the next meeting of the cell. */
const currentMeeting = (ctx: ChiboContext, cell: Cell, code: string) => requireMeeting(ctx, cell, code, { sinceHours: 12 });

function requireIdentity(ctx: ChiboContext) {
  if (!ctx.identity) throw new DomainError("errors.stale_button");
  return ctx.identity;
}

/**
 * Meeting day: the secretary opens check-in (members tap or send the code), takes the roll call in pages,
 * records guests and what members said, and reads the opening report.
 */
export function meetingDayFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("checkin", async (ctx) => {
    const cell = await requireManagedCell(ctx);
    const meeting = await currentMeeting(ctx, cell, ctx.match.trim());
    const opened = await openCheckin(ctx.deps.db, ctx.actor, meeting, ctx.deps.now());
    const until = localDateTime(ctx.t, opened.closesAt, cell.timeZone);
    for (const binding of await cellBindings(ctx.deps.db, cell.id)) {
      if (!isServed(ctx.deps, binding)) continue;
      const t = ctx.deps.translations.t(binding.locale, cell.locale);
      const sent = await postToChat(
        ctx.deps,
        binding,
        t("day.checkin_open", { code: opened.code, meeting: meeting.code, until }),
        {
          parse_mode: "HTML",
          reply_markup: new InlineKeyboard().text(t("day.checkin_button"), callbackData(CHECKIN, "y", meeting.code)),
        },
      );
      await storePrompt(ctx.deps.db, sent.chat.id, sent.message_id, {
        kind: CHECKIN_PROMPT,
        identityId: null,
        data: { code: meeting.code },
      });
    }
    await ctx.reply(ctx.t("day.checkin_opened", { code: opened.code, meeting: meeting.code, until }), { parse_mode: "HTML" });
  });

  feature.callbackQuery(featurePattern(CHECKIN), async (ctx) => {
    const code = parseCallback(ctx.callbackQuery.data, CHECKIN)?.args[0] ?? "";
    const meeting = await findMeeting(ctx.deps.db, code);
    const result = await selfCheckIn(ctx.deps.db, meeting, requireIdentity(ctx), { now: ctx.deps.now() });
    await ctx.answerCallbackQuery({ text: checkinAnswer(ctx, result) });
  });

  feature.command("here", async (ctx) => {
    const cell = await requireMemberCell(ctx);
    const meeting = await currentMeeting(ctx, cell, "");
    const result = await selfCheckIn(ctx.deps.db, meeting, requireIdentity(ctx), { code: ctx.match.trim(), now: ctx.deps.now() });
    await ctx.reply(checkinAnswer(ctx, result), { parse_mode: "HTML" });
  });

  feature.command("leave", async (ctx) => {
    const cell = await requireMemberCell(ctx);
    const meeting = await currentMeeting(ctx, cell, "");
    const member = await leaveEarly(ctx.deps.db, meeting, requireIdentity(ctx), ctx.deps.now());
    await ctx.reply(ctx.t("day.left_early", { name: member.fullName }), { parse_mode: "HTML" });
  });

  feature.command("rollcall", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const { meeting, query } = await requireMeetingAndQuery(ctx, cell, ctx.match, { sinceHours: 12 });
    if (query && ctx.identity) await keyValueStore(ctx.deps.db).set(queryKey(ctx.identity.id), searchKey(query));
    await showRollCall(ctx, meeting.code, cell, query ? "q" : "a", 1, false);
  });

  feature.command("opening", async (ctx) => {
    const cell = await requireManagedCell(ctx);
    const meeting = await currentMeeting(ctx, cell, ctx.match.trim());
    const o = await attendanceOverview(ctx.deps.db, meeting);
    const text = openingReport(ctx.t, {
      cellName: cell.name,
      code: meeting.code,
      official: o.official,
      probationary: o.probationary,
      rate: o.rate,
      excused: o.excused,
      unexcused: o.unexcused,
      unmarked: o.unmarked.map((m) => m.fullName),
      guests: o.guests.filter((g) => g.present),
    });
    await ctx.reply(text, { parse_mode: "HTML" });
  });

  feature.command("note", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const [speaker = "", ...words] = ctx.match.split(":");
    const text = words.join(":").trim();
    if (!speaker.trim() || !text) throw new DomainError("day.note_usage");
    const meeting = await currentMeeting(ctx, cell, "");
    await addNote(ctx.deps.db, meeting, speaker.trim().slice(0, 100), text.slice(0, 3000));
    await ctx.reply(ctx.t("day.note_saved", { speaker: speaker.trim() }), { parse_mode: "HTML" });
  });

  feature.command("guest", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const [name = "", title = ""] = ctx.match.split(",").map((part) => part.trim());
    if (!name) throw new DomainError("day.guest_usage");
    const meeting = await currentMeeting(ctx, cell, "");
    await addGuest(ctx.deps.db, ctx.actor, meeting, name.slice(0, 100), title.slice(0, 100) || null);
    await ctx.reply(ctx.t("day.guest_added", { name }), { parse_mode: "HTML" });
  });

  feature.callbackQuery(featurePattern(ROLL), async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const tapped = parseCallback(ctx.callbackQuery.data, ROLL);
    const [code = "", second = "", third = "", fourth = ""] = tapped?.args ?? [];
    await ctx.answerCallbackQuery();
    if (tapped?.action === "p") return showRollCall(ctx, code, cell, second, Number(third) || 1, true);
    if (tapped?.action === "m") return showMemberChoices(ctx, cell, code, second, third);
    const status = STATUS_CODES[third];
    if (tapped?.action !== "s" || !status) throw new DomainError("errors.stale_button");
    const meeting = await findMeeting(ctx.deps.db, code, cell.id);
    const rsvp = await ctx.deps.db.rsvp.findUnique({
      where: { meetingId_memberId: { meetingId: meeting.id, memberId: second } },
    });
    await markAttendance(ctx.deps.db, ctx.actor, meeting, second, status, rsvp?.reason ?? null, ctx.deps.now());
    return showRollCall(ctx, code, cell, fourth || "a", 1, true);
  });

  return feature;
}

function checkinAnswer(ctx: ChiboContext, result: { kind: "already" | "checked_in"; memberName: string; status: string }) {
  if (result.kind === "already") return ctx.t("day.already_checked_in", { name: result.memberName });
  return ctx.t(result.status === "late" ? "day.checked_in_late" : "day.checked_in", { name: result.memberName });
}

export const checkinPromptHandler: PromptHandler = async (ctx, answer, data) => {
  const meeting = await findMeeting(ctx.deps.db, data.code ?? "");
  const result = await selfCheckIn(ctx.deps.db, meeting, requireIdentity(ctx), { code: answer, now: ctx.deps.now() });
  await ctx.reply(checkinAnswer(ctx, result), { parse_mode: "HTML", reply_parameters: { message_id: ctx.msgId ?? 0 } });
};

/** The roster in pages, with filters (all expected, not yet marked, exempt, each Party group). */
async function showRollCall(ctx: ChiboContext, code: string, cell: Cell, filter: string, page: number, editInPlace: boolean) {
  const meeting = await findMeeting(ctx.deps.db, code, cell.id);
  const o = await attendanceOverview(ctx.deps.db, meeting);
  const query =
    filter === "q" && ctx.identity ? ((await keyValueStore(ctx.deps.db).get<string>(queryKey(ctx.identity.id))) ?? "") : "";
  const groups = [...new Set(o.members.map((m) => m.group).filter((g): g is string => Boolean(g)))].sort((a, b) =>
    a.localeCompare(b, "vi", { numeric: true }),
  );
  const matches = (m: Member) => {
    if (filter === "q") return m.searchKey.includes(query);
    if (filter === "x") return m.membership === "exempt";
    if (m.membership !== "active") return false;
    if (filter === "u") return !o.recordOf.has(m.id);
    if (filter.startsWith("g")) return m.group === groups[Number(filter.slice(1))];
    return true;
  };
  const shown = o.members.filter(matches);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const slice = shown.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const icon = (m: Member) => STATUS_ICONS[o.recordOf.get(m.id)?.status ?? ""] ?? "⬜";
  const keyboard = new InlineKeyboard();
  for (const member of slice)
    keyboard
      .text(`${icon(member)} ${member.fullName}`.slice(0, 60), callbackData(ROLL, "m", meeting.code, member.id, filter))
      .row();
  if (current > 1) keyboard.text("«", callbackData(ROLL, "p", meeting.code, filter, current - 1));
  if (current < pages) keyboard.text("»", callbackData(ROLL, "p", meeting.code, filter, current + 1));
  keyboard
    .row()
    .text(ctx.t("day.filter_all"), callbackData(ROLL, "p", meeting.code, "a", 1))
    .text(ctx.t("day.filter_unmarked"), callbackData(ROLL, "p", meeting.code, "u", 1))
    .text(ctx.t("day.filter_exempt"), callbackData(ROLL, "p", meeting.code, "x", 1));
  groups.slice(0, 12).forEach((group, i) => {
    if (i % 4 === 0) keyboard.row();
    keyboard.text(group.slice(0, 20), callbackData(ROLL, "p", meeting.code, `g${i}`, 1));
  });
  const r = o.rate;
  const text = [
    ctx.t("day.rollcall_title", { code: meeting.code, filter: filterLabel(ctx, filter, groups), page: current, pages }),
    ctx.t("day.rollcall_counts", {
      present: r.present,
      expected: r.expected,
      excused: r.excused,
      unexcused: r.unexcused,
      unmarked: r.unmarked,
      exempt: r.exempt,
    }),
    ctx.t("day.rollcall_legend"),
  ].join("\n");
  if (editInPlace) return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard }).catch(() => undefined);
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}

function filterLabel(ctx: ChiboContext, filter: string, groups: string[]) {
  if (filter === "q") return ctx.t("day.filter_search");
  if (filter === "u") return ctx.t("day.filter_unmarked");
  if (filter === "x") return ctx.t("day.filter_exempt");
  if (filter.startsWith("g")) return escapeHtml(groups[Number(filter.slice(1))] ?? "");
  return ctx.t("day.filter_all");
}

async function showMemberChoices(ctx: ChiboContext, cell: Cell, code: string, memberId: string, filter: string) {
  // a meeting and a member of the secretary's own cell only: forged data must not show another cell's names
  await findMeeting(ctx.deps.db, code, cell.id);
  const member = await ctx.deps.db.member.findFirst({ where: { id: memberId, cellId: cell.id } });
  if (!member) throw new DomainError("members.not_found");
  const keyboard = new InlineKeyboard();
  for (const [short, status] of Object.entries(STATUS_CODES)) {
    keyboard
      .text(`${STATUS_ICONS[status]} ${ctx.t(`attendance.${status}`)}`, callbackData(ROLL, "s", code, memberId, short, filter))
      .row();
  }
  keyboard.text(ctx.t("common.back"), callbackData(ROLL, "p", code, filter, 1));
  await ctx.editMessageText(ctx.t("day.mark_who", { name: member.fullName }), { parse_mode: "HTML", reply_markup: keyboard });
}
