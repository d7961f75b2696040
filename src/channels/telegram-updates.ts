import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../logger.js";
import type { Inbox, StoredUpdate } from "./inbox.js";

/** How long the platform is kept waiting for an update to be handled before it is told "received" anyway. */
export const ACK_WAIT_MS = 5_000;
const POLL_ACK_WAIT_MS = 60_000;
const MAX_BACKOFF_MS = 5_000;

/** The chat an update belongs to, which orders it: updates of one chat are handled one at a time. */
export function telegramUpdate(update: Update): StoredUpdate {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat;
  const from = update.callback_query?.from ?? update.message?.from;
  return {
    platform: "telegram",
    updateId: String(update.update_id),
    chatKey: `telegram:${chat?.id ?? from?.id ?? "none"}`,
    payload: update,
  };
}

/** Whether a webhook body is a Telegram update at all. */
export function isTelegramUpdate(body: unknown): body is Update {
  return typeof body === "object" && body !== null && Number.isSafeInteger((body as { update_id?: unknown }).update_id);
}

/**
 * Long polling into the inbox: a batch is stored before Telegram is told (by the next offset) that it arrived, so a
 * crash or an unreachable database loses nothing: Telegram sends the batch again. The next batch is asked for once
 * this one is handled (or a minute has passed), which keeps each chat's updates in order.
 */
export class TelegramPoller {
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly api: Api,
    private readonly inbox: Inbox,
    private readonly logger: Logger,
    private readonly allowedUpdates: readonly string[],
  ) {}

  start(): void {
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.poll(controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
  }

  private async poll(signal: AbortSignal): Promise<void> {
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const updates = await this.api.getUpdates(
          { offset, timeout: 30, allowed_updates: [...this.allowedUpdates] as never },
          signal as Parameters<Api["getUpdates"]>[1],
        );
        await Promise.all(updates.map((update) => this.inbox.storeAndWait(telegramUpdate(update), POLL_ACK_WAIT_MS)));
        const last = updates.at(-1);
        if (last) offset = last.update_id + 1;
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        const wait = Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures);
        this.logger.warn({ err: error, retryInMs: wait }, "telegram polling failed; the batch will come again");
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
