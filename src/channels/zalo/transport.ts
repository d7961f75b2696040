import { createHash, randomBytes } from "node:crypto";
import type { InlineKeyboardButton, Message, Update, UserFromGetMe } from "grammy/types";
import type { Db } from "../../db/client.js";
import { keyValueStore, type KeyValueStore } from "../../db/key-value.js";
import type { Translate, Translations } from "../../i18n.js";
import type { Logger } from "../../logger.js";
import { ZALO } from "../capabilities.js";
import { ZaloApiError, type ZaloClient, type ZaloUpdate } from "./client.js";
import { htmlToText, splitText } from "./text.js";

/** Publishes a file at a public URL (when the operator configured one), so Zalo can show it by link. */
export interface FileLinks {
  publish(fileName: string, data: Uint8Array): Promise<string>;
}

export interface ZaloTransportOptions {
  client: ZaloClient;
  db: Db;
  translations: Translations;
  logger: Logger;
  files?: FileLinks | undefined;
  /** Short replies to members in a group are gathered this long, then sent as one message. */
  batchMs?: number;
  now?: () => Date;
}

/** Short replies to members' answers: one Zalo message per batch, never one per answer. */
const BATCHABLE_LENGTH = 300;
/** Zalo gives no retry_after with its 429 "Quota exceeded": wait a minute. */
const QUOTA_RETRY_SECONDS = 60;

interface Menu {
  data: string[];
}
interface PendingCallback {
  chatId: string;
  group: boolean;
  name: string;
}
/** How long what a chat is (group or not, its language) is remembered before the database is asked again. */
const CHAT_INFO_TTL_MS = 30_000;
const MAX_REMEMBERED_CHATS = 10_000;

type Payload = Record<string, unknown>;
type ApiResult = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: object };

/**
 * Zalo spoken as Telegram's Bot API, so every grammY flow serves both platforms unchanged:
 * - outbound, an API transformer: HTML becomes text, keyboards become numbered lists, edits become fresh posts,
 *   button toasts and short replies in a group are batched into one message, long texts are split, files become
 *   links (or a note), errors become Bot API errors (429 with retry_after);
 * - inbound, `toUpdate`: a Zalo message becomes a Telegram update; "@bot" is dropped, a leading "/word" is a command,
 *   and a number answering a numbered list is a button press.
 */
export class ZaloTransport {
  readonly capabilities = ZALO;
  private readonly store: KeyValueStore;
  private readonly callbacks = new Map<string, PendingCallback>();
  private readonly groups = new Set<string>();
  private readonly batches = new Map<string, { lines: string[]; timer: NodeJS.Timeout }>();
  private readonly sending = new Set<Promise<unknown>>();
  private readonly partsSent = new Map<string, number>();
  /** Chats already told the bot is automated: that never changes back, so it is asked of the database once. */
  private readonly disclosedChats = new Set<string>();
  private readonly chatInfos = new Map<string, { info: ChatInfo; until: number }>();
  private me: { id: string; name: string } | undefined;
  private updateId = Math.floor(Date.now() / 1000) * 1000;

  constructor(private readonly options: ZaloTransportOptions) {
    this.store = keyValueStore(options.db);
  }

