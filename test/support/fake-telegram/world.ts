/** The simulated Telegram world: users, chats, memberships, messages and files. */
import { createHash } from "node:crypto";
import type { Chat, Message, MessageEntity, User } from "grammy/types";
import type { FormattedText } from "./html.js";
import type { FakeBotInfo, FakeUser, GroupType, RecordedFile, RecordedMessage, RecordedRevision } from "./types.js";

export type MemberStatus = "creator" | "administrator" | "member" | "left" | "kicked";
export type ChatType = "private" | GroupType;

export interface FileRecord {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  data: Buffer;
  kind: "document" | "photo";
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
}

export interface Revision {
  formatted: FormattedText;
  raw: string;
  reply_markup?: unknown;
  at: number;
}

export interface StoredMessage {
  message_id: number;
  chat: ChatRecord;
  date: number;
  from: User;
  fromBot: boolean;
  kind: "text" | "document" | "photo" | "service";
  /** Text or caption, with its history; undefined for media without caption and service messages. */
  revisions: Revision[];
  parse_mode?: string;
  file?: FileRecord;
  reply_markup?: unknown;
  reply_to?: StoredMessage;
  edit_date?: number;
  deleted: boolean;
  pinned: boolean;
  /** Service message fields (new_chat_members, migrate_to_chat_id, ...). */
  service?: Record<string, unknown>;
}

export interface ChatRecord {
  id: number;
  type: ChatType;
  title?: string;
  /** The user of a private chat. */
  user?: FakeUser;
  members: Map<number, MemberStatus>;
  botStatus: MemberStatus;
  migratedTo?: number;
  migratedFrom?: number;
  messages: StoredMessage[];
  nextMessageId: number;
  menuButton?: unknown;
}

export interface UserRecord {
  user: FakeUser;
  /** The user wrote to the bot in private at least once. */
  startedBot: boolean;
  blockedBot: boolean;
}

export class World {
  readonly users = new Map<number, UserRecord>();
  readonly chats = new Map<number, ChatRecord>();
  readonly files = new Map<string, FileRecord>();
  readonly filesByPath = new Map<string, FileRecord>();
  private nextUserId = 700_001;
  private nextGroupSeq = 1;
  private nextFileSeq = 1;

  constructor(readonly bot: FakeBotInfo) {}

  botUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  addUser(partial: Partial<FakeUser>): FakeUser {
    const id = partial.id ?? this.nextUserId++;
    if (this.users.has(id) || id === this.bot.id) throw new Error(`fake-telegram: user id ${id} is already taken`);
    const user: FakeUser = { language_code: "vi", ...partial, id, first_name: partial.first_name ?? `User${id}` };
    this.users.set(id, { user, startedBot: false, blockedBot: false });
    return user;
  }

  userRecord(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  newGroupId(type: GroupType): number {
    const seq = this.nextGroupSeq++;
    return type === "supergroup" ? -(1_000_000_000_000 + 7_000_000 + seq) : -(4_000_000 + seq);
  }

  addGroup(type: GroupType, title: string, id = this.newGroupId(type)): ChatRecord {
    const chat: ChatRecord = { id, type, title, members: new Map(), botStatus: "member", messages: [], nextMessageId: 1 };
    this.chats.set(id, chat);
    return chat;
  }

  /** The private chat with a user (created on first use, id = user id). */
  privateChat(user: FakeUser): ChatRecord {
    let chat = this.chats.get(user.id);
    if (chat === undefined) {
      chat = { id: user.id, type: "private", user, members: new Map(), botStatus: "member", messages: [], nextMessageId: 1 };
      this.chats.set(user.id, chat);
    }
    return chat;
  }

  /** Follows migrations so that old group handles keep working for user actions. */
  current(chat: ChatRecord): ChatRecord {
    let c = chat;
    while (c.migratedTo !== undefined) {
      const next = this.chats.get(c.migratedTo);
      if (next === undefined) break;
      c = next;
    }
    return c;
  }

  addMessage(chat: ChatRecord, init: Omit<StoredMessage, "message_id" | "chat" | "deleted" | "pinned">): StoredMessage {
    const message: StoredMessage = { ...init, message_id: chat.nextMessageId++, chat, deleted: false, pinned: false };
    chat.messages.push(message);
    return message;
  }

  findMessage(chat: ChatRecord, messageId: number): StoredMessage | undefined {
    const m = chat.messages.find((x) => x.message_id === messageId);
    return m === undefined || m.deleted ? undefined : m;
  }

  storeFile(
    kind: FileRecord["kind"],
    data: Buffer,
    meta: Partial<Pick<FileRecord, "file_name" | "mime_type" | "width" | "height">>,
  ): FileRecord {
    const seq = this.nextFileSeq++;
    const digest = createHash("sha256").update(data).digest("base64url").slice(0, 16);
    const prefix = kind === "photo" ? "AgACAgIAAxkBAAI" : "BQACAgIAAxkBAAI";
    const ext = kind === "photo" ? "jpg" : extensionOf(meta.file_name);
    const file: FileRecord = {
      ...meta,
      kind,
      data,
      file_id: `${prefix}${seq.toString(36).padStart(6, "0")}${digest}`,
      file_unique_id: `AgAD${digest.slice(0, 10)}`,
      file_path: `${kind === "photo" ? "photos" : "documents"}/file_${seq}${ext === "" ? "" : `.${ext}`}`,
    };
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    return file;
  }
}

function extensionOf(name: string | undefined): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? "");
  return m?.[1]?.toLowerCase() ?? "";
}

