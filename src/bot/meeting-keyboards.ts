import { InlineKeyboard } from "grammy";
import type { Translate } from "../i18n.js";
import type { ChiboContext } from "./context.js";
import { callbackData } from "./callback-data.js";

export const RSVP = "rsvp";
/** The code on the preview's buttons: tapping them explains that it is only a preview. */
export const PREVIEW_CODE = "-";
export const ABSENCE_REASONS = ["sick", "work", "family"] as const;

/** The buttons under every announcement. */
export function rsvpKeyboard(t: Translate, code: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("rsvp.attend_button"), callbackData(RSVP, "y", code))
    .text(t("rsvp.absent_button"), callbackData(RSVP, "n", code))
    .row()
    .text(t("rsvp.names_button"), callbackData(RSVP, "l", code, 1))
    .text(t("rsvp.ics_button"), callbackData(RSVP, "ics", code));
}

/** Common reasons for an absence, one tap each; anything else is typed as a reply. */
export function reasonKeyboard(t: Translate, code: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const reason of ABSENCE_REASONS) keyboard.text(t(`rsvp.reason_${reason}`), callbackData(RSVP, "r", code, reason));
  return keyboard;
}

/** A common reason as it is stored: in the bot's default language, whatever the answering member's language; null if unknown. */
export function storedReason(ctx: ChiboContext, code: string): string | null {
  if (!(ABSENCE_REASONS as readonly string[]).includes(code)) return null;
  return ctx.deps.translations.t(ctx.deps.config.defaultLocale)(`rsvp.reason_${code}`);
}
