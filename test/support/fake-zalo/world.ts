/** The simulated Zalo world: users, chats (private and group), and every message in them. */
import { createHash } from "node:crypto";
import type { FakeZaloChatType, FakeZaloUser, RecordedZaloMessage } from "./types.js";

export interface UserRecord {
  user: FakeZaloUser;
  /** The user wrote to the bot privately, so the bot may message them. */
  wroteToBot: boolean;
}

export interface StoredMessage {
  message_id: string;
  from: "bot" | string;
  kind: RecordedZaloMessage["kind"];
  text?: string;
  photo?: string;
  caption?: string;
  sticker?: string;
  parse_mode?: string;
  reply_to?: string;
  date: number;
  forwarded?: boolean;
}

export interface ChatRecord {
  id: string;
  type: FakeZaloChatType;
  title?: string;
  members: Set<string>;
  /** Groups: the bot is in it. Private chats: always true. */
  botPresent: boolean;
  messages: StoredMessage[];
  /** Dates of sends the bot made here (for the per-chat quota). */
  sendTimes: number[];
}

export class World {
  readonly users = new Map<string, UserRecord>();
  readonly chats = new Map<string, ChatRecord>();
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** A fresh opaque 20-hex-char id, deterministic for a given seed. */
  newId(kind: string): string {
    this.counter++;
    return createHash("sha256").update(`${this.seed}:${kind}:${this.counter}`).digest("hex").slice(0, 20);
  }

  addUser(displayName: string): UserRecord {
    const record: UserRecord = { user: { id: this.newId("user"), display_name: displayName }, wroteToBot: false };
    this.users.set(record.user.id, record);
    return record;
  }

  addGroup(title: string): ChatRecord {
    const chat: ChatRecord = {
      id: this.newId("group"),
      type: "GROUP",
      title,
      members: new Set(),
      botPresent: true,
      messages: [],
      sendTimes: [],
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** A user's private chat with the bot; its id is the user's id. Created on first use. */
  privateChat(userId: string): ChatRecord {
    const existing = this.chats.get(userId);
    if (existing !== undefined) return existing;
    const chat: ChatRecord = {
      id: userId,
      type: "PRIVATE",
      members: new Set([userId]),
      botPresent: true,
      messages: [],
      sendTimes: [],
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  findMessage(chat: ChatRecord, messageId: string): StoredMessage | undefined {
    return chat.messages.find((m) => m.message_id === messageId);
  }
}

export function recorded(m: StoredMessage): RecordedZaloMessage {
  return { ...m };
}
