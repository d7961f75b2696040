import { GrammyError } from "grammy";
import { chatRef, type Channels } from "../channels/registry.js";
import type { Db } from "../db/client.js";
import { meetingById, meetingTally } from "../domain/meeting-service.js";
import type { Translations } from "../i18n.js";
import type { Logger } from "../logger.js";
import { announcementText, textHash } from "../render/meeting.js";
import { rsvpKeyboard } from "./meeting-keyboards.js";
import { KeyedThrottle } from "./throttle.js";
import { chatBudget, sendInTurn, type RateBudgets } from "../channels/rate-budget.js";
import type { Platform } from "../domain/cells.js";

/**
 * A group's budget of about 20 messages a minute is shared by tally edits (at most one per 6 s), the batched
 * questions for absence reasons (at most one per 6 s) and the outbox: every one of them draws on the chat's
 * budget in the database, so the limit holds however many instances answer.
 */
export const GROUP_EDIT_INTERVAL_MS = 6000;
const NEAR_TURN_MS = 1_000;

/**
 * Keeps every announcement's live tally current without flooding a group: edits of one meeting are at least
 * `minIntervalMs` apart across all instances, answers arriving meanwhile are coalesced into the next edit, and
 * each edit renders from the database, so the last state is always exact.
 */
export class TallyRefresher {
  private readonly throttle: KeyedThrottle;

  constructor(
    private readonly deps: {
      db: Db;
      translations: Translations;
      logger: Logger;
      channels: Channels;
      budgets: RateBudgets;
    },
    private readonly minIntervalMs = GROUP_EDIT_INTERVAL_MS,
  ) {
    this.throttle = new KeyedThrottle(
      minIntervalMs,
      (meetingId) => this.refresh(meetingId),
      (error, meetingId) => deps.logger.warn({ err: error, meetingId }, "tally refresh failed"),
    );
  }

  request(meetingId: string): void {
    this.throttle.request(meetingId);
  }

  idle(): Promise<void> {
    return this.throttle.idle();
  }

  stop(): Promise<void> {
    return this.throttle.stop();
  }

  /**
   * Renders the meeting's announcement and edits every post whose text changed. Returns the ms to wait when
   * another instance edited this meeting moments ago or a chat's budget is spent: the edit is then tried again.
   */
  async refresh(meetingId: string): Promise<number | undefined> {
    const { db, translations, budgets } = this.deps;
    const meeting = await meetingById(db, meetingId);
    const [cell, tally, posts] = await Promise.all([
      db.cell.findUniqueOrThrow({ where: { id: meeting.cellId } }),
      meetingTally(db, meeting),
      db.meetingPost.findMany({ where: { meetingId, kind: "announcement" }, include: { binding: true } }),
    ]);
    let retryIn: number | undefined;
    let meetingBudgetTaken = false;
    for (const post of posts) {
      // a platform that cannot edit shows the tally on request (/ds) and in reminders instead
      const { platform } = post.binding;
      if (!post.binding.active || !this.deps.channels.has(platform) || !this.deps.channels.capabilities(platform).edits) continue;
      const t = translations.t(post.binding.locale, cell.locale);
      const text = announcementText(t, meeting, cell, tally);
      const hash = textHash(text);
      if (hash === post.renderedHash) continue;
      if (!meetingBudgetTaken) {
        // a turn a moment away (the last edit was booked after its reads) is waited for, not read all over again
        const meetingTurn = await budgets.take(this.meetingBudget(meetingId), NEAR_TURN_MS);
        if (!meetingTurn.granted) return meetingTurn.at - budgets.clock();
        await budgets.waitFor(meetingTurn);
        meetingBudgetTaken = true;
      }
      const retry = await sendInTurn(budgets, chatBudget(platform as Platform, post.binding.chatId), () =>
        this.deps.channels
          .direct(platform)
          .editMessageText(chatRef(platform, post.binding.chatId), Number(post.messageId), text, {
            parse_mode: "HTML",
            reply_markup: meeting.status === "published" ? rsvpKeyboard(t, meeting.code) : undefined,
          })
          .catch((error: unknown) => {
            if (!(error instanceof GrammyError && error.description.includes("message is not modified"))) throw error;
          }),
      );
      if (retry !== undefined) {
        retryIn = Math.max(retryIn ?? 0, retry);
        continue;
      }
      await db.meetingPost.update({ where: { id: post.id }, data: { renderedHash: hash, editedAt: new Date() } });
    }
    return retryIn;
  }

  private meetingBudget(meetingId: string) {
    return { key: `tally:${meetingId}`, rate: { count: 1, windowMs: this.minIntervalMs } };
  }
}
