import { Composer } from "grammy";
import { cellsManagedBy } from "../../domain/identities.js";
import { commandsFor, type Audience } from "../commands.js";
import type { BotContext, ChiboContext } from "../context.js";
import { isChatAdmin } from "../guards.js";

async function audiencesOf(ctx: ChiboContext): Promise<Audience[]> {
  const audiences: Audience[] = ["member"];
  const managed = ctx.identity ? await cellsManagedBy(ctx.deps.db, ctx.identity.id) : [];
  const groupAdmin = ctx.chat?.type !== "private" && (await isChatAdmin(ctx).catch(() => false));
  if (managed.length > 0 || (groupAdmin && !ctx.binding)) audiences.push("secretary");
  if (ctx.binding?.kind === "committee" || ctx.isOperator) audiences.push("committee");
  if (ctx.isOperator) audiences.push("operator");
  return audiences;
}

/** /start and /help: what this person may do here, by role. */
export function helpFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("start", async (ctx, next) => {
    if (ctx.chat.type !== "private") return next();
    const payload = ctx.match.trim();
    if (payload) return next(); // deep links are handled by the features that issued them
    await ctx.reply(ctx.t("start.welcome", { name: ctx.from?.first_name ?? "" }), { parse_mode: "HTML" });
    await sendHelp(ctx);
  });

  feature.command("help", sendHelp);
  return feature;
}

async function sendHelp(ctx: ChiboContext) {
  const where = ctx.chat?.type === "private" ? "private" : "group";
  const audiences = await audiencesOf(ctx);
  const sections = audiences
    .map((audience) => {
      const commands = commandsFor([audience], where);
      if (commands.length === 0) return "";
      const lines = commands.map((command) => `/${command} — ${ctx.t(`commands.${command}`)}`);
      return [`<b>${ctx.t(`help.section_${audience}`)}</b>`, ...lines].join("\n");
    })
    .filter(Boolean);
  const hint = ctx.identity && !ctx.identity.memberId ? [ctx.t("help.link_hint")] : [];
  await ctx.reply([ctx.t("help.title"), ...sections, ...hint].join("\n\n"), { parse_mode: "HTML" });
}
