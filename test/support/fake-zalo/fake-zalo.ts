/** FakeZalo: a simulated Zalo world plus a Bot API HTTP server the real bot code talks to. */
import { UpdateHub } from "./delivery.js";
import { MAX_TEXT, type Sim } from "./methods.js";
import { ZaloHttpFront } from "./server.js";
import type {
  DropOptions,
  FakeZaloChat,
  FakeZaloOptions,
  FakeZaloStats,
  FakeZaloUser,
  InjectedFailure,
  MemberMessageOptions,
  RecordedZaloCall,
  RecordedZaloMessage,
  WebhookDelivery,
  ZaloChatRef,
  ZaloUpdate,
} from "./types.js";
import { recorded, World, type ChatRecord, type StoredMessage } from "./world.js";

const DEFAULT_TOKEN = "1459232241454765289:fake-zalo-secret";

type MemberContent = Pick<StoredMessage, "kind" | "text" | "photo" | "caption" | "sticker">;

const EVENT_NAMES: Readonly<Record<StoredMessage["kind"], string>> = {
  text: "message.text.received",
  image: "message.image.received",
  sticker: "message.sticker.received",
  unsupported: "message.unsupported.received",
};

export class FakeZalo {
  /** http://127.0.0.1:PORT, to pass as the client's apiRoot. */
  readonly apiRoot: string;
  readonly token: string;
  readonly botId: string;
  readonly botName: string;
  private readonly replyIds: boolean;
  private lastUpdate: ZaloUpdate | undefined;
  private readonly forwardedUpdates = new Map<string, ZaloUpdate>();

  private constructor(
    private readonly sim: Sim,
    private readonly front: ZaloHttpFront,
    port: number,
    token: string,
    replyIds: boolean,
  ) {
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = token;
    this.botId = sim.botId;
    this.botName = sim.botName;
    this.replyIds = replyIds;
  }

  /** Starts a server on 127.0.0.1 with a random port. */
  static async start(opts: FakeZaloOptions = {}): Promise<FakeZalo> {
    const token = opts.token ?? DEFAULT_TOKEN;
    const now = opts.now ?? Date.now;
    const world = new World(token);
    const colon = token.indexOf(":");
    const sim: Sim = {
      world,
      hub: new UpdateHub({ now, shape: opts.webhookShape ?? "alternate", webhookTimeoutMs: opts.webhookTimeoutMs ?? 10_000 }),
      now,
      botId: colon > 0 ? token.slice(0, colon) : world.newId("bot"),
      botName: opts.botName ?? "Chibo",
      maxPollMs: opts.maxPollMs ?? 1000,
      allowHttpWebhook: opts.allowHttpWebhook ?? false,
      quota: { ...opts.quota },
      stats: { rateLimited: 0, quotaExceeded: 0, injectedFailures: 0, droppedConnections: 0 },
      sends: 0,
    };
    const front = new ZaloHttpFront(sim, token);
    const port = await front.listen();
    return new FakeZalo(sim, front, port, token, opts.replyIds ?? true);
  }

  /** Stops the server: waiting polls end, queued updates and webhook POSTs in flight are dropped. */
  async stop(): Promise<void> {
    this.sim.hub.close();
    await this.front.close();
  }

  // ================================================================ world

  /** A new Zalo user with a fresh 20-hex-char id. `wroteToBot: true` as if they had written to the bot privately. */
  user(displayName: string, opts: { wroteToBot?: boolean } = {}): FakeZaloUser {
    const record = this.sim.world.addUser(displayName);
    if (opts.wroteToBot === true) record.wroteToBot = true;
    return record.user;
  }

  /** The user's private chat with the bot (its id is the user's id). */
  privateChat(user: FakeZaloUser): FakeZaloChat {
    this.userRecord(user);
    return { id: this.sim.world.privateChat(user.id).id, chat_type: "PRIVATE" };
  }

  /** A group with these members; the bot is in it. */
  createGroup(title: string, members: readonly FakeZaloUser[] = []): FakeZaloChat {
    const group = this.sim.world.addGroup(title);
    for (const u of members) group.members.add(this.userRecord(u).user.id);
    return { id: group.id, chat_type: "GROUP", title };
  }

  addToGroup(group: FakeZaloChat, user: FakeZaloUser): void {
    this.group(group).members.add(this.userRecord(user).user.id);
  }

  removeFromGroup(group: FakeZaloChat, user: FakeZaloUser): void {
    this.group(group).members.delete(user.id);
  }

