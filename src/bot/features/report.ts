import { Composer, InputFile } from "grammy";
import { DomainError } from "../../domain/errors.js";
import { parsePeriod, previousPeriod } from "../../domain/monthly-report.js";
import { reportBundle } from "../../jobs/monthly-summary.js";
import type { BotContext } from "../context.js";
import { isInCell } from "../guards.js";

/**
 * /report [month]: in the committee's chat, the report of all its cells; in a cell's chat (or a secretary's private
 * chat), that cell's. The same messages, chart and workbook as the monthly summary. Default: last month.
 */
export function reportFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("report", async (ctx) => {
    const binding = ctx.binding;
    const timeZone = binding?.committee?.timeZone ?? binding?.cell?.timeZone ?? ctx.deps.config.defaultTimeZone;
    const now = ctx.deps.now();
    const asked = ctx.match.trim();
    const period = asked ? parsePeriod(asked, now, timeZone) : previousPeriod(now, timeZone);
    if (!period) throw new DomainError("report.bad_month", { text: asked });
    let scope: { committeeId?: string; cellIds?: string[] };
    if (binding?.kind === "committee" && binding.committeeId) scope = { committeeId: binding.committeeId };
    else if (binding?.cell) scope = { cellIds: [binding.cell.id] };
    else throw new DomainError("report.where");
    if (binding.cell && !ctx.isOperator && !(await isInCell(ctx, binding.cell.id))) throw new DomainError("rsvp.not_in_cell");
    await ctx.replyWithChatAction("upload_document");
    const maxLength = ctx.capabilities.maxMessageLength;
    const bundle = await reportBundle(ctx.deps.db, ctx.t, ctx.locale, scope, period, timeZone, now, maxLength);
    for (const text of bundle.messages) await ctx.reply(text, { parse_mode: "HTML" });
    if (!ctx.capabilities.uploads && !ctx.deps.config.publicBaseUrl) return; // the messages carry the same figures
    await ctx.replyWithPhoto(new InputFile(bundle.png, `${bundle.fileStem}.png`));
    await ctx.replyWithDocument(new InputFile(bundle.xlsx, `${bundle.fileStem}.xlsx`));
  });
  return feature;
}
