import { GrammyError, HttpError, InputFile } from "grammy";
import { chatRef, type Channels } from "../channels/registry.js";
import { reachableManagers } from "../domain/identities.js";
import { metrics } from "../server/metrics.js";
import type { Platform } from "../domain/cells.js";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { OutboxMessage } from "../db/generated/sqlite/client.js";
import type { Translations } from "../i18n.js";
import type { Logger } from "../logger.js";
import { botBudget, chatBudget, type Grant, type RateBudgets } from "../channels/rate-budget.js";
import { claimDue, enqueue, markFailed, markSent, releaseUntil, renewClaim, type OutboxPayload } from "./outbox.js";

export interface SenderOptions {
  instanceId: string;
  now: () => Date;
  batchSize?: number;
  /** Network and server errors are retried with backoff this many times, then the row is marked failed. */
  maxAttempts?: number;
  /** PostgreSQL claims a batch with FOR UPDATE SKIP LOCKED; SQLite row by row. */
  provider?: "sqlite" | "postgresql";
}

/** A wait of about a second (the bot-wide limit, a private chat's) is slept through; longer ones go back to the queue. */
const SHORT_WAIT_MS = 1_100;
const PRUNE_EVERY_MS = 10 * 60_000;
const BUDGET_UNREADABLE_RETRY_MS = 5_000;
const UNSERVED_RETRY_MS = 10 * 60_000;

export interface DrainResult {
  sent: number;
  deferred: number;
  failed: number;
}

