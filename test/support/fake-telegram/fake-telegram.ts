/** FakeTelegram: the simulated world plus a Bot API HTTP server the real bot talks to. */
import type { BotCommand, BotCommandScope, InlineKeyboardButton, Message, User } from "grammy/types";
import type { DeliveryOutcome, UpdateType } from "./delivery.js";
import { FloodControl } from "./limits.js";
import { commandsKey, scopeKey } from "./methods-bot.js";
import { chatMemberObject } from "./methods-chats.js";
import { detectEntities, privacyFilter } from "./privacy.js";
import { ApiDispatcher, HttpFront } from "./server.js";
import { Simulation } from "./sim.js";
import { loadSpecTable } from "./spec-table.js";
import type {
  ButtonMatcher,
  ChatRef,
  ChatTarget,
  CreateGroupOptions,
  DeliveryResult,
  FakeBotInfo,
  FakeChat,
  FakeStats,
  FakeTelegramOptions,
  FakeUser,
  GroupType,
  InjectedError,
  PressableButton,
  PressResult,
  RecordedCall,
  RecordedMessage,
  SendTextOptions,
  UserDocument,
  WebhookDeliveryRecord,
} from "./types.js";
import {
  chatObject,
  isInlineKeyboard,
  messageObject,
  recordedMessage,
  userObject,
  type ChatRecord,
  type FileRecord,
  type MemberStatus,
  type StoredMessage,
} from "./world.js";
import { mimeTypeFor } from "./media.js";

const DEFAULT_TOKEN = "123456:TEST-TOKEN";
const DEFAULT_BOT: FakeBotInfo = { id: 999000, username: "chibo_test_bot", first_name: "Chibo Test" };

/** Mutable behind the readonly FakeChat interface: follows migrateToSupergroup. */
class GroupHandle implements FakeChat {
  constructor(
    public id: number,
    public type: GroupType,
    public title: string,
  ) {}
}

interface UserContent {
  kind: "text" | "document";
  text: string;
  file?: FileRecord;
  replyTo?: number;
}

