/** Rolling-window flood limits like Telegram's: per bot per second, per group per minute. */
import { tooManyRequests } from "./errors.js";
import type { FloodLimits } from "./types.js";

class RollingWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {}

  /** Seconds until a slot frees, or 0 when one is available now. */
  retryAfter(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.windowMs) this.times.shift();
    if (this.times.length < this.max) return 0;
    const oldest = this.times[0] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export type LimitedAction = "send" | "edit";

export class FloodControl {
  private readonly global: RollingWindow | undefined;
  private readonly perChat = new Map<number, RollingWindow>();

  constructor(private readonly limits: FloodLimits | false) {
    this.global = limits === false ? undefined : new RollingWindow(1000, limits.globalPerSecond);
  }

  private chatWindow(chatId: number): RollingWindow | undefined {
    if (this.limits === false) return undefined;
    let w = this.perChat.get(chatId);
    if (w === undefined) {
      w = new RollingWindow(60_000, this.limits.perChatPerMinute);
      this.perChat.set(chatId, w);
    }
    return w;
  }

  /**
   * Throws 429 when the action would exceed a limit; otherwise counts it.
   * Sends count against the global limit; sends and edits in groups against the chat limit.
   */
  take(action: LimitedAction, chatId: number, isGroup: boolean, now: number): void {
    if (this.limits === false) return;
    const windows: RollingWindow[] = [];
    if (action === "send" && this.global !== undefined) windows.push(this.global);
    const chat = isGroup ? this.chatWindow(chatId) : undefined;
    if (chat !== undefined) windows.push(chat);
    const wait = Math.max(0, ...windows.map((w) => w.retryAfter(now)));
    if (wait > 0) throw tooManyRequests(wait);
    for (const w of windows) w.add(now);
  }
}
