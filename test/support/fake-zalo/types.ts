/** Public types of the fake Zalo Bot API server. */
import type { ZaloUpdate } from "../../../src/channels/zalo/client.js";

export type { ZaloUpdate };

export type WebhookShape = "envelope" | "bare";

export interface FakeZaloOptions {
  /** `<bot_id>:<secret>`; default "1459232241454765289:fake-zalo-secret". botId is the part before ":". */
  token?: string;
  /** The bot's account_name, which members @mention in groups (case-insensitive). Default "Chibo". */
  botName?: string;
  /** Whether member replies forwarded to the bot carry `reply_to_message: { message_id }` (default true). */
  replyIds?: boolean;
  /** Caps every getUpdates long poll, whatever timeout was asked, so tests stay fast (default 1000 ms). */
  maxPollMs?: number;
  /** Body of webhook POSTs: always one shape, or "alternate" (bare first, then envelope, ...). Default "alternate". */
  webhookShape?: WebhookShape | "alternate";
  /** Accept http:// webhook urls (tests serve webhooks on http://127.0.0.1). Default false: https only. */
  allowHttpWebhook?: boolean;
  /** sends (sendMessage/sendPhoto/sendSticker) beyond these answer 429 "Quota exceeded". */
  quota?: FakeZaloQuota;
  /** Millisecond clock for message dates and the quota window. Default Date.now. */
  now?: () => number;
  /** How long a webhook POST may take before it counts as failed (default 10 000 ms). */
  webhookTimeoutMs?: number;
}

export interface FakeZaloQuota {
  /** Accepted sends per chat in any rolling 60 s. */
  perMinutePerChat?: number;
  /** Accepted sends in all (a monthly quota that runs out during the test). */
  total?: number;
}

export interface FakeZaloUser {
  readonly id: string;
  readonly display_name: string;
}

export type FakeZaloChatType = "PRIVATE" | "GROUP";

export interface FakeZaloChat {
  readonly id: string;
  readonly chat_type: FakeZaloChatType;
  /** Groups only. */
  readonly title?: string;
}

/** A chat to act in or observe: a chat, a user (their private chat with the bot), or a chat id. */
export type ZaloChatRef = FakeZaloChat | FakeZaloUser | string;

export interface RecordedZaloMessage {
  message_id: string;
  /** "bot", or the member's user id. */
  from: "bot" | string;
  kind: "text" | "image" | "sticker" | "unsupported";
  text?: string;
  photo?: string;
  caption?: string;
  sticker?: string;
  /** Bot messages: the parse_mode it asked for. */
  parse_mode?: string;
  /** Member messages: the message they replied to. */
  reply_to?: string;
  /** Milliseconds. */
  date: number;
  /** Member messages: whether the platform handed it to the bot. */
  forwarded?: boolean;
}

export interface RecordedZaloCall {
  method: string;
  /** The JSON body as received. */
  params: Record<string, unknown>;
  ok: boolean;
  error_code?: number;
  description?: string;
  /** Set when the connection was destroyed instead of answering (dropNext). */
  dropped?: "before" | "after";
  result?: unknown;
  time: number;
}

export interface WebhookDelivery {
  message_id: string;
  event_name: string;
  shape: WebhookShape;
  url: string;
  /** Whether this was a replay (replayLast / replay). */
  replay: boolean;
  status?: number;
  error?: string;
  time: number;
}

export interface InjectedFailure {
  errorCode: number;
  /** Default: the usual description for that code ("Quota exceeded" for 429). */
  description?: string;
  /** How many calls fail (default 1). */
  count?: number;
  /** Let this many calls through first (default 0): fail a message's second part, say. */
  after?: number;
}

export interface DropOptions {
  /** How many calls lose their connection (default 1). */
  count?: number;
  /**
   * true: the call takes effect (a message is sent, an update is handed out) and only the answer is lost.
   * false (default): the connection is destroyed before anything happens.
   */
  processed?: boolean;
}

export interface MemberMessageOptions {
  /** message_id of the message this one replies to (in the same chat). */
  replyTo?: string;
}

export interface FakeZaloStats {
  /** 429 answers of any origin (quota or failNext). */
  rateLimited: number;
  /** 429 answers because of the `quota` option. */
  quotaExceeded: number;
  /** Calls answered with a failNext error. */
  injectedFailures: number;
  /** Connections destroyed by dropNext. */
  droppedConnections: number;
}
