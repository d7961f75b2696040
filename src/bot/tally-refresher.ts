import { GrammyError, type Api } from "grammy";
import type { Db } from "../db/client.js";
import { meetingById, meetingTally } from "../domain/meeting-service.js";
import type { Translations } from "../i18n.js";
import { isLocale } from "../i18n.js";
import type { Logger } from "../logger.js";
import { announcementText, textHash } from "../render/meeting.js";
import { rsvpKeyboard } from "./meeting-keyboards.js";
import type { Config } from "../config.js";

/**
 * Keeps every announcement's live tally current without flooding a group: edits of one meeting are at least
 * `minIntervalMs` apart (Telegram allows about 20 a minute per group), answers arriving meanwhile are
 * coalesced into the next edit, and each edit renders from the database, so the last state is always exact.
 */
export class TallyRefresher {
  private readonly lastRun = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly api: Api,
    private readonly deps: { db: Db; translations: Translations; config: Config; logger: Logger },
    private readonly minIntervalMs = 3100,
  ) {}

  request(meetingId: string): void {
    if (this.stopped || this.timers.has(meetingId)) return;
    const wait = Math.max(0, (this.lastRun.get(meetingId) ?? 0) + this.minIntervalMs - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(meetingId);
      void this.run(meetingId);
    }, wait);
    this.timers.set(meetingId, timer);
  }

  /** Waits until no edit is scheduled or running (used at shutdown and by tests that need the final state). */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      await Promise.all([...this.running.values()]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends the edits still waiting for their turn, then stops scheduling new ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pending = [...this.timers.entries()];
    this.timers.clear();
    for (const [, timer] of pending) clearTimeout(timer);
    await Promise.all(pending.map(([meetingId]) => this.run(meetingId)));
    await this.idle();
  }

  private async run(meetingId: string): Promise<void> {
    const previous = this.running.get(meetingId);
    if (previous) await previous;
    this.lastRun.set(meetingId, Date.now());
    const work = this.refresh(meetingId).catch((error: unknown) =>
      this.deps.logger.warn({ err: error, meetingId }, "tally refresh failed"),
    );
    this.running.set(meetingId, work);
    await work;
    this.running.delete(meetingId);
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
