/**
 * Update delivery: a queue of unconfirmed updates, served by long polling
 * (getUpdates) or pushed to a webhook. An update is HANDLED when polling
 * confirms it (a later getUpdates with a greater offset) or when the webhook
 * POST answers 2xx.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Update } from "grammy/types";
import { conflict } from "./errors.js";
import type { WebhookDeliveryRecord } from "./types.js";

export type UpdateType = Exclude<keyof Update, "update_id">;

/** Not sent unless listed in allowed_updates. */
const OPT_IN_TYPES: ReadonlySet<string> = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export type DeliveryOutcome = { handled: true } | { handled: false; reason: string };

interface Pending {
  update: Update;
  settle: (outcome: DeliveryOutcome) => void;
}

interface PollWaiter {
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
}

export interface WebhookState extends WebhookConfig {
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface HubOptions {
  retries: number;
  retryDelayMs: number;
  now: () => number;
  /** Executes a method call the webhook answered with (webhook reply). */
  onWebhookReply: (method: string, params: Record<string, unknown>) => Promise<void>;
}

export class UpdateHub {
  private nextUpdateId = 100_000_001;
  private queue: Pending[] = [];
  private waiter: PollWaiter | undefined;
  private allowed: string[] = [];
  private webhookState: WebhookState | undefined;
  private webhookWorker: Promise<void> | undefined;
  private closed = false;
  readonly webhookDeliveries: WebhookDeliveryRecord[] = [];

  constructor(private readonly opts: HubOptions) {}

  get pendingCount(): number {
    return this.queue.length;
  }

  get webhook(): Readonly<WebhookState> | undefined {
    return this.webhookState;
  }

  get isPolling(): boolean {
    return this.waiter !== undefined;
  }

  isAllowed(type: UpdateType): boolean {
    if (this.allowed.length === 0) return !OPT_IN_TYPES.has(type);
    return this.allowed.includes(type);
  }

  /** Queues an update; the promise settles when the bot has handled it (or it was dropped). */
  enqueue(type: UpdateType, payload: unknown): { update: Update; done: Promise<DeliveryOutcome> } {
    const update = { update_id: this.nextUpdateId++, [type]: payload } as unknown as Update;
    let settle: (o: DeliveryOutcome) => void = () => undefined;
    const done = new Promise<DeliveryOutcome>((resolve) => (settle = resolve));
    this.queue.push({ update, settle });
    this.wakePoller();
    this.kickWebhook();
    return { update, done };
  }

  // ------------------------------------------------------------- long polling

