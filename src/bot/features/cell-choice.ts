import { Composer, InlineKeyboard } from "grammy";
import { DomainError } from "../../domain/errors.js";
import { cellsManagedBy } from "../../domain/identities.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { chooseActiveCell, requirePrivateChat } from "../guards.js";

const CELL = "cell";

/** /cell: a secretary of several cells chooses which one the private-chat commands work on. */
export function cellChoiceFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("cell", async (ctx) => {
    requirePrivateChat(ctx);
    const cells = ctx.identity ? await cellsManagedBy(ctx.deps.db, ctx.identity.id) : [];
    if (cells.length === 0) throw new DomainError("errors.not_secretary");
    const keyboard = new InlineKeyboard();
    for (const cell of cells) keyboard.text(cell.name.slice(0, 60), callbackData(CELL, "use", cell.id)).row();
    await ctx.reply(ctx.t("cell.choose"), { reply_markup: keyboard });
  });
  feature.callbackQuery(featurePattern(CELL), async (ctx) => {
    const cellId = parseCallback(ctx.callbackQuery.data, CELL)?.args[0];
    const cells = ctx.identity ? await cellsManagedBy(ctx.deps.db, ctx.identity.id) : [];
    const cell = cells.find((candidate) => candidate.id === cellId);
    if (!cell) throw new DomainError("errors.not_secretary");
    await chooseActiveCell(ctx, cell.id);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("cell.chosen", { name: cell.name }), { parse_mode: "HTML" });
  });
  return feature;
}
