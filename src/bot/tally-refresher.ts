import { GrammyError, type Api } from "grammy";
import type { Db } from "../db/client.js";
import { meetingById, meetingTally } from "../domain/meeting-service.js";
import type { Translations } from "../i18n.js";
import { isLocale } from "../i18n.js";
import type { Logger } from "../logger.js";
import { announcementText, textHash } from "../render/meeting.js";
import { rsvpKeyboard } from "./meeting-keyboards.js";
import type { Config } from "../config.js";
import { KeyedThrottle } from "./throttle.js";

/**
 * A group's budget of about 20 messages a minute is shared by tally edits (at most one per 6 s) and the
 * batched questions for absence reasons (at most one per 6 s).
 */
export const GROUP_EDIT_INTERVAL_MS = 6000;

/**
 * Keeps every announcement's live tally current without flooding a group: edits of one meeting are at least
 * `minIntervalMs` apart (Telegram allows about 20 a minute per group), answers arriving meanwhile are
 * coalesced into the next edit, and each edit renders from the database, so the last state is always exact.
 */
export class TallyRefresher {
  private readonly throttle: KeyedThrottle;

  constructor(
    private readonly api: Api,
    private readonly deps: { db: Db; translations: Translations; config: Config; logger: Logger },
    minIntervalMs = GROUP_EDIT_INTERVAL_MS,
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

  /** Renders the meeting's announcement and edits every post whose text changed. */
  async refresh(meetingId: string): Promise<void> {
    const { db, translations, config } = this.deps;
    const meeting = await meetingById(db, meetingId);
    const [cell, tally, posts] = await Promise.all([
      db.cell.findUniqueOrThrow({ where: { id: meeting.cellId } }),
      meetingTally(db, meeting),
      db.meetingPost.findMany({ where: { meetingId, kind: "announcement" }, include: { binding: true } }),
    ]);
    for (const post of posts) {
      if (!post.binding.active) continue;
      const locale = post.binding.locale ?? cell.locale;
      const t = translations.t(isLocale(locale) ? locale : config.defaultLocale);
      const text = announcementText(t, meeting, cell, tally);
      const hash = textHash(text);
      if (hash === post.renderedHash) continue;
      try {
        await this.api.editMessageText(Number(post.binding.chatId), Number(post.messageId), text, {
          parse_mode: "HTML",
          reply_markup: meeting.status === "published" ? rsvpKeyboard(t, meeting.code) : undefined,
        });
      } catch (error) {
        if (!(error instanceof GrammyError && error.description.includes("message is not modified"))) throw error;
      }
      await db.meetingPost.update({ where: { id: post.id }, data: { renderedHash: hash, editedAt: new Date() } });
    }
  }
}