  /** The bot leaves (or is put back in) a group: while out it gets nothing from there and its sends answer 403. */
  setBotInGroup(group: FakeZaloChat, present: boolean): void {
    this.group(group).botPresent = present;
  }

  /** Whether the user has written to the bot privately (so the bot may message them). */
  hasWrittenToBot(user: FakeZaloUser): boolean {
    return this.userRecord(user).wroteToBot;
  }

  // ================================================================ members acting

  /**
   * A member sends a text; resolves with its message_id once it is recorded and, if it reaches the bot, handed over:
   * queued for getUpdates, or POSTed to the webhook and answered (or failed).
   * In a group it reaches the bot only if it @mentions the bot (case-insensitive) or replies to a bot message.
   */
  async sendText(chat: ZaloChatRef, user: FakeZaloUser, text: string, opts: MemberMessageOptions = {}): Promise<string> {
    if (text === "") throw new Error("fake-zalo: Zalo clients can't send an empty message");
    return this.memberMessage(chat, user, { kind: "text", text }, opts);
  }

  /** A member sends an image (with an optional caption, which counts for @mentions). */
  async sendImage(
    chat: ZaloChatRef,
    user: FakeZaloUser,
    photoUrl: string,
    opts: MemberMessageOptions & { caption?: string } = {},
  ): Promise<string> {
    const content: MemberContent = {
      kind: "image",
      photo: photoUrl,
      ...(opts.caption === undefined ? {} : { caption: opts.caption }),
    };
    return this.memberMessage(chat, user, content, opts);
  }

  async sendSticker(chat: ZaloChatRef, user: FakeZaloUser, sticker: string, opts: MemberMessageOptions = {}): Promise<string> {
    return this.memberMessage(chat, user, { kind: "sticker", sticker }, opts);
  }

  /** Content the platform withholds (e.g. from a protected user): only "message.unsupported.received". */
  async sendUnsupported(chat: ZaloChatRef, user: FakeZaloUser, opts: MemberMessageOptions = {}): Promise<string> {
    return this.memberMessage(chat, user, { kind: "unsupported" }, opts);
  }

  /** Delivers the last update the bot got again, same message_id (the platform's duplicate delivery). */
  async replayLast(): Promise<string> {
    const last = this.lastUpdate;
    if (last === undefined) throw new Error("fake-zalo: nothing was delivered to the bot yet");
    await this.sim.hub.deliver(last, true);
    return last.message.message_id;
  }

  /** Delivers an earlier update again, by message_id. */
  async replay(messageId: string): Promise<void> {
    const update = this.forwardedUpdates.get(messageId);
    if (update === undefined) throw new Error(`fake-zalo: message ${messageId} was never delivered to the bot`);
    await this.sim.hub.deliver(update, true);
  }

  // ================================================================ failures

  /** The next `count` (default 1) calls of `method` answer this error instead of running. */
  failNext(method: string, failure: InjectedFailure): void {
    this.front.failNext(method, failure);
  }

  /** The next calls of `method` get their connection destroyed (a network failure). */
  dropNext(method: string, opts: DropOptions = {}): void {
    this.front.dropNext(method, opts);
  }

  // ================================================================ observation

  /** Everything in a chat in order: members' messages and the bot's. */
  messages(chat: ZaloChatRef): RecordedZaloMessage[] {
    return (this.findChat(chat)?.messages ?? []).map(recorded);
  }

  /** What the bot sent to a chat, in order. */
  botMessages(chat: ZaloChatRef): RecordedZaloMessage[] {
    return this.messages(chat).filter((m) => m.from === "bot");
  }

  lastBotMessage(chat: ZaloChatRef): RecordedZaloMessage | undefined {
    return this.botMessages(chat).at(-1);
  }

  /** Every API call so far (including failed and dropped ones), or those of one method. */
  calls(method?: string): RecordedZaloCall[] {
    return method === undefined ? [...this.front.calls] : this.front.calls.filter((c) => c.method === method);
  }