export class FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botUser: User & FakeBotInfo;
  private readonly outstanding = new Set<Promise<unknown>>();

  private constructor(
    private readonly sim: Simulation,
    private readonly front: HttpFront,
    port: number,
    private readonly deliveryTimeoutMs: number,
  ) {
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = sim.opts.token;
    this.botUser = { ...sim.world.botUser(), ...sim.opts.bot };
  }

  /** Starts a server on 127.0.0.1 with a random port. */
  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const sim = new Simulation({
      token: opts.token ?? DEFAULT_TOKEN,
      bot: opts.bot ?? DEFAULT_BOT,
      now: opts.now ?? Date.now,
      privacyMode: opts.privacyMode ?? true,
      strictHtmlAmpersand: opts.strictHtmlAmpersand ?? true,
      flood: new FloodControl(opts.limits ?? { globalPerSecond: 30, perChatPerMinute: 20 }),
      webhookRetries: opts.webhookRetries ?? 3,
      webhookRetryDelayMs: opts.webhookRetryDelayMs ?? 20,
      onWebhookReply: async (method, params) => {
        await dispatcher.call(method, { params, files: new Map() }, new AbortController().signal);
      },
    });
    const dispatcher = new ApiDispatcher(sim, loadSpecTable());
    const front = new HttpFront(sim, dispatcher, sim.opts.token);
    const port = await front.listen();
    return new FakeTelegram(sim, front, port, opts.deliveryTimeoutMs ?? 10_000);
  }

  /** Stops the server; updates still queued are dropped. Stop the bot first. */
  async close(): Promise<void> {
    this.sim.hub.close();
    await this.front.close();
  }

  // ================================================================ world

  /**
   * A new user with a fresh id (default language_code "vi").
   * `startedBot: true` sets them up as having written to the bot before, without an update.
   */
  user(partial: Partial<FakeUser> = {}, opts: { startedBot?: boolean } = {}): FakeUser {
    const user = this.sim.world.addUser(partial);
    if (opts.startedBot === true) this.userRecord(user).startedBot = true;
    return user;
  }

  createGroup(opts: CreateGroupOptions): FakeChat {
    const type = opts.type ?? "group";
    const chat = this.sim.world.addGroup(type, opts.title);
    this.setStatus(chat, opts.creator, "creator");
    for (const u of opts.admins ?? []) this.setStatus(chat, u, "administrator");
    for (const u of opts.members ?? []) this.setStatus(chat, u, "member");
    chat.botStatus = opts.botIsAdmin === true ? "administrator" : "member";
    if (opts.announceBotAdded === true) {
      this.track(
        this.deliver("my_chat_member", this.memberUpdate(chat, opts.creator, this.sim.world.botUser(), "left", chat.botStatus)),
      );
    }
    return new GroupHandle(chat.id, type, opts.title);
  }

  /** Adds a user (new_chat_members service message, and a chat_member update if allowed). */
  async addUserToGroup(chat: FakeChat, user: FakeUser): Promise<DeliveryResult> {
    const record = this.group(chat);
    const old = record.members.get(user.id) ?? "left";
    this.setStatus(record, user, "member");
    const memberUpdate = this.deliverOptional("chat_member", this.memberUpdate(record, user, userObject(user), old, "member"));
    const result = await this.deliverMessage(this.serviceMessage(record, user, { new_chat_members: [userObject(user)] }));
    await memberUpdate;
    return result;
  }

  /** Removes a user (left_chat_member service message). */
  async removeUserFromGroup(chat: FakeChat, user: FakeUser): Promise<DeliveryResult> {
    const record = this.group(chat);
    const old = record.members.get(user.id) ?? "left";
    record.members.set(user.id, "left");
    const memberUpdate = this.deliverOptional("chat_member", this.memberUpdate(record, user, userObject(user), old, "left"));
    const result = await this.deliverMessage(this.serviceMessage(record, user, { left_chat_member: userObject(user) }));
    await memberUpdate;
    return result;
  }

  /** Promotes/demotes a user; bots get a chat_member update only if they asked for it in allowed_updates. */
  async setAdmin(chat: FakeChat, user: FakeUser, isAdmin: boolean): Promise<DeliveryResult> {
    const record = this.group(chat);
    const old = record.members.get(user.id) ?? "left";
    if (old === "creator")
      throw new Error(
        `fake-telegram: ${user.first_name} created "${record.title ?? ""}" and can't be ${isAdmin ? "promoted" : "demoted"}`,
      );
    const status: MemberStatus = isAdmin ? "administrator" : "member";
    this.setStatus(record, user, status);
    return this.deliver("chat_member", this.memberUpdate(record, this.creatorOf(record), userObject(user), old, status));
  }

  /** Promotes/demotes the bot (my_chat_member update). An admin bot sees every group message. */
  async setBotAdmin(chat: FakeChat, isAdmin: boolean): Promise<DeliveryResult> {
    const record = this.group(chat);
    const old = record.botStatus;
    record.botStatus = isAdmin ? "administrator" : "member";
    return this.deliver(
      "my_chat_member",
      this.memberUpdate(record, this.creatorOf(record), this.sim.world.botUser(), old, record.botStatus),
    );
  }

  /** Kicks the bot: it gets my_chat_member, then its sends there fail with 403. */
  async removeBotFromGroup(chat: FakeChat): Promise<DeliveryResult> {
    const record = this.group(chat);
    const old = record.botStatus;
    record.botStatus = "kicked";
    return this.deliver(
      "my_chat_member",
      this.memberUpdate(record, this.creatorOf(record), this.sim.world.botUser(), old, "kicked"),
    );
  }

  /** Upgrades a basic group; returns the new id. The old id then answers 400 with migrate_to_chat_id. */
  async migrateToSupergroup(chat: FakeChat): Promise<number> {
    const old = this.group(chat);
    if (old.type !== "group") throw new Error(`fake-telegram: chat ${old.id} is already a ${old.type}`);
    const next = this.sim.world.addGroup("supergroup", old.title ?? "");
    next.members = new Map(old.members);
    next.botStatus = old.botStatus;
    next.migratedFrom = old.id;
    old.migratedTo = next.id;
    if (chat instanceof GroupHandle) {
      chat.id = next.id;
      chat.type = "supergroup";
    }
    const creator = this.creatorOf(old);
    await Promise.all([
      this.deliverMessage(this.serviceMessage(old, creator, { migrate_to_chat_id: next.id })),
      this.deliverMessage(this.serviceMessage(next, creator, { migrate_from_chat_id: old.id })),
    ]);
    return next.id;
  }

  /** The user blocks (or unblocks) the bot: sends to them fail with 403 "bot was blocked by the user". */
  blockBot(user: FakeUser, blocked = true): void {
    this.userRecord(user).blockedBot = blocked;
  }

  // ================================================================ users acting

  /** A user sends a text; resolves once the bot has handled the update (or it was not delivered). */
  async sendText(from: FakeUser, chat: ChatTarget, text: string, opts: SendTextOptions = {}): Promise<DeliveryResult> {
    if (text.trim() === "") throw new Error("fake-telegram: Telegram clients can't send an empty message");
    return this.deliverMessage(
      this.userMessage(from, chat, { kind: "text", text, ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }) }),
    );
  }

  /** A user uploads a document; the bot can getFile + download its exact bytes. */
  async sendDocument(from: FakeUser, chat: ChatTarget, doc: UserDocument): Promise<DeliveryResult> {
    const data = typeof doc.content === "string" ? Buffer.from(doc.content, "utf8") : Buffer.from(doc.content);
    const mime = doc.mimeType === "" ? mimeTypeFor(doc.fileName) : doc.mimeType;
    const file = this.sim.world.storeFile("document", data, {
      file_name: doc.fileName,
      ...(mime === undefined ? {} : { mime_type: mime }),
    });
    const content: UserContent = { kind: "document", text: doc.caption ?? "", file };
    if (doc.replyTo !== undefined) content.replyTo = doc.replyTo;
    return this.deliverMessage(this.userMessage(from, chat, content));
  }

  /**
   * A user presses an inline button on a bot message, found by exact text or predicate on
   * the message's CURRENT keyboard. Resolves after the bot handled the callback query,
   * with what it answered via answerCallbackQuery.
   */
  pressButton(
    from: FakeUser,
    chat: ChatTarget,
    messageId: number,
    button: string | ((b: PressableButton) => boolean),
  ): Promise<PressResult>;
  pressButton(
    from: FakeUser,
    chat: ChatTarget,
    messageId: number,
    button: (b: InlineKeyboardButton) => boolean,
  ): Promise<PressResult>;
  async pressButton(from: FakeUser, chat: ChatTarget, messageId: number, button: ButtonMatcher): Promise<PressResult> {
    const record = this.chatFor(from, chat, false);
    const message = this.sim.world.findMessage(record, messageId);
    if (message === undefined || !message.fromBot)
      throw new Error(`fake-telegram: no bot message ${messageId} in chat ${record.id}`);
    const found = findButton(message, button);
    const data = found["callback_data"];
    if (typeof data !== "string") {
      throw new Error(
        `fake-telegram: button "${String(found["text"])}" has no callback_data (${JSON.stringify(found)}); pressing it sends no update`,
      );
    }
    return this.sendCallback(from, record, message, data);
  }

  /**
   * A modified client sends callback data of its own choosing on a bot message in a chat it can see,
   * as real attackers can: the bot must never trust callback data.
   */
  async forgeCallback(from: FakeUser, chat: ChatTarget, messageId: number, data: string): Promise<PressResult> {
    const record = this.chatFor(from, chat, false);
    const message = this.sim.world.findMessage(record, messageId);
    if (message === undefined || !message.fromBot)
      throw new Error(`fake-telegram: no bot message ${messageId} in chat ${record.id}`);
    return this.sendCallback(from, record, message, data);
  }

  private async sendCallback(
    from: FakeUser,
    record: ReturnType<FakeTelegram["chatFor"]>,
    message: NonNullable<ReturnType<Simulation["world"]["findMessage"]>>,
    data: string,
  ): Promise<PressResult> {
    const query = this.sim.newCallbackQuery();
    const payload = {
      id: query.id,
      from: userObject(from),
      message: messageObject(message),
      chat_instance: chatInstance(record.id),
      data,
    };
    const result = await this.deliver("callback_query", payload);
    const press: PressResult = { ...result, answered: query.answered };
    if (query.answer !== undefined) press.answer = { ...query.answer };
    return press;
  }

  // ================================================================ observation

  /** Every API call so far, in completion order. */
  get calls(): RecordedCall[] {
    return this.sim.calls;
  }

  /** Calls of one method (case-insensitive). */
  callsTo(method: string): RecordedCall[] {
    return this.sim.calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  get stats(): FakeStats {
    return { ...this.sim.stats };
  }

  /** Every webhook POST attempt (status or connection error). */
  get webhookDeliveries(): readonly WebhookDeliveryRecord[] {
    return this.sim.hub.webhookDeliveries;
  }

  /** What the bot sent to a chat, in order, as it is now (deleted messages only with includeDeleted). */
  messages(chat: ChatRef, opts: { includeDeleted?: boolean } = {}): RecordedMessage[] {
    const record = this.resolveRef(chat);
    if (record === undefined) return [];
    return record.messages.filter((m) => m.fromBot && (opts.includeDeleted === true || !m.deleted)).map(recordedMessage);
  }

  lastMessage(chat: ChatRef): RecordedMessage | undefined {
    return this.messages(chat).at(-1);
  }

  /** All messages of a chat (users', bot's and service messages) as Bot API Message objects. */
  history(chat: ChatRef): Message[] {
    const record = this.resolveRef(chat);
    return record === undefined ? [] : record.messages.filter((m) => !m.deleted).map((m) => messageObject(m));
  }

  /** Commands stored by setMyCommands for exactly this scope and language_code (default scope, no language). */
  commands(scope?: BotCommandScope, languageCode = ""): BotCommand[] {
    const key = commandsKey(scopeKey(this.sim, scope === undefined ? undefined : { ...scope }), languageCode);
    return (this.sim.commands.get(key) ?? []).map((c) => ({ ...c }));
  }

  /** setMyDescription / setMyShortDescription values ("" language = default). */
  description(languageCode = ""): string | undefined {
    return this.sim.descriptions.get(languageCode);
  }

  shortDescription(languageCode = ""): string | undefined {
    return this.sim.shortDescriptions.get(languageCode);
  }

  /** Membership status of a user (or the bot, by its id) in a group. */
  memberStatus(chat: FakeChat, userId: number): MemberStatus {
    const record = this.group(chat);
    return userId === this.botUser.id ? record.botStatus : (record.members.get(userId) ?? "left");
  }

  /** The next `times` calls of `method` fail with this error (before validation and limits). */
  failNext(method: string, error: InjectedError, times = 1): void {
    const key = method.toLowerCase();
    const list = this.sim.injected.get(key) ?? [];
    list.push({ error, times });
    this.sim.injected.set(key, list);
  }

  /** Polls `fn` until it returns something truthy. */
  async waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 2000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = fn();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`fake-telegram: waitFor timed out after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Resolves when every update queued so far (including un-awaited ones) has been handled or dropped. */
  async settled(): Promise<void> {
    while (this.outstanding.size > 0) await Promise.allSettled([...this.outstanding]);
  }

  // ================================================================ internals

  private track<T>(p: Promise<T>): Promise<T> {
    this.outstanding.add(p);
    void p.finally(() => this.outstanding.delete(p)).catch(() => undefined);
    return p;
  }

  private userRecord(user: FakeUser): NonNullable<ReturnType<Simulation["world"]["userRecord"]>> {
    const existing = this.sim.world.userRecord(user.id);
    if (existing !== undefined) return existing;
    this.sim.world.addUser(user);
    const added = this.sim.world.userRecord(user.id);
    if (added === undefined) throw new Error("unreachable");
    return added;
  }

  private setStatus(chat: ChatRecord, user: FakeUser, status: MemberStatus): void {
    this.userRecord(user);
    chat.members.set(user.id, status);
  }

  private group(chat: FakeChat): ChatRecord {
    const record = this.sim.world.chats.get(chat.id);
    if (record === undefined || record.type === "private") throw new Error(`fake-telegram: unknown group ${chat.id}`);
    return this.sim.world.current(record);
  }

  private creatorOf(chat: ChatRecord): FakeUser {
    for (const [id, status] of chat.members) {
      const rec = this.sim.world.userRecord(id);
      if (status === "creator" && rec !== undefined) return rec.user;
    }
    throw new Error(`fake-telegram: group ${chat.id} has no creator`);
  }

  private resolveRef(ref: ChatRef): ChatRecord | undefined {
    if (typeof ref === "number") return this.sim.world.chats.get(ref);
    if ("title" in ref) return this.group(ref);
    return this.sim.world.chats.get(ref.id);
  }

  /** The chat a user acts in; private chats mark the user as having started the bot. */
  private chatFor(from: FakeUser, chat: ChatTarget, writing: boolean): ChatRecord {
    const rec = this.userRecord(from);
    if (chat === "private") {
      if (writing) rec.startedBot = true;
      return this.sim.world.privateChat(rec.user);
    }
    const group = this.group(chat);
    const status = group.members.get(from.id) ?? "left";
    if (status !== "creator" && status !== "administrator" && status !== "member") {
      throw new Error(
        `fake-telegram: ${from.first_name} (${from.id}) is not a member of "${group.title ?? ""}" (status ${status}); use addUserToGroup first`,
      );
    }
    return group;
  }

  private userMessage(from: FakeUser, chat: ChatTarget, content: UserContent): StoredMessage {
    const record = this.chatFor(from, chat, true);
    let reply_to: StoredMessage | undefined;
    if (content.replyTo !== undefined) {
      reply_to = this.sim.world.findMessage(record, content.replyTo);
      if (reply_to === undefined)
        throw new Error(`fake-telegram: no message ${content.replyTo} to reply to in chat ${record.id}`);
    }
    const formatted = { text: content.text, entities: detectEntities(content.text) };
    return this.sim.world.addMessage(record, {
      date: this.sim.unixNow(),
      from: userObject(from),
      fromBot: false,
      kind: content.kind,
      revisions: [{ formatted, raw: content.text, at: this.sim.now() }],
      ...(content.file === undefined ? {} : { file: content.file }),
      ...(reply_to === undefined ? {} : { reply_to }),
    });
  }

  private serviceMessage(chat: ChatRecord, from: FakeUser, service: Record<string, unknown>): StoredMessage {
    return this.sim.world.addMessage(chat, {
      date: this.sim.unixNow(),
      from: userObject(from),
      fromBot: false,
      kind: "service",
      revisions: [],
      service,
    });
  }

  private memberUpdate(
    chat: ChatRecord,
    by: FakeUser,
    subject: User,
    oldStatus: MemberStatus,
    newStatus: MemberStatus,
  ): Record<string, unknown> {
    return {
      chat: chatObject(chat),
      from: userObject(by),
      date: this.sim.unixNow(),
      old_chat_member: chatMemberObject(oldStatus, subject),
      new_chat_member: chatMemberObject(newStatus, subject),
    };
  }

  private async deliverMessage(message: StoredMessage): Promise<DeliveryResult> {
    const msg = messageObject(message);
    const blocked = privacyFilter(this.sim, message);
    if (blocked !== undefined) return { delivered: false, handled: false, reason: blocked, message: msg };
    return { ...(await this.deliver("message", msg)), message: msg };
  }

  /** Like deliver, but silently skipped when the bot did not opt in to this update type. */
  private deliverOptional(type: UpdateType, payload: unknown): Promise<DeliveryResult | undefined> {
    return this.sim.hub.isAllowed(type) ? this.deliver(type, payload) : Promise.resolve(undefined);
  }

  private deliver(type: UpdateType, payload: unknown): Promise<DeliveryResult> {
    if (!this.sim.hub.isAllowed(type)) {
      return Promise.resolve({ delivered: false, handled: false, reason: `"${type}" is not in the bot's allowed_updates` });
    }
    const { update, done } = this.sim.hub.enqueue(type, payload);
    return this.track(
      this.withTimeout(done, type, update.update_id).then((outcome): DeliveryResult => {
        const base = { update_id: update.update_id, update };
        if (outcome.handled) return { ...base, delivered: true, handled: true };
        return { ...base, delivered: !outcome.reason.startsWith("dropped"), handled: false, reason: outcome.reason };
      }),
    );
  }

  private withTimeout(done: Promise<DeliveryOutcome>, type: string, updateId: number): Promise<DeliveryOutcome> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(this.stuckMessage(type, updateId))), this.deliveryTimeoutMs);
      void done.then((o) => {
        clearTimeout(timer);
        resolve(o);
      });
    });
  }

  private stuckMessage(type: string, updateId: number): string {
    const hook = this.sim.hub.webhook;
    let state: string;
    if (hook !== undefined)
      state = `webhook ${hook.url} is set${hook.lastErrorMessage === undefined ? "" : ` (last error: ${hook.lastErrorMessage})`}`;
    else if (this.sim.hub.isPolling)
      state = "a getUpdates request is waiting, but the bot never confirmed the update (is a handler stuck?)";
    else state = "no webhook is set and no getUpdates request is pending: did you start the bot?";
    return `fake-telegram: ${type} update ${updateId} was not handled within ${this.deliveryTimeoutMs} ms; ${state}`;
  }
}

function chatInstance(chatId: number): string {
  return String(BigInt.asUintN(62, BigInt(chatId) * 2_654_435_761n + 1_234_567n));
}

function findButton(message: StoredMessage, wanted: ButtonMatcher): Record<string, unknown> {
  const markup = message.reply_markup;
  const rows = isInlineKeyboard(markup) ? markup.inline_keyboard : [];
  // A button object satisfies both predicate parameter types; JSON boundary.
  const match = (b: Record<string, unknown>): boolean =>
    typeof wanted === "string" ? b["text"] === wanted : (wanted as (x: Record<string, unknown>) => boolean)(b);
  for (const row of rows) {
    const found = row.find(match);
    if (found !== undefined) return found;
  }
  const texts = rows.map((row) => row.map((b) => String(b["text"])));
  const what = typeof wanted === "string" ? `"${wanted}"` : "matching the predicate";
  throw new Error(
    `fake-telegram: no button ${what} on message ${message.message_id} in chat ${message.chat.id}; current buttons: ${rows.length === 0 ? "(no inline keyboard)" : JSON.stringify(texts)}`,
  );
}
