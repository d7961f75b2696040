/**
 * Runs a task per key at most once every `minIntervalMs`: the first request runs at once, requests arriving
 * meanwhile are merged into one run when the interval has passed. Used to stay under Telegram's per-group
 * limit (about 20 messages or edits a minute) however many members tap at once. A task that could not do its
 * work yet (a budget shared with other instances was spent) returns how many ms to wait before it runs again.
 */
export class KeyedThrottle {
  private readonly lastRun = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly minIntervalMs: number,
    private readonly task: (key: string) => Promise<number | void>,
    private readonly onError: (error: unknown, key: string) => void,
  ) {}

  request(key: string): void {
    this.schedule(key, (this.lastRun.get(key) ?? -Infinity) + this.minIntervalMs - Date.now());
  }

  /** Waits until nothing is scheduled or running. */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      await Promise.all([...this.running.values()]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs what is still waiting for its turn, then accepts no more requests. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pending = [...this.timers.entries()];
    this.timers.clear();
    for (const [, timer] of pending) clearTimeout(timer);
    await Promise.all(pending.map(([key]) => this.run(key)));
    await this.idle();
  }

  private schedule(key: string, waitMs: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        void this.run(key);
      },
      Math.max(0, waitMs),
    );
    this.timers.set(key, timer);
  }

  private async run(key: string): Promise<void> {
    const previous = this.running.get(key);
    if (previous) await previous;
    this.lastRun.set(key, Date.now());
    const work = this.task(key).then(
      (retryInMs) => {
        // the retry is queued before `running` clears, so idle() does not return in between
        if (typeof retryInMs === "number") this.schedule(key, retryInMs);
      },
      (error: unknown) => this.onError(error, key),
    );
    this.running.set(key, work);
    await work;
    this.running.delete(key);
  }
}
