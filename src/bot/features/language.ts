import { Composer, InlineKeyboard } from "grammy";
import { SUPPORTED_LOCALES, type Locale } from "../../config.js";
import { recordAudit } from "../../domain/audit.js";
import { DomainError } from "../../domain/errors.js";
import { isLocale } from "../../i18n.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { isChatAdmin } from "../guards.js";

const LANG = "lang";

/** /lang switches the language of a group (its admins) or of a person (in the private chat). */
export function languageFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("lang", async (ctx) => {
    const wanted = ctx.match.trim().toLowerCase();
    if (isLocale(wanted)) return setLanguage(ctx, wanted);
    const keyboard = new InlineKeyboard();
    for (const locale of SUPPORTED_LOCALES) keyboard.text(ctx.t(`lang.name_${locale}`), callbackData(LANG, "set", locale));
    await ctx.reply(ctx.t("lang.choose"), { reply_markup: keyboard });
  });

  feature.callbackQuery(featurePattern(LANG), async (ctx) => {
    const tapped = parseCallback(ctx.callbackQuery.data, LANG);
    const locale = tapped?.args[0];
    if (tapped?.action !== "set" || !isLocale(locale)) throw new DomainError("errors.stale_button");
    await setLanguage(ctx, locale);
    await ctx.answerCallbackQuery();
  });
  return feature;
}

async function setLanguage(ctx: ChiboContext, locale: Locale) {
  const { db } = ctx.deps;
  if (ctx.chat?.type === "private") {
    if (!ctx.identity) return;
    await db.platformIdentity.update({ where: { id: ctx.identity.id }, data: { locale } });
  } else {
    if (!ctx.binding) throw new DomainError("lang.group_not_set_up");
    if (!ctx.isOperator && !(await isChatAdmin(ctx))) throw new DomainError("lang.admin_only");
    const binding = ctx.binding;
    await db.$transaction(async (tx) => {
      await tx.chatBinding.update({ where: { id: binding.id }, data: { locale } });
      await recordAudit(tx, ctx.actor, {
        cellId: binding.cellId,
        committeeId: binding.committeeId,
        entity: "chat_binding",
        entityId: binding.id,
        action: "set_locale",
        before: { locale: binding.locale },
        after: { locale },
      });
    });
  }
  await ctx.reply(ctx.deps.translations.t(locale)("lang.changed"));
}
