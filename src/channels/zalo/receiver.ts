import type { Logger } from "../../logger.js";
import type { Inbox } from "../inbox.js";
import { ZaloApiError, type ZaloClient, type ZaloUpdate } from "./client.js";
import { parseZaloWebhookBody } from "./updates.js";

const POLL_SECONDS = 30;
const MAX_BACKOFF_MS = 60_000;

/**
 * Brings Zalo messages into the inbox, by long polling or by webhook. Zalo may deliver a message twice: the inbox
 * keys messages by id and drops the repeat; it also keeps each chat's messages in order.
 */
export class ZaloReceiver {
  private polling: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: ZaloClient,
    private readonly inbox: Inbox,
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
          if (update) await this.accept(update);
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

  /**
   * A webhook body, after its secret was checked: false when it is not a Zalo update. Throws when the database is
   * unreachable, so the webhook answers an error and Zalo may send it again.
   */
  async acceptWebhook(body: unknown): Promise<boolean> {
    const update = parseZaloWebhookBody(body);
    if (!update) return false;
    await this.accept(update);
    return true;
  }

  async stop(): Promise<void> {
    this.polling?.abort();
    await this.loop;
  }

  private async accept(update: ZaloUpdate): Promise<void> {
    const { message } = update;
    const stored = await this.inbox.store({
      platform: "zalo",
      updateId: message.message_id,
      chatKey: `zalo:${message.chat.id}`,
      payload: update,
    });
    if (!stored) this.logger.debug({ messageId: message.message_id }, "duplicate zalo message dropped");
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