  /** Every webhook POST attempt, in order. */
  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.sim.hub.deliveries;
  }

  /** The webhook currently set, if any. */
  get webhook(): { url: string; secretToken: string } | undefined {
    const hook = this.sim.hub.webhook;
    return hook === undefined ? undefined : { url: hook.url, secretToken: hook.secretToken };
  }

  /** Updates waiting for a getUpdates call. */
  get pendingUpdates(): number {
    return this.sim.hub.pending;
  }

  /** True while a getUpdates long poll is waiting. */
  get isPolling(): boolean {
    return this.sim.hub.isPolling;
  }

  get stats(): FakeZaloStats {
    return { ...this.sim.stats };
  }

  /** Polls `fn` every 5 ms until it returns something truthy, or throws after `timeoutMs`. */
  async waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 2000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = fn();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`fake-zalo: waitFor timed out after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  // ================================================================ internals

  private userRecord(user: FakeZaloUser): NonNullable<ReturnType<World["users"]["get"]>> {
    const record = this.sim.world.users.get(user.id);
    if (record === undefined) throw new Error(`fake-zalo: unknown user ${user.id}; create users with zalo.user()`);
    return record;
  }

  private group(chat: FakeZaloChat): ChatRecord {
    const record = this.sim.world.chats.get(chat.id);
    if (record?.type !== "GROUP") throw new Error(`fake-zalo: unknown group ${chat.id}`);
    return record;
  }

  private findChat(ref: ZaloChatRef): ChatRecord | undefined {
    const id = typeof ref === "string" ? ref : ref.id;
    return this.sim.world.chats.get(id);
  }

  /** The chat a member writes in: their own private chat, or a group they belong to. */
  private chatFor(ref: ZaloChatRef, user: FakeZaloUser): ChatRecord {
    const record = this.userRecord(user);
    const id = typeof ref === "string" ? ref : ref.id;
    if (id === user.id) return this.sim.world.privateChat(user.id);
    const chat = this.sim.world.chats.get(id);
    if (chat === undefined) throw new Error(`fake-zalo: unknown chat ${id}`);
    if (chat.type === "PRIVATE")
      throw new Error(`fake-zalo: ${record.user.display_name} can't write in another user's private chat`);
    if (!chat.members.has(user.id)) {
      throw new Error(
        `fake-zalo: ${record.user.display_name} is not a member of "${chat.title ?? chat.id}"; use addToGroup first`,
      );
    }
    return chat;
  }

  private mentionsBot(content: MemberContent): boolean {
    const needle = `@${this.sim.botName.toLowerCase()}`;
    return [content.text, content.caption].some((s) => s?.toLowerCase().includes(needle) === true);
  }

  private async memberMessage(
    ref: ZaloChatRef,
    user: FakeZaloUser,
    content: MemberContent,
    opts: MemberMessageOptions,
  ): Promise<string> {
    const chat = this.chatFor(ref, user);
    if ((content.text?.length ?? 0) > MAX_TEXT * 10) throw new Error("fake-zalo: that text is longer than a Zalo client sends");
    let repliedTo: StoredMessage | undefined;
    if (opts.replyTo !== undefined) {
      repliedTo = this.sim.world.findMessage(chat, opts.replyTo);
      if (repliedTo === undefined) throw new Error(`fake-zalo: no message ${opts.replyTo} to reply to in chat ${chat.id}`);
    }
    const forwarded = chat.type === "PRIVATE" || (chat.botPresent && (this.mentionsBot(content) || repliedTo?.from === "bot"));
    const stored: StoredMessage = {
      message_id: this.sim.world.newId("message"),
      from: user.id,
      date: this.sim.now(),
      forwarded,
      ...content,
      ...(repliedTo === undefined ? {} : { reply_to: repliedTo.message_id }),
    };
    chat.messages.push(stored);
    if (chat.type === "PRIVATE") this.userRecord(user).wroteToBot = true;
    if (!forwarded) return stored.message_id;
    const update = this.updateFor(stored, chat, user);
    this.lastUpdate = update;
    this.forwardedUpdates.set(stored.message_id, update);
    await this.sim.hub.deliver(update);
    return stored.message_id;
  }

  private updateFor(m: StoredMessage, chat: ChatRecord, user: FakeZaloUser): ZaloUpdate {
    const message: ZaloUpdate["message"] = {
      message_id: m.message_id,
      date: m.date,
      from: { id: user.id, display_name: user.display_name, is_bot: false },
      chat: { id: chat.id, chat_type: chat.type },
    };
    if (m.text !== undefined) message.text = m.text;
    if (m.photo !== undefined) message.photo = m.photo;
    if (m.caption !== undefined) message.caption = m.caption;
    if (m.sticker !== undefined) message.sticker = m.sticker;
    if (m.reply_to !== undefined && this.replyIds) message.reply_to_message = { message_id: m.reply_to };
    return { event_name: EVENT_NAMES[m.kind], message };
  }
}