// ---------------------------------------------------------------- Bot API objects

export function userObject(user: FakeUser): User {
  const u: User = { id: user.id, is_bot: false, first_name: user.first_name };
  if (user.last_name !== undefined) u.last_name = user.last_name;
  if (user.username !== undefined) u.username = user.username;
  if (user.language_code !== undefined) u.language_code = user.language_code;
  return u;
}

export function chatObject(chat: ChatRecord): Chat {
  if (chat.type === "private" && chat.user !== undefined) {
    const u = chat.user;
    const c: Record<string, unknown> = { id: chat.id, type: "private", first_name: u.first_name };
    if (u.last_name !== undefined) c["last_name"] = u.last_name;
    if (u.username !== undefined) c["username"] = u.username;
    return c as unknown as Chat;
  }
  return { id: chat.id, type: chat.type, title: chat.title ?? "" } as Chat;
}

export function currentRevision(m: StoredMessage): Revision | undefined {
  return m.revisions.at(-1);
}

function fileFields(m: StoredMessage): Record<string, unknown> {
  const f = m.file;
  if (f === undefined) return {};
  if (f.kind === "photo") {
    return {
      photo: [
        {
          file_id: f.file_id,
          file_unique_id: f.file_unique_id,
          width: f.width ?? 1,
          height: f.height ?? 1,
          file_size: f.data.length,
        },
      ],
    };
  }
  const doc: Record<string, unknown> = { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.data.length };
  if (f.file_name !== undefined) doc["file_name"] = f.file_name;
  if (f.mime_type !== undefined) doc["mime_type"] = f.mime_type;
  return { document: doc };
}

function textFields(m: StoredMessage): Record<string, unknown> {
  const rev = currentRevision(m);
  if (rev === undefined || (m.kind !== "text" && rev.formatted.text === "")) return {};
  const isText = m.kind === "text";
  const out: Record<string, unknown> = { [isText ? "text" : "caption"]: rev.formatted.text };
  if (rev.formatted.entities.length > 0) out[isText ? "entities" : "caption_entities"] = rev.formatted.entities;
  return out;
}

/** The Message object as the Bot API returns/delivers it now. */
export function messageObject(m: StoredMessage, withReply = true): Message {
  const msg: Record<string, unknown> = {
    message_id: m.message_id,
    from: m.from,
    chat: chatObject(m.chat),
    date: m.date,
    ...textFields(m),
    ...fileFields(m),
    ...(m.service ?? {}),
  };
  if (withReply && m.reply_to !== undefined) msg["reply_to_message"] = messageObject(m.reply_to, false);
  if (m.edit_date !== undefined) msg["edit_date"] = m.edit_date;
  if (m.reply_markup !== undefined && isInlineKeyboard(m.reply_markup)) msg["reply_markup"] = m.reply_markup;
  return msg as unknown as Message;
}

export function isInlineKeyboard(markup: unknown): markup is { inline_keyboard: Array<Array<Record<string, unknown>>> } {
  return (
    typeof markup === "object" && markup !== null && Array.isArray((markup as { inline_keyboard?: unknown }).inline_keyboard)
  );
}

export function buttonTexts(markup: unknown): string[][] {
  if (!isInlineKeyboard(markup)) return [];
  return markup.inline_keyboard.map((row) => row.map((b) => String(b["text"] ?? "")));
}

function recordedFile(f: FileRecord): RecordedFile {
  const r: RecordedFile = { file_id: f.file_id, file_unique_id: f.file_unique_id, bytes: Buffer.from(f.data) };
  if (f.file_name !== undefined) r.file_name = f.file_name;
  if (f.mime_type !== undefined) r.mime_type = f.mime_type;
  return r;
}

function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** A detached snapshot of a bot message for assertions. */
export function recordedMessage(m: StoredMessage): RecordedMessage {
  const rev = currentRevision(m);
  const history: RecordedRevision[] = m.revisions.map((r) => {
    const h: RecordedRevision = { text: r.formatted.text, html: r.raw, at: r.at };
    if (r.reply_markup !== undefined) h.reply_markup = cloneJson(r.reply_markup);
    return h;
  });
  const rec: RecordedMessage = {
    message_id: m.message_id,
    chat_id: m.chat.id,
    kind: m.kind === "service" ? "text" : m.kind,
    text: rev?.formatted.text ?? "",
    html: rev?.raw ?? "",
    entities: cloneJson(rev?.formatted.entities ?? []) as MessageEntity[],
    buttons: buttonTexts(m.reply_markup),
    edits: Math.max(0, m.revisions.length - 1),
    history,
    deleted: m.deleted,
    pinned: m.pinned,
    date: m.date,
  };
  if (m.parse_mode !== undefined) rec.parse_mode = m.parse_mode;
  if (m.reply_markup !== undefined) rec.reply_markup = cloneJson(m.reply_markup);
  if (m.file?.kind === "document") rec.document = recordedFile(m.file);
  if (m.file?.kind === "photo") rec.photo = recordedFile(m.file);
  if (m.reply_to !== undefined) rec.reply_to_message_id = m.reply_to.message_id;
  return rec;
}
