import { GrammyError, HttpError } from "grammy";
import type { Db } from "../db/client.js";
import type { Platform } from "../domain/cells.js";
import { CAPABILITIES, type Rate } from "./capabilities.js";

export interface Budget {
  key: string;
  rate: Rate;
}

export interface Grant {
  /** False when the budget would have to wait longer than allowed; nothing was taken then. */
  granted: boolean;
  /** When the send may go (granted), or the earliest moment it could be granted (refused). Ms since the epoch. */
  at: number;
}

/** Telegram's groups have negative ids; Zalo's ids do not say, so every Zalo chat is treated as a group. */
export function isGroupChat(platform: Platform, chatId: string | number): boolean {
  return platform !== "telegram" || String(chatId).startsWith("-");
}

/** The budget of one chat: a group's few messages a minute, or a private chat's one a second. */
export function chatBudget(platform: Platform, chatId: string | number): Budget {
  const { limits } = CAPABILITIES[platform];
  const rate = isGroupChat(platform, chatId) ? limits.perGroup : limits.perPrivateChat;
  return { key: `chat:${platform}:${chatId}`, rate };
}

/** The bot's budget across all its chats on one platform. */
export function botBudget(platform: Platform): Budget {
  return { key: `bot:${platform}`, rate: CAPABILITIES[platform].limits.perBot };
}

/**
 * Send budgets kept in the database, so every instance draws on the same one: per key, the times of the latest
 * `count` sends. A send may go once the send `count` places back has left the window, and never before the latest
 * one, so every rolling window holds at most `count` sends. Each take is a read and a compare-and-swap write; a
 * write that lost a race to another instance reads again.
 */
export class RateBudgets {
  /** `clock` is the wall clock (the platform's limits run on real time, whatever the app's clock says). */
  constructor(
    private readonly db: Db,
    readonly clock: () => number = Date.now,
  ) {}

  /**
   * Takes one send from the budget if it can go within `maxWaitMs` from now: the send is then booked at `at`
   * (the caller waits until then). Otherwise nothing is taken and `at` says when to ask again.
   */
  async take({ key, rate }: Budget, maxWaitMs = 0): Promise<Grant> {
    for (let attempt = 0; ; attempt++) {
      const now = this.clock();
      const row = await this.db.rateBudget.findUnique({ where: { key } });
      const sends = row ? row.sends.split(",").map(Number) : [];
      const at = nextSendAt(sends, rate, now);
      if (at - now > maxWaitMs) return { granted: false, at };
      const booked = [...sends, at].slice(-rate.count).join(",");
      if (await this.swap(key, row?.sends, booked, at)) return { granted: true, at };
      if (attempt >= 100) throw new Error(`rate budget ${key}: too much contention`);
      // another instance booked first: step aside a random moment so that the racers spread out
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 2 + attempt)));
    }
  }

  /** Sleeps until a granted turn's moment. */
  async waitFor(turn: Grant): Promise<void> {
    const wait = turn.granted ? turn.at - this.clock() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Forgets budgets whose latest send has long passed (they would grant at once anyway). */
  async prune(olderThanMs = 3_600_000): Promise<number> {
    const now = this.clock();
    const { count } = await this.db.rateBudget.deleteMany({ where: { lastAt: { lt: now - olderThanMs } } });
    return count;
  }

  /** Writes the new list only if nobody changed it since it was read. */
  private async swap(key: string, before: string | undefined, after: string, lastAt: number): Promise<boolean> {
    if (before === undefined) {
      return this.db.rateBudget.create({ data: { key, sends: after, lastAt } }).then(
        () => true,
        (error: unknown) => {
          if ((error as { code?: string }).code === "P2002") return false;
          throw error;
        },
      );
    }
    const { count } = await this.db.rateBudget.updateMany({ where: { key, sends: before }, data: { sends: after, lastAt } });
    return count === 1;
  }
}

/** The earliest moment after `now` a send keeps every rolling window within the rate. */
export function nextSendAt(sends: number[], rate: Rate, now: number): number {
  const latest = sends.at(-1) ?? -Infinity;
  const countBack = sends.length >= rate.count ? sends[sends.length - rate.count]! + rate.windowMs : -Infinity;
  return Math.max(now, latest, countBack);
}

/** Bot API methods that put a message into a chat or change one, and so count against its limit. */
const CHAT_WRITES = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "sendMediaGroup",
  "sendPoll",
  "copyMessage",
  "forwardMessage",
  "editMessageText",
  "editMessageCaption",
  "editMessageReplyMarkup",
]);

/** How long a reply may wait for its group's turn; beyond it, it goes at once (Telegram answers 429 and auto-retry waits). */
export const REPLY_WAIT_MS = 3_000;

/**
 * The `fetch` of the Telegram bot's client: puts every message it sends into a group (a reply, a question in a
 * conversation) on the group's shared budget, so that instances answering members at the same moment, the outbox,
 * tally edits and reason questions stay within the group's limit together. It sits below grammY, where only real
 * requests pass: a conversation replaying its earlier calls books nothing. Private chats are left alone (one
 * member's conversation cannot reach their limit), and so is Zalo, whose quota is a month's and whose transport
 * gathers a group's short replies into one. Uploads (multipart) pass unbooked. The budget is a courtesy: if it
 * cannot be read, the request goes anyway.
 */
export function budgetedFetch(budgets: RateBudgets, inner: typeof fetch = fetch): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const chatId = groupChatOf(input, init);
    if (chatId !== undefined) {
      const turn = await budgets.take(chatBudget("telegram", chatId), REPLY_WAIT_MS).catch(() => undefined);
      if (turn) await budgets.waitFor(turn);
    }
    return inner(input, init);
  }) as typeof fetch;
}

/** The group a Bot API request writes into, if it writes into one (JSON bodies only). */
function groupChatOf(input: string | URL | Request, init: RequestInit | undefined): string | number | undefined {
  const method = String(input instanceof Request ? input.url : input)
    .split("/")
    .pop();
  if (!method || !CHAT_WRITES.has(method) || typeof init?.body !== "string") return undefined;
  try {
    const chatId = (JSON.parse(init.body) as { chat_id?: string | number }).chat_id;
    return chatId !== undefined && isGroupChat("telegram", chatId) ? chatId : undefined;
  } catch {
    return undefined;
  }
}

/** How long a background message waits after a network or server error before it is tried again. */
const BACKGROUND_RETRY_MS = 5_000;

/**
 * Sends one background message (a tally edit, a question for reasons) if the chat's budget allows it now. Returns
 * undefined once sent, or the ms to wait before trying again: the budget is spent, Telegram answered 429, or the
 * network failed. A message that Telegram refuses for good throws.
 */
export async function sendInTurn(
  budgets: RateBudgets,
  budget: Budget,
  send: () => Promise<unknown>,
): Promise<number | undefined> {
  const turn = await budgets.take(budget);
  if (!turn.granted) return turn.at - budgets.clock();
  try {
    await send();
    return undefined;
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 429) return (error.parameters.retry_after ?? 5) * 1000;
    if (error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500)) return BACKGROUND_RETRY_MS;
    throw error;
  }
}
