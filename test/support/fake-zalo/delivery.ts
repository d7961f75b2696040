/**
 * Handing updates to the bot: a queue served ONE update per getUpdates long poll, or pushed to a webhook
 * (one POST per update, in order, no retries) with the `X-Bot-Api-Secret-Token` header.
 */
import { request as httpRequest, type ClientRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { badRequest, FakeZaloError } from "./errors.js";
import type { WebhookDelivery, WebhookShape, ZaloUpdate } from "./types.js";

export interface WebhookConfig {
  url: string;
  secretToken: string;
  updatedAt: number;
}

interface PollWaiter {
  resolve: (update: ZaloUpdate | undefined) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface HubOptions {
  now: () => number;
  shape: WebhookShape | "alternate";
  webhookTimeoutMs: number;
}

export class UpdateHub {
  private readonly queue: ZaloUpdate[] = [];
  private waiter: PollWaiter | undefined;
  private hook: WebhookConfig | undefined;
  private tail: Promise<void> = Promise.resolve();
  private posts = 0;
  private closed = false;
  private readonly inFlight = new Set<ClientRequest>();
  readonly deliveries: WebhookDelivery[] = [];
  webhookUpdatedAt: number;

  constructor(private readonly opts: HubOptions) {
    this.webhookUpdatedAt = opts.now();
  }

  get webhook(): Readonly<WebhookConfig> | undefined {
    return this.hook;
  }

  get pending(): number {
    return this.queue.length;
  }

  get isPolling(): boolean {
    return this.waiter !== undefined;
  }

  /**
   * Hands an update to the bot. Resolves when it is queued for getUpdates (or given to a waiting poll), or,
   * with a webhook set, once the POST was answered or failed.
   */
  deliver(update: ZaloUpdate, replay = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.hook !== undefined) return this.push(update, replay);
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(update);
    } else {
      this.queue.push(update);
    }
    return Promise.resolve();
  }

  // ---------------------------------------------------------------- long polling

  /** One update, or undefined when none came within `waitMs` (the 408 answer). */
  getUpdates(waitMs: number, signal: AbortSignal): Promise<ZaloUpdate | undefined> {
    if (this.hook !== undefined) {
      throw badRequest("getUpdates is not available while a webhook is set; call deleteWebhook first");
    }
    const previous = this.waiter;
    if (previous !== undefined) {
      this.waiter = undefined;
      clearTimeout(previous.timer);
      previous.reject(new FakeZaloError(409, "Conflict: terminated by another getUpdates request"));
    }
    const next = this.queue.shift();
    if (next !== undefined || waitMs <= 0 || this.closed) return Promise.resolve(next);
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        if (this.waiter !== waiter) return;
        this.waiter = undefined;
        clearTimeout(waiter.timer);
        resolve(undefined);
      };
      const waiter: PollWaiter = { resolve, reject, timer: setTimeout(finish, waitMs) };
      this.waiter = waiter;
      signal.addEventListener("abort", finish, { once: true });
    });
  }

  // ---------------------------------------------------------------- webhook

  setWebhook(url: string, secretToken: string): WebhookConfig {
    this.hook = { url, secretToken, updatedAt: this.opts.now() };
    this.webhookUpdatedAt = this.hook.updatedAt;
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    for (const update of this.queue.splice(0)) void this.push(update, false);
    return this.hook;
  }

  deleteWebhook(): void {
    this.hook = undefined;
    this.webhookUpdatedAt = this.opts.now();
  }

  private push(update: ZaloUpdate, replay: boolean): Promise<void> {
    const hook = this.hook;
    if (hook === undefined) return Promise.resolve();
    const shape: WebhookShape =
      this.opts.shape === "alternate" ? (this.posts++ % 2 === 0 ? "bare" : "envelope") : this.opts.shape;
    const body = shape === "envelope" ? { ok: true, result: update } : update;
    const run = async (): Promise<void> => {
      if (this.closed) return;
      const record: WebhookDelivery = {
        message_id: update.message.message_id,
        event_name: update.event_name,
        shape,
        url: hook.url,
        replay,
        time: this.opts.now(),
      };
      this.deliveries.push(record);
      try {
        record.status = await this.post(hook, body);
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
      }
    };
    const done = this.tail.then(run);
    this.tail = done;
    return done;
  }

  private post(hook: WebhookConfig, payload: unknown): Promise<number> {
    const data = Buffer.from(JSON.stringify(payload));
    const headers = {
      "content-type": "application/json",
      "content-length": data.length,
      "X-Bot-Api-Secret-Token": hook.secretToken,
    };
    const isHttps = hook.url.startsWith("https:");
    return new Promise((resolve, reject) => {
      const options = {
        method: "POST",
        headers,
        timeout: this.opts.webhookTimeoutMs,
        ...(isHttps ? { rejectUnauthorized: false } : {}),
      };
      const req = (isHttps ? httpsRequest : httpRequest)(hook.url, options, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      });
      this.inFlight.add(req);
      req.on("close", () => this.inFlight.delete(req));
      req.on("timeout", () => req.destroy(new Error(`timeout after ${this.opts.webhookTimeoutMs} ms`)));
      req.on("error", reject);
      req.end(data);
    });
  }

  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    if (w !== undefined) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.queue.length = 0;
    for (const req of this.inFlight) req.destroy(new Error("fake Zalo server stopped"));
  }
}
