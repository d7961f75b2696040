/** Shared state of one fake server: the world, delivery, limits and bot settings. */
import type { BotCommand } from "grammy/types";
import { UpdateHub } from "./delivery.js";
import { badRequest, forbidden, ApiError } from "./errors.js";
import type { FloodControl } from "./limits.js";
import type { CallbackAnswer, FakeBotInfo, FakeStats, InjectedError, RecordedCall } from "./types.js";
import { World, type ChatRecord } from "./world.js";

export interface CallbackQueryRecord {
  id: string;
  createdAt: number;
  answered: boolean;
  answer?: CallbackAnswer;
}

export interface SimOptions {
  token: string;
  bot: FakeBotInfo;
  now: () => number;
  privacyMode: boolean;
  strictHtmlAmpersand: boolean;
  flood: FloodControl;
  webhookRetries: number;
  webhookRetryDelayMs: number;
  /** Runs a method call that came back in a webhook response. */
  onWebhookReply: (method: string, params: Record<string, unknown>) => Promise<void>;
}

export const CALLBACK_QUERY_TTL_MS = 15 * 60 * 1000;

export class Simulation {
  readonly world: World;
  readonly hub: UpdateHub;
  readonly flood: FloodControl;
  readonly now: () => number;
  readonly calls: RecordedCall[] = [];
  readonly stats: FakeStats = { sent: 0, edits: 0, rateLimited: 0 };
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  /** setMyCommands storage: key = scopeKey + "|" + language_code. */
  readonly commands = new Map<string, BotCommand[]>();
  /** setMyDescription / setMyShortDescription / setMyName by language_code ("" = default). */
  readonly descriptions = new Map<string, string>();
  readonly shortDescriptions = new Map<string, string>();
  readonly names = new Map<string, string>();
  defaultMenuButton: unknown = { type: "default" };
  readonly injected = new Map<string, { error: InjectedError; times: number }[]>();
  private nextCallbackSeq = 1;

  constructor(readonly opts: SimOptions) {
    this.world = new World(opts.bot);
    this.now = opts.now;
    this.flood = opts.flood;
    this.hub = new UpdateHub({
      retries: opts.webhookRetries,
      retryDelayMs: opts.webhookRetryDelayMs,
      now: opts.now,
      onWebhookReply: opts.onWebhookReply,
    });
  }

  unixNow(): number {
    return Math.floor(this.now() / 1000);
  }

  newCallbackQuery(): CallbackQueryRecord {
    const id = `${4_300_000_000_000 + this.nextCallbackSeq++}`;
    const rec: CallbackQueryRecord = { id, createdAt: this.now(), answered: false };
    this.callbackQueries.set(id, rec);
    return rec;
  }

  /** Takes the next injected failure for a method, if any. */
  takeInjected(method: string): ApiError | undefined {
    const list = this.injected.get(method.toLowerCase());
    const first = list?.[0];
    if (list === undefined || first === undefined) return undefined;
    first.times--;
    if (first.times <= 0) list.shift();
    const e = first.error;
    const params: Record<string, number> = {};
    if (e.retry_after !== undefined) params["retry_after"] = e.retry_after;
    if (e.migrate_to_chat_id !== undefined) params["migrate_to_chat_id"] = e.migrate_to_chat_id;
    return new ApiError(e.error_code, e.description, Object.keys(params).length > 0 ? params : undefined);
  }

  /** Resolves chat_id for reading (getChat, getChatMember...): the chat must exist and be visible to the bot. */
  readableChat(chatId: unknown): ChatRecord {
    const chat = this.chatById(chatId);
    if (chat.type !== "private") this.assertBotInGroup(chat);
    return chat;
  }

  /** Resolves chat_id for sending/editing: like Telegram, checks migration, membership and who started the bot. */
  writableChat(chatId: unknown): ChatRecord {
    const chat = this.chatById(chatId);
    if (chat.type === "private") this.assertCanWritePrivate(chat);
    else this.assertBotInGroup(chat);
    return chat;
  }

  private chatById(chatId: unknown): ChatRecord {
    if (typeof chatId === "string" && !/^-?\d+$/.test(chatId)) throw badRequest("chat not found");
    const id = Number(chatId);
    if (id === this.opts.bot.id) throw forbidden("bots can't send messages to bots");
    const existing = this.world.chats.get(id);
    if (existing !== undefined) return existing;
    const user = this.world.userRecord(id);
    if (user !== undefined) return this.world.privateChat(user.user);
    throw badRequest("chat not found");
  }

  private assertBotInGroup(chat: ChatRecord): void {
    if (chat.migratedTo !== undefined) {
      throw new ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: chat.migratedTo,
      });
    }
    const kind = chat.type === "supergroup" ? "supergroup chat" : "group chat";
    if (chat.botStatus === "kicked") throw forbidden(`bot was kicked from the ${kind}`);
    if (chat.botStatus === "left") throw forbidden(`bot is not a member of the ${kind}`);
  }

  private assertCanWritePrivate(chat: ChatRecord): void {
    const rec = chat.user === undefined ? undefined : this.world.userRecord(chat.user.id);
    if (rec === undefined) throw badRequest("chat not found");
    if (rec.blockedBot) throw forbidden("bot was blocked by the user");
    if (!rec.startedBot) throw forbidden("bot can't initiate conversation with a user");
  }
}
