import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { Signals } from "../db/signals.js";

/** Handles one stored update; throws only when it should be tried again later (the database was unreachable). */
export type UpdateHandler = (payload: unknown) => Promise<void>;

export interface InboxOptions {
  instanceId: string;
  provider: "sqlite" | "postgresql";
  /** Chats handled at the same time by this instance (each chat stays in order). */
  concurrency?: number;
  /** A claim older than this is taken as abandoned by a dead instance, and the update is handled again. */
  claimTimeoutMs?: number;
  /**
   * How often an idle instance looks for work nobody announced: retries coming due, claims timing out, signals lost
   * in an outage. Stored updates are announced (signals), so this can be slow.
   */
  pollMs?: number;
  /** Announces stored and handled updates to every instance (PostgreSQL LISTEN/NOTIFY, or in-process). */
  signals?: Signals;
  maxAttempts?: number;
  now?: () => number;
}

interface ClaimedRow {
  seq: number;
  platform: string;
  updateId: string;
  payload: string;
  attempts: number;
}

export interface StoredUpdate {
  platform: string;
  updateId: string;
  chatKey: string;
  payload: unknown;
}

const KEEP_DONE_MS = 24 * 3600_000;
const POLL_MS_WITH_SIGNALS = 2_000;
const POLL_MS_WITHOUT_SIGNALS = 250;

/**
 * The durable inbox: an update is stored before the platform is told it arrived (a crash loses nothing, a retry or a
 * duplicate is dropped by its key), then handled by whichever instance claims it: one update of a chat at a time,
 * in arrival order, across every instance on the database. A claim held too long is taken over.
 */
