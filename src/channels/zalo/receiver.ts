import type { Bot } from "grammy";
import type { BotContext } from "../../bot/context.js";
import type { Logger } from "../../logger.js";
import { ZaloApiError, type ZaloClient, type ZaloUpdate } from "./client.js";
import type { ZaloTransport } from "./transport.js";
import { RecentIds, parseZaloWebhookBody } from "./updates.js";

const POLL_SECONDS = 30;
const MAX_BACKOFF_MS = 60_000;

/**
 * Brings Zalo messages to the bot, by long polling or by webhook. Zalo may deliver a message twice: repeated
 * message ids are dropped. Each update is handed to grammY without waiting for the previous one; the bot's own
 * per-chat serialisation keeps each chat in order.
 */
export class ZaloReceiver {
  private readonly recent = new RecentIds(10_000);
  private readonly inFlight = new Set<Promise<void>>();
  private polling: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: ZaloClient,
    private readonly transport: ZaloTransport,
    private readonly bot: Bot<BotContext>,
    private readonly logger: Logger,
  ) {}

  startPolling(pollSeconds = POLL_SECONDS): void {
    const controller = new AbortController();
    this.polling = controller;
    this.loop = (async () => {
      let failures = 0;
      while (!controller.signal.aborted) {
        try {
          const update = await this.client.getUpdates(pollSeconds, controller.signal);
          failures = 0;
          if (update) this.accept(update);
        } catch (error) {
          if (controller.signal.aborted) break;
          failures++;
          const wait = Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures);
          this.logger.warn({ err: describe(error), retryInMs: wait }, "zalo polling failed");
          await sleep(wait, controller.signal);
        }
      }
    })();
  }

  /** A webhook body, after its secret was checked: false when it is not a Zalo update. */
  acceptWebhook(body: unknown): boolean {
    const update = parseZaloWebhookBody(body);
    if (!update) return false;
    this.accept(update);
    return true;
  }

  async stop(): Promise<void> {
    this.polling?.abort();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private accept(update: ZaloUpdate): void {
    if (this.recent.seen(update.message.message_id)) {
      this.logger.debug({ messageId: update.message.message_id }, "duplicate zalo message dropped");
      return;
    }
    const handling = this.handle(update).finally(() => this.inFlight.delete(handling));
    this.inFlight.add(handling);
  }

  private async handle(update: ZaloUpdate): Promise<void> {
    try {
      const converted = await this.transport.toUpdate(update);
      if (converted) await this.bot.handleUpdate(converted);
    } catch (error) {
      this.logger.error({ err: error }, "zalo update failed");
    }
  }
}

function describe(error: unknown) {
  return error instanceof ZaloApiError ? { code: error.errorCode, description: error.description } : error;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
