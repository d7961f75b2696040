import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Translations } from "../i18n.js";
import type { Logger } from "../logger.js";
import type { Platform } from "../domain/cells.js";
import { escapeHtml } from "../render/html.js";
import { reasonKeyboard } from "./meeting-keyboards.js";
import { storePrompt } from "./prompts.js";
import { GROUP_EDIT_INTERVAL_MS } from "./tally-refresher.js";
import { KeyedThrottle } from "./throttle.js";
import { chatBudget, sendInTurn, type RateBudgets } from "../channels/rate-budget.js";
import type { Channels } from "../channels/registry.js";

export const REASON_PROMPT = "rsvp-reason";

interface Waiting {
  chatId: number;
  meetingId: string;
  code: string;
  locale: string | null;
  mentions: Map<number, string>;
}

/**
 * Asks absent members without a private chat for their reason in the group. Members tapping "absent" at
 * the same time are named together in one question, so a busy minute costs one message, not one per member.
 */
export class GroupReasonAsker {
  private readonly waiting = new Map<string, Waiting>();
  private readonly throttle: KeyedThrottle;
  private stopping = false;

  constructor(
    private readonly deps: {
      db: Db;
      translations: Translations;
      config: Config;
      logger: Logger;
      budgets: RateBudgets;
      channels: Channels;
    },
    private readonly platform: Platform,
  ) {
    this.throttle = new KeyedThrottle(
      GROUP_EDIT_INTERVAL_MS,
      (key) => this.flush(key),
      (error, key) => deps.logger.warn({ err: error, key }, "could not ask for absence reasons"),
    );
  }

  ask(chatId: number, meeting: { id: string; code: string }, user: { id: number; first_name: string }, locale: string | null) {
    const key = `${meeting.id}:${chatId}`;
    const entry = this.waiting.get(key) ?? { chatId, meetingId: meeting.id, code: meeting.code, locale, mentions: new Map() };
    entry.mentions.set(user.id, `<a href="tg://user?id=${user.id}">${escapeHtml(user.first_name)}</a>`);
    this.waiting.set(key, entry);
    this.throttle.request(key);
  }

  /** Asks what is still gathered, at once: at shutdown the spacing between questions gives way. */
  stop(): Promise<void> {
    this.stopping = true;
    return this.throttle.stop();
  }

  /**
   * Asks everyone gathered so far in one message, when the group's budget (shared with every instance) allows;
   * otherwise they wait, and members tapping meanwhile join the same question.
   */
  private async flush(key: string): Promise<number | undefined> {
    const entry = this.waiting.get(key);
    if (!entry || entry.mentions.size === 0) return;
    // one question every 6 s per meeting and group across all instances, like the tally's edits: together they
    // leave room in the group's budget for reminders and replies
    if (!this.stopping) {
      const turn = await this.deps.budgets.take({ key: `reasons:${key}`, rate: { count: 1, windowMs: GROUP_EDIT_INTERVAL_MS } });
      if (!turn.granted) return turn.at - this.deps.budgets.clock();
    }
    const asked = [...entry.mentions];
    const t = this.deps.translations.t(entry.locale);
    const retry = await sendInTurn(this.deps.budgets, chatBudget(this.platform, entry.chatId), async () => {
      const sent = await this.deps.channels
        .direct(this.platform)
        .sendMessage(
          entry.chatId,
          t("rsvp.ask_reason_group", { mention: asked.map(([, mention]) => mention).join(", "), code: entry.code }),
          { parse_mode: "HTML", reply_markup: reasonKeyboard(t, entry.code) },
        );
      await storePrompt(this.deps.db, entry.chatId, sent.message_id, {
        kind: REASON_PROMPT,
        identityId: null,
        data: { meetingId: entry.meetingId },
      });
    });
    if (retry !== undefined && this.stopping) {
      this.deps.logger.warn({ key, members: asked.length }, "a question for absence reasons could not be sent before shutdown");
    }
    if (retry !== undefined) return retry;
    for (const [userId] of asked) entry.mentions.delete(userId);
    if (entry.mentions.size === 0) this.waiting.delete(key);
  }
}