export class Inbox {
  private readonly handlers = new Map<string, UpdateHandler>();
  private readonly waiters = new Map<string, (handled: boolean) => void>();
  private readonly workers: Promise<void>[] = [];
  /** Workers waiting for work; a wake-up given while none waits is kept for the next one about to wait. */
  private readonly idle: (() => void)[] = [];
  private wakeUpPending = false;
  private running = false;
  private lastCleanup = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: InboxOptions,
  ) {
    const { signals } = options;
    if (!signals) return;
    this.unsubscribe.push(
      signals.subscribe("chibo_inbox", () => this.wakeOne()),
      signals.subscribe("chibo_inbox_done", (payload) => {
        const [outcome, key] = [payload.slice(0, 1), payload.slice(2)];
        this.waiters.get(key)?.(outcome === "1");
      }),
    );
  }

  /** Workers of this instance waiting for work: 0 for long means this instance is saturated. */
  get idleWorkers(): number {
    return this.idle.length;
  }

  on(platform: string, handler: UpdateHandler): void {
    this.handlers.set(platform, handler);
  }

  /** Stores an update; false when it was already stored (the platform sent it again). Throws if the database is down. */
  async store(update: StoredUpdate): Promise<boolean> {
    try {
      await this.db.inboundUpdate.create({
        data: {
          platform: update.platform,
          updateId: update.updateId,
          chatKey: update.chatKey,
          payload: JSON.stringify(update.payload),
          availableAt: this.now(),
        },
      });
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") return false;
      throw error;
    }
    // the update is handled where it arrived when a worker here is free; other instances are woken only when none
    // is (waking every worker everywhere for each update costs a claim query each, nearly all of them empty)
    if (!this.wakeOne() && this.options.signals?.shared) await this.announce("chibo_inbox", "");
    return true;
  }

  /**
   * Stores the update, then waits until this instance has handled it or `timeoutMs` passed: a platform that takes
   * its answer as "delivered" learns it once the work is done, or at the latest when it would give up waiting (the
   * update is stored, and handled later here or elsewhere). A duplicate resolves at once. Throws if it could not be
   * stored, so the platform sends it again.
   */
  async storeAndWait(update: StoredUpdate, timeoutMs: number): Promise<void> {
    const handled = this.handled(update.platform, update.updateId, timeoutMs);
    const stored = await this.store(update).catch((error: unknown) => {
      this.waiters.get(`${update.platform}:${update.updateId}`)?.(false);
      throw error;
    });
    if (!stored) this.waiters.get(`${update.platform}:${update.updateId}`)?.(true);
    await handled;
  }

  /**
   * Resolves true once the update is handled, here (at once) or by another instance: announced by a signal, or
   * seen in the database after a second.
   */
  private handled(platform: string, updateId: string, timeoutMs: number): Promise<boolean> {
    const key = `${platform}:${updateId}`;
    return new Promise((resolve) => {
      let elsewhere: NodeJS.Timeout | undefined;
      // most updates are handled here within a second; only then is the database asked about the others, often
      // without signals, and slowly with them (a signal lost while the listening connection was down)
      const lookEveryMs = this.options.signals?.shared ? 1_000 : 250;
      const lookElsewhere = setTimeout(() => {
        elsewhere = setInterval(() => {
          void this.db.inboundUpdate
            .findUnique({ where: { platform_updateId: { platform, updateId } }, select: { status: true } })
            .then((row) => row && ["done", "failed"].includes(row.status) && finish(row.status === "done"))
            .catch(() => undefined);
        }, lookEveryMs);
      }, 1_000);
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (handled: boolean) => {
        clearTimeout(timer);
        clearTimeout(lookElsewhere);
        clearInterval(elsewhere);
        this.waiters.delete(key);
        resolve(handled);
      };
      this.waiters.set(key, finish);
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < (this.options.concurrency ?? 4); i++) this.workers.push(this.work());
  }

  /** Stops claiming and waits for the updates in hand. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.idle.splice(0)) wake();
    await Promise.all(this.workers);
    this.workers.length = 0;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  /** One pass: claims and handles what is due until nothing is left (tests and the benchmark call it). */
  async drain(): Promise<number> {
    let handled = 0;
    while (await this.handleNext()) handled++;
    return handled;
  }

  private async work(): Promise<void> {
    while (this.running) {
      const didWork = await this.handleNext().catch((error: unknown) => {
        this.logger.error({ err: error }, "inbox: could not claim an update (database unreachable?)");
        return false;
      });
      if (didWork || !this.running) continue;
      await this.idleFor(this.options.pollMs ?? (this.options.signals ? POLL_MS_WITH_SIGNALS : POLL_MS_WITHOUT_SIGNALS));
    }
  }

  /** Waits until woken or `ms` passed, unless a wake-up came while every worker was busy. */
  private async idleFor(ms: number): Promise<void> {
    if (this.wakeUpPending) {
      this.wakeUpPending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const index = this.idle.indexOf(done);
        if (index >= 0) this.idle.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.idle.push(done);
    });
  }

  /** Wakes one waiting worker; false when none waits (the wake-up is then kept for the next worker to go idle). */
  private wakeOne(): boolean {
    const woken = this.wakeWaitingWorker();
    if (!woken && this.running) this.wakeUpPending = true;
    return woken;
  }

  private wakeWaitingWorker(): boolean {
    const worker = this.idle.shift();
    worker?.();
    return worker !== undefined;
  }

  private async handleNext(): Promise<boolean> {
    const row = await this.claim();
    if (!row) {
      await this.cleanup();
      return false;
    }
    // there may be more: a waiting worker looks too, and so on until one finds nothing
    this.wakeWaitingWorker();
    const handler = this.handlers.get(row.platform);
    try {
      if (!handler) throw new Error(`no handler for ${row.platform} updates`);
      await handler(JSON.parse(row.payload));
      await this.db.inboundUpdate.update({ where: { seq: row.seq }, data: { status: "done", lastError: null } });
      this.settle(row, true);
    } catch (error) {
      await this.retryLater(row, error);
    }
    return true;
  }

  /** Tells whoever waits for this update that it is finished: here at once, elsewhere by a signal. */
  private settle(row: ClaimedRow, handled: boolean) {
    const key = `${row.platform}:${row.updateId}`;
    const waiter = this.waiters.get(key);
    if (waiter) waiter(handled);
    else if (this.options.signals?.shared) void this.announce("chibo_inbox_done", `${handled ? 1 : 0}|${key}`);
  }

  /** A lost announcement only delays: the update is stored, and instances also look on a timer. */
  private async announce(channel: "chibo_inbox" | "chibo_inbox_done", payload: string) {
    await this.options.signals?.notify(channel, payload).catch((error: unknown) => {
      this.logger.debug({ err: error, channel }, "inbox: could not announce");
    });
  }

  private async retryLater(row: ClaimedRow, error: unknown) {
    const attempts = row.attempts + 1;
    const reason = error instanceof Error ? error.message : String(error);
    const failed = attempts >= (this.options.maxAttempts ?? 10);
    this.logger.warn({ seq: row.seq, attempts, reason, gaveUp: failed }, "inbox: update handling failed");
    const data = {
      status: failed ? "failed" : "pending",
      attempts,
      availableAt: this.now() + Math.min(60_000, 500 * 2 ** attempts),
      lastError: reason.slice(0, 500),
    };
    // while the database is unreachable, keep trying to put the update back (else its claim times out)
    for (let tries = 0, wait = 500; tries < 60; tries++, wait = Math.min(wait * 2, 5_000)) {
      const released = await this.db.inboundUpdate.update({ where: { seq: row.seq }, data }).then(
        () => true,
        () => false,
      );
      if (released || !this.running) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (failed) this.settle(row, false);
  }

  /**
   * Claims the oldest update of some chat that has no earlier unfinished update: pending and due, or abandoned by an
   * instance whose claim timed out. On PostgreSQL a row lock decides between instances racing for the same row.
   */
  private async claim(): Promise<ClaimedRow | undefined> {
    const now = this.now();
    const stale = now - (this.options.claimTimeoutMs ?? 120_000);
    const p = this.options.provider === "postgresql" ? (i: number) => `$${i}` : () => "?";
    const rows = await this.db.$queryRawUnsafe<ClaimedRow[]>(
      `UPDATE "InboundUpdate" SET "status" = 'processing', "claimedBy" = ${p(1)}, "claimedAt" = ${p(2)}
       WHERE "seq" = (
         SELECT u."seq" FROM "InboundUpdate" u
         WHERE ((u."status" = 'pending' AND u."availableAt" <= ${p(3)}) OR (u."status" = 'processing' AND u."claimedAt" < ${p(4)}))
           AND NOT EXISTS (
             SELECT 1 FROM "InboundUpdate" e
             WHERE e."chatKey" = u."chatKey" AND e."seq" < u."seq" AND e."status" IN ('pending', 'processing'))
         ORDER BY u."seq" LIMIT 1)
       AND (("status" = 'pending' AND "availableAt" <= ${p(5)}) OR ("status" = 'processing' AND "claimedAt" < ${p(6)}))
       RETURNING "seq", "platform", "updateId", "payload", "attempts"`,
      this.options.instanceId,
      now,
      now,
      stale,
      now,
      stale,
    );
    const row = rows[0];
    return row ? { ...row, seq: Number(row.seq), attempts: Number(row.attempts) } : undefined;
  }

  /** Handled updates are kept a day, long enough to recognise a platform's retries; then deleted. */
  private async cleanup() {
    const now = this.now();
    if (now - this.lastCleanup < 600_000) return;
    this.lastCleanup = now;
    await this.db.inboundUpdate.deleteMany({ where: { status: "done", createdAt: { lt: new Date(now - KEEP_DONE_MS) } } });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