/**
 * Drains the outbox within Telegram's limits. It uses its own Api without auto-retry so that it sees 429s and
 * reschedules the row (retry_after) instead of blocking; network and 5xx errors back off; a chat that removed the
 * bot is deactivated and its secretary told; a group that became a supergroup is followed.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DrainResult> | undefined;
  private lastPrune = 0;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      translations: Translations;
      config: Config;
      channels: Channels;
      budgets: RateBudgets;
    },
    private readonly options: SenderOptions,
  ) {}

  start(intervalMs = 500): void {
    const tick = async () => {
      const result = await this.drainOnce().catch((error: unknown) => {
        this.deps.logger.error({ err: error }, "outbox drain failed");
        return undefined;
      });
      // a full batch means more is waiting: drain again at once rather than idling through a wave
      const handled = result ? result.sent + result.deferred + result.failed : 0;
      const next = handled >= (this.options.batchSize ?? 30) ? 0 : intervalMs;
      if (this.timer) this.timer = setTimeout(() => void tick(), next);
    };
    this.timer = setTimeout(() => void tick(), intervalMs);
  }

  /** Stops polling and waits for the batch in hand. */
  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.running;
  }

  async drainOnce(): Promise<DrainResult> {
    if (this.running) return this.running;
    this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, deferred: 0, failed: 0 };
    const rows = await claimDue(
      this.deps.db,
      this.options.instanceId,
      this.options.batchSize ?? 30,
      this.options.now(),
      this.deps.config.outboxClaimTimeoutMs,
      this.options.provider,
    );
    for (const row of rows) {
      const outcome = await this.deliver(row);
      result[outcome]++;
      metrics.sends.inc({ platform: row.platform, outcome });
    }
    await this.pruneBudgets();
    return result;
  }

  private async deliver(row: OutboxMessage): Promise<keyof DrainResult> {
    const { db } = this.deps;
    const now = this.options.now().getTime();
    if (!this.deps.channels.has(row.platform)) {
      // Zalo's token was removed, say: keep the message for when the platform is served again
      await releaseUntil(db, row.id, new Date(now + UNSERVED_RETRY_MS), `${row.platform} is not configured`, false);
      return "deferred";
    }
    const platform = row.platform as Platform;
    // a budget that cannot be read (contention, a database hiccup) puts this row back, not the whole batch
    const turn = await this.takeTurn(platform, row.chatId).catch(() => undefined);
    if (!turn?.granted) {
      // the budget's clock is the wall clock; the queue's may be a test's
      const wait = turn ? turn.at - this.deps.budgets.clock() : BUDGET_UNREADABLE_RETRY_MS;
      await releaseUntil(db, row.id, new Date(now + wait), null, false);
      return "deferred";
    }
    await this.deps.budgets.waitFor(turn);
    if (!(await renewClaim(db, row.id, this.options.instanceId, this.options.now()))) {
      this.deps.logger.debug({ outboxId: row.id }, "outbox message taken over by another instance; not sent here");
      return "deferred";
    }
    try {
      await this.send(row.platform, row.chatId, JSON.parse(row.payload) as OutboxPayload);
      await markSent(db, row.id, this.options.now());
      return "sent";
    } catch (error) {
      return this.handleFailure(row, error);
    }
  }

  /**
   * Books a moment for one message within the chat's and the bot's budgets, shared with every instance (and with
   * tally edits and reason questions in the same group). A chat whose budget is spent for longer is refused.
   */
  private async takeTurn(platform: Platform, chatId: string): Promise<Grant> {
    const { budgets } = this.deps;
    // the bot's budget first: in a wave it is the one that is short, and a refusal there books nothing; a refusal
    // by the chat then wastes a few ms of the bot's second, not one of the group's few messages a minute
    const bot = await budgets.take(botBudget(platform), SHORT_WAIT_MS);
    if (!bot.granted) return bot;
    const chat = await budgets.take(chatBudget(platform, chatId), SHORT_WAIT_MS);
    return chat.granted ? { granted: true, at: Math.max(chat.at, bot.at) } : chat;
  }

  private async pruneBudgets() {
    const now = this.options.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.deps.budgets.prune();
  }

  private async send(platform: string, chatId: string, payload: OutboxPayload): Promise<void> {
    const api = this.deps.channels.direct(platform);
    const chat = chatRef(platform, chatId);
    if (payload.kind === "text") {
      await api.sendMessage(chat, payload.text, {
        parse_mode: "HTML",
        ...(payload.replyMarkup ? { reply_markup: payload.replyMarkup as never } : {}),
      });
      return;
    }
    const file = new InputFile(Buffer.from(payload.base64, "base64"), payload.fileName);
    const caption = payload.caption ? { caption: payload.caption, parse_mode: "HTML" as const } : {};
    if (payload.kind === "photo") await api.sendPhoto(chat, file, caption);
    else await api.sendDocument(chat, file, caption);
  }

  private async handleFailure(row: OutboxMessage, error: unknown): Promise<keyof DrainResult> {
    const { db, logger } = this.deps;
    const now = this.options.now().getTime();
    if (error instanceof GrammyError) {
      if (error.error_code === 429) {
        metrics.rateLimited.inc({ platform: row.platform });
        const seconds = error.parameters.retry_after ?? 5;
        await releaseUntil(db, row.id, new Date(now + seconds * 1000), error.description, false);
        return "deferred";
      }
      const migrated = error.parameters.migrate_to_chat_id;
      if (migrated) {
        await this.followMigration(row.chatId, String(migrated));
        await releaseUntil(db, row.id, new Date(now), error.description, false);
        return "deferred";
      }
      if (error.error_code === 403) {
        await markFailed(db, row.id, error.description);
        await this.chatRefused(row, error.description);
        return "failed";
      }
      if (error.error_code < 500) {
        logger.warn({ outboxId: row.id, description: error.description }, "outbox message refused");
        await markFailed(db, row.id, error.description);
        return "failed";
      }
    } else if (!(error instanceof HttpError)) {
      throw error;
    }
    const attempt = row.attempts + 1;
    const reason = error instanceof Error ? error.message : String(error);
    if (attempt >= (this.options.maxAttempts ?? 8)) {
      logger.error({ outboxId: row.id, reason }, "outbox message given up");
      await markFailed(db, row.id, `gave up after ${attempt} attempts: ${reason}`);
      return "failed";
    }
    const backoff = Math.min(5 * 60_000, 1000 * 2 ** attempt);
    await releaseUntil(db, row.id, new Date(now + backoff), reason, true);
    return "deferred";
  }

  /** A group became a supergroup: the binding and every queued message follow it. */
  private async followMigration(oldChatId: string, newChatId: string) {
    const { db, logger } = this.deps;
    await db.chatBinding.updateMany({ where: { platform: "telegram", chatId: oldChatId }, data: { chatId: newChatId } });
    await db.outboxMessage.updateMany({
      where: { chatId: oldChatId, status: { in: ["pending", "sending"] } },
      data: { chatId: newChatId },
    });
    logger.info({ oldChatId, newChatId }, "group migrated to a supergroup");
  }

  /** The bot was removed or blocked: stop sending there, and tell the cell's secretaries privately. */
  private async chatRefused(row: OutboxMessage, description: string) {
    const { db, translations } = this.deps;
    const binding = await db.chatBinding.findUnique({
      where: { platform_chatId: { platform: row.platform, chatId: row.chatId } },
      include: { cell: true },
    });
    if (!binding?.active) return;
    await db.chatBinding.update({ where: { id: binding.id }, data: { active: false } });
    this.deps.logger.warn({ bindingId: binding.id, description }, "chat binding deactivated");
    if (!binding.cellId) return;
    const managers = await reachableManagers(db, binding.cellId, this.deps.channels.platforms());
    for (const manager of managers) {
      const t = translations.t(manager.locale);
      await enqueue(
        db,
        {
          dedupeKey: `chat-removed:${binding.id}:${manager.id}`,
          platform: manager.platform as Platform,
          chatId: manager.platformUserId,
          payload: {
            kind: "text",
            text: t("jobs.chat_removed", { title: binding.title ?? binding.chatId, cell: binding.cell?.name ?? "" }),
          },
        },
        this.options.now(),
      );
    }
  }
}
