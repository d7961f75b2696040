/** Public types of the fake Telegram server. */
import type { BotCommand, InlineKeyboardButton, MessageEntity, Update, Message } from "grammy/types";

export type { BotCommand, InlineKeyboardButton, MessageEntity, Update, Message };

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_bot?: false;
}

export interface FakeBotInfo {
  id: number;
  username: string;
  first_name: string;
}

export interface FloodLimits {
  /** Sends per bot in any rolling second (Telegram: ~30). */
  globalPerSecond: number;
  /** Sends + edits per group chat in any rolling minute (Telegram: 20). */
  perChatPerMinute: number;
}

export interface FakeTelegramOptions {
  /** Default "123456:TEST-TOKEN". */
  token?: string;
  /** Default { id: 999000, username: "chibo_test_bot", first_name: "Chibo Test" }. */
  bot?: FakeBotInfo;
  /** Default { globalPerSecond: 30, perChatPerMinute: 20 }; false disables flood limits. */
  limits?: FloodLimits | false;
  /** Millisecond clock for limits, message dates and callback query expiry. Default Date.now. */
  now?: () => number;
  /** BotFather privacy mode (default true): in groups the bot only gets commands, replies to it and service messages. */
  privacyMode?: boolean;
  /** Reject a lone "&" in HTML like a missing escape (default true; real Telegram keeps it literally). */
  strictHtmlAmpersand?: boolean;
  /** How long a user action waits for the bot to handle its update before rejecting (default 10 000 ms). */
  deliveryTimeoutMs?: number;
  /** Webhook delivery: retries after a failed POST (default 3) and delay between them (default 20 ms). */
  webhookRetries?: number;
  webhookRetryDelayMs?: number;
}

export type GroupType = "group" | "supergroup";

/** A simulated group. Pass it to user actions; it follows migrations to a supergroup. */
export interface FakeChat {
  readonly id: number;
  readonly type: GroupType;
  readonly title: string;
}

export interface CreateGroupOptions {
  title: string;
  creator: FakeUser;
  admins?: FakeUser[];
  members?: FakeUser[];
  /** Default "group" (what Telegram creates; use migrateToSupergroup or "supergroup"). */
  type?: GroupType;
  /** Default false. An admin bot receives every message, privacy mode or not. */
  botIsAdmin?: boolean;
  /** Queue a `my_chat_member` update telling the bot it was added (default false). */
  announceBotAdded?: boolean;
}

/** Where a user acts: a group, or their private chat with the bot. */
export type ChatTarget = FakeChat | "private";

/** A chat to observe: a group, a user (their private chat with the bot), or a chat id. */
export type ChatRef = FakeChat | FakeUser | number;

export interface DeliveryResult {
  /** False when Telegram would not give the update to the bot (privacy mode, allowed_updates, bot not in chat). */
  delivered: boolean;
  /** True once the bot finished handling it (polling confirmed it / webhook answered 2xx). */
  handled: boolean;
  /** Why it was not delivered or not handled (e.g. how a webhook delivery failed). */
  reason?: string;
  update_id?: number;
  update?: Update;
  /** The message the user action created (present even when not delivered). */
  message?: Message;
}

/**
 * An inline button as pressButton predicates see it: every optional field is
 * readable without narrowing, e.g. `(b) => b.callback_data === "vote:yes"`.
 */
export interface PressableButton {
  text: string;
  callback_data?: string;
  url?: string;
  switch_inline_query?: string;
  switch_inline_query_current_chat?: string;
  [field: string]: unknown;
}

export type ButtonMatcher = string | ((b: PressableButton) => boolean) | ((b: InlineKeyboardButton) => boolean);

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
}

export interface PressResult extends DeliveryResult {
  /** What the bot passed to answerCallbackQuery while handling the press, if it answered. */
  answer?: CallbackAnswer;
  answered: boolean;
}

export interface SendTextOptions {
  /** message_id in that chat the user replies to. */
  replyTo?: number;
}

export interface UserDocument {
  fileName: string;
  mimeType: string;
  content: Buffer | string;
  caption?: string;
  replyTo?: number;
}

export interface RecordedFile {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  bytes: Buffer;
}

export interface RecordedRevision {
  text: string;
  html: string;
  reply_markup?: unknown;
  /** Clock time (ms) the revision was made. */
  at: number;
}

/** A message the bot sent, as it is now. */
export interface RecordedMessage {
  message_id: number;
  chat_id: number;
  kind: "text" | "document" | "photo";
  /** What the user sees: text, or caption of a media message, after entity parsing. */
  text: string;
  /** The raw text/caption the bot sent (HTML source when parse_mode was HTML). */
  html: string;
  parse_mode?: string;
  entities: MessageEntity[];
  reply_markup?: unknown;
  /** Inline keyboard button texts by row ([] without an inline keyboard). */
  buttons: string[][];
  document?: RecordedFile;
  photo?: RecordedFile;
  reply_to_message_id?: number;
  /** Number of successful edits. */
  edits: number;
  /** Every version of the message, the first one as sent, the last one current. */
  history: RecordedRevision[];
  deleted: boolean;
  pinned: boolean;
  date: number;
}

export interface RecordedCall {
  method: string;
  /** Parameters as decoded (JSON strings parsed, files shown as { file, size }). */
  params: Record<string, unknown>;
  ok: boolean;
  error_code?: number;
  description?: string;
  result?: unknown;
  /** Clock time in ms (the `now` option). */
  time: number;
}

export interface InjectedError {
  error_code: number;
  description: string;
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export interface FakeStats {
  /** Successful send* calls (messages the bot created). */
  sent: number;
  /** Successful edit* calls. */
  edits: number;
  /** Calls answered 429 (flood limits, or failNext with error_code 429). */
  rateLimited: number;
}

export interface WebhookDeliveryRecord {
  update_id: number;
  attempt: number;
  status?: number;
  error?: string;
  time: number;
}
