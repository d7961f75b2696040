import { Composer } from "grammy";
import { DomainError } from "../../domain/errors.js";
import {
  DEFAULT_REMINDER_HOURS,
  cellSchedule,
  cellSettings,
  changeCellSetting,
  changeSummaryTime,
  parseCellSetting,
} from "../../domain/settings.js";
import type { BotContext } from "../context.js";
import { isChatAdmin, requireManagedCell } from "../guards.js";

/**
 * /settings: a secretary sets the cell's usual day, time and place, the reminder hours, whether the closing
 * summary names absentees, and when the jobs nudge the secretary (prepare, sotay, closenudge) and warn about a
 * missing thematic meeting (thematic); in the committee's chat its admins set the monthly summary's day and hour.
 */
export function settingsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("settings", async (ctx) => {
    const text = ctx.match.trim();
    if (ctx.binding?.kind === "committee" && ctx.binding.committeeId) {
      if (!ctx.isOperator && !(await isChatAdmin(ctx))) throw new DomainError("committee.not_staff");
      if (!text) {
        const settings = JSON.parse(ctx.binding.committee?.settings ?? "{}") as { summaryDay?: number; summaryHour?: number };
        return ctx.reply(ctx.t("settings.committee_show", { day: settings.summaryDay ?? 1, hour: settings.summaryHour ?? 8 }), {
          parse_mode: "HTML",
        });
      }
      const { day, hour } = await changeSummaryTime(ctx.deps.db, ctx.actor, ctx.binding.committeeId, text);
      return ctx.reply(ctx.t("settings.committee_saved", { day, hour }), { parse_mode: "HTML" });
    }
    const cell = await requireManagedCell(ctx);
    if (text) await changeCellSetting(ctx.deps.db, ctx.actor, cell.id, parseCellSetting(text));
    const current = await ctx.deps.db.cell.findUniqueOrThrow({ where: { id: cell.id } });
    const settings = cellSettings(current.settings);
    const schedule = cellSchedule(current.settings);
    const orOff = (value: number | string) => (value === 0 || value === "" ? ctx.t("settings.off") : String(value));
    const shown = ctx.t("settings.show", {
      cell: current.name,
      day: current.usualDay ?? 5,
      time: current.usualTime ?? "—",
      place: current.usualPlace ?? "—",
      remind: (schedule.reminderHours ?? DEFAULT_REMINDER_HOURS).join(", "),
      names: ctx.t(settings.showAbsenteeNamesInGroup ? "close.yes" : "close.no"),
      prepare: orOff(schedule.preparationDays.join(", ")),
      sotay: orOff(schedule.sotayHours),
      closenudge: orOff(schedule.closeNudgeHours),
      thematic: schedule.thematicDay,
    });
    await ctx.reply(text ? `${ctx.t("settings.saved")}\n\n${shown}` : shown, { parse_mode: "HTML" });
  });
  return feature;
}