  /**
   * The `fetch` of the Zalo bot's grammY client: every Bot API request (also those conversations replay) ends here
   * and is answered from Zalo, so no request ever leaves for Telegram. A Zalo network failure is thrown, as fetch
   * would, and grammY reports it as an HttpError.
   */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const method =
      String(input instanceof Request ? input.url : input)
        .split("/")
        .pop() ?? "";
    const payload = await readPayload(init);
    const result = await this.call(method, payload).catch((error: unknown) => this.asBotApiError(error));
    return new Response(JSON.stringify(result), { headers: { "content-type": "application/json" } });
  }) as typeof fetch;

  // ─── inbound ───────────────────────────────────────────────────────────────────────────────────

  /** The Telegram update for a Zalo message, or undefined for one the bot should not see (its own, a bot's). */
  async toUpdate(update: ZaloUpdate): Promise<Update | undefined> {
    const { message } = update;
    if (message.from.is_bot || message.from.id === this.me?.id) return undefined;
    const chatId = message.chat.id;
    const group = message.chat.chat_type === "GROUP";
    if (group) this.groups.add(chatId);
    const from = { id: message.from.id as unknown as number, is_bot: false, first_name: message.from.display_name || "Zalo" };
    const chat = group
      ? { id: chatId as unknown as number, type: "group" as const, title: "" }
      : { id: chatId as unknown as number, type: "private" as const, first_name: from.first_name };
    const text = message.text === undefined ? undefined : this.withoutMention(message.text);
    const lastPrompt = group || text?.startsWith("/") ? undefined : await this.lastPrompt(chatId);
    const repliedTo = message.reply_to_message?.message_id ?? lastPrompt;
    const update_id = ++this.updateId;
    const date = Math.floor(message.date / 1000);

    const menu = repliedTo && text !== undefined ? await this.store.get<Menu>(menuKey(chatId, repliedTo)) : undefined;
    const choice = menu && /^\d{1,2}$/.test(text ?? "") ? menu.data[Number(text) - 1] : undefined;
    const repliedMessage = repliedTo && {
      message_id: repliedTo as unknown as number,
      date,
      chat,
      from: this.botUser(),
      text: "",
    };
    if (repliedMessage && choice) {
      // a number answering a numbered list is the button it names
      const id = `zalo-${randomBytes(8).toString("hex")}`;
      this.callbacks.set(id, { chatId, group, name: from.first_name });
      setTimeout(() => this.callbacks.delete(id), 10 * 60_000).unref();
      return { update_id, callback_query: { id, from, chat_instance: chatId, data: choice, message: repliedMessage } } as Update;
    }
    const command = text?.match(/^\/[A-Za-z0-9_]+/)?.[0];
    const entities = command ? [{ type: "bot_command" as const, offset: 0, length: command.length }] : undefined;
    const base = { message_id: message.message_id as unknown as number, date, chat, from };
    return {
      update_id,
      message: { ...base, text, entities, ...(repliedMessage ? { reply_to_message: repliedMessage } : {}) },
    } as Update;
  }

  /** Sends what is still batched; called at shutdown. */
  async stop(): Promise<void> {
    for (const chatId of [...this.batches.keys()]) this.flushBatch(chatId);
    await Promise.allSettled([...this.sending]);
  }

  private withoutMention(text: string): string {
    const name = this.me?.name;
    if (!name) return text.trim();
    const mention = new RegExp(`@${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b:?`, "i");
    return text
      .replace(mention, " ")
      .replace(/^[ \t]+|[ \t]+$/gm, "")
      .trim(); // lines stay lines (a pasted roster)
  }

  private botUser() {
    return { id: (this.me?.id ?? "") as unknown as number, is_bot: true, first_name: this.me?.name ?? "Chibo" };
  }

  // ─── outbound ──────────────────────────────────────────────────────────────────────────────────

  private async call(method: string, payload: Payload): Promise<ApiResult> {
    switch (method) {
      case "getMe":
        return ok(await this.getMe());
      case "sendMessage":
      case "editMessageText":
        return ok(await this.sendMessage(payload, method === "sendMessage"));
      case "answerCallbackQuery":
        this.answerCallback(payload);
        return ok(true);
      case "sendDocument":
      case "sendPhoto":
        return ok(await this.sendFile(payload, method === "sendPhoto" ? "photo" : "document"));
      case "sendChatAction":
        await this.options.client.sendChatAction(String(payload.chat_id)).catch(() => undefined);
        return ok(true);
      case "getChatMember":
        // Zalo cannot say who administers a group; guards read the platform's capabilities instead.
        return ok({ status: "member", user: { id: payload.user_id, is_bot: false, first_name: "" } });
      case "editMessageReplyMarkup":
      case "deleteMessage":
      case "setMyCommands":
      case "deleteMyCommands":
      case "setChatMenuButton":
      case "setMessageReaction":
        return ok(true);
      default:
        return { ok: false, error_code: 400, description: `Bad Request: ${method} is not available on Zalo` };
    }
  }

  private async getMe(): Promise<UserFromGetMe> {
    const info = await this.options.client.getMe();
    this.me = { id: info.id, name: info.account_name };
    return {
      id: info.id as unknown as number,
      is_bot: true,
      first_name: info.account_name,
      username: info.account_name,
      can_join_groups: info.can_join_groups,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as UserFromGetMe;
  }

  private async sendMessage(payload: Payload, isNew: boolean): Promise<Message> {
    const chatId = String(payload.chat_id);
    const text = payload.parse_mode === "HTML" ? htmlToText(String(payload.text)) : String(payload.text);
    const markup = payload.reply_markup as { inline_keyboard?: InlineKeyboardButton[][]; force_reply?: boolean } | undefined;
    const buttons = (markup?.inline_keyboard ?? []).flat();
    const { group, t } = await this.chatInfo(chatId);
    if (isNew && group && !markup && payload.reply_parameters && text.length <= BATCHABLE_LENGTH) {
      this.addToBatch(chatId, text);
      return this.message(chatId, "", text);
    }
    const numbered = buttons.filter((button): button is InlineKeyboardButton.CallbackButton => "callback_data" in button);
    const links = buttons.filter((button): button is InlineKeyboardButton.UrlButton => "url" in button);
    const lines = [text];
    if (links.length > 0) lines.push(links.map((button) => `${button.text}: ${button.url}`).join("\n"));
    if (numbered.length > 0) {
      lines.push(numbered.map((button, i) => `${i + 1}. ${button.text}`).join("\n"));
      lines.push(t(group ? "zalo.menu_hint_group" : "zalo.menu_hint", { last: numbered.length, bot: this.me?.name ?? "Chibo" }));
    }
    const messageId = await this.post(chatId, lines.join("\n\n"));
    if (numbered.length > 0) await this.store.set(menuKey(chatId, messageId), { data: numbered.map((b) => b.callback_data) });
    if (!group) await this.setLastPrompt(chatId, numbered.length > 0 || markup?.force_reply ? messageId : undefined);
    return this.message(chatId, messageId, text);
  }

  /** Posts a text in as many parts as it needs; the first message to a chat says the bot is automated. */
  private async post(chatId: string, text: string): Promise<string> {
    const disclosed = await this.isDisclosed(chatId);
    let body = text;
    if (!disclosed) {
      const { t } = await this.chatInfo(chatId);
      body = `${text}\n\n${t("zalo.automated_notice")}`;
    }
    // a retry after a failure part-way (429 on the second part) resumes where it stopped: no part is posted twice
    const key = createHash("sha1").update(`${chatId}\n${body}`).digest("hex");
    const parts = splitText(body, ZALO.maxMessageLength);
    let messageId = "";
    for (let i = this.partsSent.get(key) ?? 0; i < parts.length; i++) {
      messageId = (await this.options.client.sendMessage(chatId, parts[i]!)).message_id;
      if (i < parts.length - 1) this.partsSent.set(key, i + 1);
    }
    this.partsSent.delete(key);
    if (!disclosed) await this.markDisclosed(chatId);
    return messageId;
  }

  private answerCallback(payload: Payload) {
    const pending = this.callbacks.get(String(payload.callback_query_id));
    const text = typeof payload.text === "string" ? htmlToText(payload.text) : "";
    if (!pending || !text) return;
    if (pending.group) this.addToBatch(pending.chatId, `${pending.name}: ${text}`);
    else this.track(this.post(pending.chatId, text));
  }

  private addToBatch(chatId: string, line: string) {
    const batch = this.batches.get(chatId);
    if (batch) {
      batch.lines.push(line);
      return;
    }
    const timer = setTimeout(() => this.flushBatch(chatId), this.options.batchMs ?? 3000);
    this.batches.set(chatId, { lines: [line], timer });
  }

  private flushBatch(chatId: string) {
    const batch = this.batches.get(chatId);
    if (!batch) return;
    clearTimeout(batch.timer);
    this.batches.delete(chatId);
    this.track(this.post(chatId, batch.lines.join("\n")));
  }

  private track(sending: Promise<unknown>) {
    const tracked = sending
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "zalo batched message failed"))
      .finally(() => this.sending.delete(tracked));
    this.sending.add(tracked);
  }

  /** Zalo takes no uploads: a file is published as a link when the operator set a public URL, else announced by name. */
  private async sendFile(payload: Payload, kind: "photo" | "document"): Promise<Message> {
    const chatId = String(payload.chat_id);
    const file = payload[kind];
    const caption = typeof payload.caption === "string" ? htmlToText(payload.caption) : "";
    const { t } = await this.chatInfo(chatId);
    if (typeof file === "string" && /^https?:\/\//.test(file) && kind === "photo") {
      const sent = await this.options.client.sendPhoto(chatId, file, caption || undefined);
      return this.message(chatId, sent.message_id, caption);
    }
    const upload = isUpload(file) ? file : undefined;
    const name = upload?.fileName ?? "file";
    const data = upload?.data;
    const url = data && this.options.files ? await this.options.files.publish(name, data) : undefined;
    if (url && kind === "photo") {
      const sent = await this.options.client.sendPhoto(chatId, url, caption || undefined);
      return this.message(chatId, sent.message_id, caption);
    }
    const note = url ? t("zalo.file_link", { name, url }) : t("zalo.file_unavailable", { name });
    const messageId = await this.post(chatId, htmlToText([caption, note].filter(Boolean).join("\n")));
    return this.message(chatId, messageId, caption);
  }

  private message(chatId: string, messageId: string, text: string): Message {
    const group = this.groups.has(chatId);
    return {
      message_id: messageId as unknown as number,
      date: Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000),
      chat: group
        ? { id: chatId as unknown as number, type: "group", title: "" }
        : { id: chatId as unknown as number, type: "private", first_name: "" },
      from: this.botUser(),
      text,
    } as Message;
  }

  private asBotApiError(error: unknown): ApiResult {
    if (error instanceof ZaloApiError) {
      if (error.errorCode === 429) {
        return {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: ${error.description}`,
          parameters: { retry_after: QUOTA_RETRY_SECONDS },
        };
      }
      return { ok: false, error_code: error.errorCode, description: error.description };
    }
    throw error;
  }

  // ─── per-chat state ────────────────────────────────────────────────────────────────────────────

  // The chat's facts are kept apart, each written whole: a toast sent in the background and the next message can
  // no longer overwrite each other's change, as a read-modify-write of one row could.

  /** The last message that asked for an answer in a private chat: plain replies continue it. */
  private lastPrompt(chatId: string): Promise<string | undefined> {
    return this.store.get<string>(promptKey(chatId));
  }

  private async setLastPrompt(chatId: string, messageId: string | undefined) {
    if (messageId) await this.store.set(promptKey(chatId), messageId);
    else await this.store.delete(promptKey(chatId));
  }

  private async isDisclosed(chatId: string): Promise<boolean> {
    if (this.disclosedChats.has(chatId)) return true;
    const disclosed = await this.store.get<boolean>(disclosedKey(chatId));
    if (disclosed) this.disclosedChats.add(chatId);
    return disclosed === true;
  }

  private async markDisclosed(chatId: string) {
    await this.store.set(disclosedKey(chatId), true);
    this.disclosedChats.add(chatId);
  }

  /** Whether a chat is a group (it wrote as one, or it is bound), and its language: remembered for half a minute. */
  private async chatInfo(chatId: string): Promise<ChatInfo> {
    const now = Date.now();
    const cached = this.chatInfos.get(chatId);
    const info = cached && cached.until > now ? cached.info : await this.loadChatInfo(chatId);
    if (info !== cached?.info) {
      if (this.chatInfos.size >= MAX_REMEMBERED_CHATS) this.chatInfos.clear(); // a cache, not a record of every chat
      this.chatInfos.set(chatId, { info, until: now + CHAT_INFO_TTL_MS });
    }
    // a chat seen writing as a group since is a group at once
    return { ...info, group: info.group || this.groups.has(chatId) };
  }

  /** The group's language for a bound group, else the person's. */
  private async loadChatInfo(chatId: string): Promise<ChatInfo> {
    const { db, translations } = this.options;
    const binding = await db.chatBinding.findUnique({
      where: { platform_chatId: { platform: "zalo", chatId } },
      include: { cell: true, committee: true },
    });
    if (binding) {
      this.groups.add(chatId);
      return { group: true, t: translations.t(binding.locale, binding.cell?.locale, binding.committee?.locale) };
    }
    const identity = await db.platformIdentity.findUnique({
      where: { platform_platformUserId: { platform: "zalo", platformUserId: chatId } },
    });
    return { group: this.groups.has(chatId), t: translations.t(identity?.locale) };
  }
}

interface ChatInfo {
  group: boolean;
  t: Translate;
}

const ok = (result: unknown): ApiResult => ({ ok: true, result });
const menuKey = (chatId: string, messageId: string) => `zalo:menu:${chatId}:${messageId}`;
const promptKey = (chatId: string) => `zalo:chat:${chatId}:prompt`;
const disclosedKey = (chatId: string) => `zalo:chat:${chatId}:disclosed`;

/**
 * The Bot API call's parameters as grammY sent them: JSON, or multipart when files are attached, where a file field
 * says "attach://name" and the file is the part of that name.
 */
async function readPayload(init: RequestInit | undefined): Promise<Payload> {
  const type = new Headers(init?.headers).get("content-type") ?? "";
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  if (!boundary) return JSON.parse(typeof init?.body === "string" ? init.body : "{}") as Payload;
  const chunks: Uint8Array[] = [];
  for await (const chunk of init?.body as unknown as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  const parts = multipartParts(Buffer.concat(chunks), boundary);
  const payload: Payload = {};
  for (const part of parts.values()) {
    if (part.fileName !== undefined) continue;
    const value = part.data.toString("utf8");
    const attached = parts.get(/^attach:\/\/(.+)$/.exec(value)?.[1] ?? "");
    payload[part.name] = attached ? { fileName: attached.fileName ?? "file", data: attached.data } : tryJson(value);
  }
  return payload;
}

interface Part {
  name: string;
  fileName: string | undefined;
  data: Buffer;
}

/** The parts of grammY's multipart body by name (grammY writes `name="x"` and an unquoted `filename=`). */
function multipartParts(body: Buffer, boundary: string): Map<string, Part> {
  const parts = new Map<string, Part>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // without CRLFs around
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const name = /name="?([^";\r\n]+)"?/.exec(headers)?.[1];
    const fileName = /filename="?([^";\r\n]+)"?/.exec(headers)?.[1];
    if (name) parts.set(name, { name, fileName, data: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

function isUpload(value: unknown): value is { fileName: string; data: Buffer } {
  return typeof value === "object" && value !== null && "data" in value && Buffer.isBuffer((value as { data: unknown }).data);
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