  getUpdates(
    params: { offset?: number; limit?: number; timeout?: number; allowed_updates?: string[] },
    signal: AbortSignal,
  ): Promise<Update[]> {
    if (this.webhookState !== undefined) {
      throw conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (params.offset !== undefined) this.confirm(params.offset);
    if (params.allowed_updates !== undefined) this.allowed = [...params.allowed_updates];
    this.terminateWaiter();
    const limit = Math.min(100, Math.max(1, params.limit ?? 100));
    const timeoutSec = Math.max(0, params.timeout ?? 0);
    const available = this.batch(limit);
    if (available.length > 0 || timeoutSec === 0 || this.closed) return Promise.resolve(available);
    return new Promise<Update[]>((resolve, reject) => {
      const timer = setTimeout(() => this.finishWaiter(waiter, []), timeoutSec * 1000);
      const waiter: PollWaiter = { limit, resolve, reject, timer };
      this.waiter = waiter;
      signal.addEventListener("abort", () => this.finishWaiter(waiter, []), { once: true });
    });
  }

  private batch(limit: number): Update[] {
    return this.queue.slice(0, limit).map((p) => p.update);
  }

  /** Confirms updates below `offset` (negative: keep only the last -offset updates). */
  private confirm(offset: number): void {
    if (offset < 0) {
      const keep = this.queue.slice(offset);
      const forgotten = this.queue.slice(0, this.queue.length + offset);
      for (const p of forgotten) p.settle({ handled: false, reason: "forgotten (negative getUpdates offset)" });
      this.queue = keep;
      return;
    }
    const done = this.queue.filter((p) => p.update.update_id < offset);
    this.queue = this.queue.filter((p) => p.update.update_id >= offset);
    for (const p of done) p.settle({ handled: true });
  }

  private finishWaiter(waiter: PollWaiter, updates: Update[]): void {
    if (this.waiter !== waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(updates);
  }

  private terminateWaiter(): void {
    const w = this.waiter;
    if (w === undefined) return;
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.reject(conflict("terminated by other getUpdates request; make sure that only one bot instance is running"));
  }

  private wakePoller(): void {
    const w = this.waiter;
    if (w !== undefined) this.finishWaiter(w, this.batch(w.limit));
  }

  // ----------------------------------------------------------------- webhook

  setWebhook(config: WebhookConfig, dropPending: boolean): void {
    if (dropPending) this.dropAll("dropped by setWebhook(drop_pending_updates)");
    this.terminateWaiter();
    this.webhookState = { ...config };
    if (config.allowedUpdates !== undefined) this.allowed = [...config.allowedUpdates];
    this.kickWebhook();
  }

  deleteWebhook(dropPending: boolean): void {
    if (dropPending) this.dropAll("dropped by deleteWebhook(drop_pending_updates)");
    this.webhookState = undefined;
  }

  private dropAll(reason: string): void {
    const dropped = this.queue;
    this.queue = [];
    for (const p of dropped) p.settle({ handled: false, reason });
  }

  private kickWebhook(): void {
    if (this.webhookWorker !== undefined || this.webhookState === undefined || this.queue.length === 0) return;
    this.webhookWorker = this.runWebhook().finally(() => {
      this.webhookWorker = undefined;
      this.kickWebhook();
    });
  }

  private async runWebhook(): Promise<void> {
    for (;;) {
      const hook = this.webhookState;
      const next = this.queue[0];
      if (hook === undefined || next === undefined || this.closed) return;
      const outcome = await this.deliverWithRetries(hook, next.update);
      if (this.webhookState !== hook || this.queue[0] !== next) continue; // webhook changed meanwhile
      this.queue.shift();
      next.settle(outcome);
    }
  }

  private async deliverWithRetries(hook: WebhookState, update: Update): Promise<DeliveryOutcome> {
    let lastError = "";
    for (let attempt = 1; attempt <= this.opts.retries + 1; attempt++) {
      if (this.closed || this.webhookState !== hook) return { handled: false, reason: "webhook removed" };
      const record: WebhookDeliveryRecord = { update_id: update.update_id, attempt, time: this.opts.now() };
      this.webhookDeliveries.push(record);
      try {
        const { status, body } = await postJson(hook.url, update, hook.secretToken);
        record.status = status;
        if (status >= 200 && status < 300) {
          await this.webhookReply(body);
          return { handled: true };
        }
        lastError = `Wrong response from the webhook: ${status} ${statusText(status)}`;
      } catch (err) {
        lastError = `Connection refused or failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      record.error = lastError;
      hook.lastErrorDate = Math.floor(this.opts.now() / 1000);
      hook.lastErrorMessage = lastError;
      if (attempt <= this.opts.retries) await delay(this.opts.retryDelayMs * attempt);
    }
    return { handled: false, reason: `webhook delivery failed after ${this.opts.retries + 1} attempts: ${lastError}` };
  }

  private async webhookReply(body: string): Promise<void> {
    if (body.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== "object" || parsed === null) return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method === "string") await this.opts.onWebhookReply(method, params);
  }

  close(): void {
    this.closed = true;
    const w = this.waiter;
    if (w !== undefined) this.finishWaiter(w, []);
    this.dropAll("fake Telegram server closed");
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
  };
  return texts[status] ?? "";
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function postJson(url: string, payload: unknown, secret: string | undefined): Promise<{ status: number; body: string }> {
  const body = Buffer.from(JSON.stringify(payload));
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": body.length };
  if (secret !== undefined) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
  const isHttps = url.startsWith("https:");
  return new Promise((resolve, reject) => {
    const options = { method: "POST", headers, timeout: 60_000, ...(isHttps ? { rejectUnauthorized: false } : {}) };
    const req = (isHttps ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}
