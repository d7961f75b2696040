/**
 * A small client for the Zalo Bot Platform HTTP API (bot-api.zaloplatforms.com), written for Chibo.
 *
 * Every call is `POST ${apiRoot}/bot${token}/${method}` with a JSON body; the answer is the envelope
 * `{ ok, result?, description?, error_code? }`. A call succeeds only when the HTTP status is 2xx AND `ok` is true.
 *
 * Errors:
 * - `ZaloApiError`: the platform answered and refused (errorCode = `error_code`, else the HTTP status). A quota refusal
 *   is errorCode 429. An answer that is not the JSON envelope at all is errorCode 502.
 * - `ZaloNetworkError` (a distinct class, NOT a ZaloApiError): no answer came back (connection refused or reset,
 *   DNS failure, timeout, or the caller aborted). Whether the platform acted on such a request is unknown, so a
 *   retried send may reach the chat twice.
 * Neither error message contains the token.
 */
import { parseZaloWebhookBody } from "./updates.js";

export interface ZaloUser {
  id: string;
  display_name: string;
  is_bot: boolean;
}

export type ZaloChatType = "PRIVATE" | "GROUP";

export interface ZaloChat {
  id: string;
  chat_type: ZaloChatType;
}

export interface ZaloMessage {
  message_id: string;
  /** Milliseconds since the epoch. */
  date: number;
  text?: string;
  /** URL of the image. */
  photo?: string;
  caption?: string;
  sticker?: string;
  url?: string;
  from: ZaloUser;
  chat: ZaloChat;
  /** The message this one answers, when the platform says so (it may not). */
  reply_to_message?: { message_id: string };
}

export interface ZaloUpdate {
  /** e.g. "message.text.received", "message.image.received", "message.unsupported.received". */
  event_name: string;
  message: ZaloMessage;
}

export interface ZaloBotInfo {
  id: string;
  account_name: string;
  account_type: string;
  can_join_groups: boolean;
}

export interface ZaloWebhookInfo {
  /** "" when no webhook is set. */
  url: string;
  /** Milliseconds since the epoch, when the platform says. */
  updated_at?: number;
}

export interface ZaloSentMessage {
  /** "" only if the platform accepted the message but returned no id. */
  message_id: string;
  /** Milliseconds since the epoch (the local clock if the platform returned no date). */
  date: number;
}

export type ZaloParseMode = "html" | "markdown";

export interface ZaloClientOptions {
  token: string;
  /** Default https://bot-api.zaloplatforms.com (no trailing slash needed). */
  apiRoot?: string;
  fetch?: typeof fetch;
  /** Per-call timeout in ms (default 20 000); getUpdates waits its long-poll time on top of it. */
  timeoutMs?: number;
}

export const ZALO_API_ROOT = "https://bot-api.zaloplatforms.com";
const DEFAULT_TIMEOUT_MS = 20_000;

/** The platform refused a call (or answered something that is not its envelope: errorCode 502). */
export class ZaloApiError extends Error {
  readonly errorCode: number;
  readonly description: string;
  readonly method: string;

  constructor(method: string, errorCode: number, description: string) {
    super(`Zalo ${method} failed: ${errorCode} ${description}`);
    this.name = "ZaloApiError";
    this.method = method;
    this.errorCode = errorCode;
    this.description = description;
  }
}

export type ZaloNetworkFailure = "network" | "timeout" | "aborted";

/** No answer came back: `kind` says whether the connection failed, the call timed out or the caller aborted it. */
export class ZaloNetworkError extends Error {
  readonly method: string;
  readonly kind: ZaloNetworkFailure;

  constructor(method: string, kind: ZaloNetworkFailure, detail: string, options?: { cause?: unknown }) {
    super(`Zalo ${method} got no answer (${kind}): ${detail}`, options);
    this.name = "ZaloNetworkError";
    this.method = method;
    this.kind = kind;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An id as a string: strings as they are, safe integers converted; anything else undefined. */
function idString(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d{1,16}$/.test(v)) return Number(v);
  return undefined;
}

function causeText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}

export class ZaloClient {
  private readonly token: string;
  private readonly apiRoot: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ZaloClientOptions) {
    if (options.token === "") throw new Error("ZaloClient: token is empty");
    this.token = options.token;
    this.apiRoot = (options.apiRoot ?? ZALO_API_ROOT).replace(/\/+$/, "");
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async getMe(): Promise<ZaloBotInfo> {
    const r = await this.call("getMe", {});
    const result = isObject(r) ? r : {};
    return {
      id: idString(result["id"]) ?? "",
      account_name: typeof result["account_name"] === "string" ? result["account_name"] : "",
      account_type: typeof result["account_type"] === "string" ? result["account_type"] : "",
      can_join_groups: result["can_join_groups"] === true,
    };
  }

  /**
   * Long-polls for ONE update. Resolves null when nothing came within the timeout (the platform's 408).
   * Rejects with ZaloApiError while a webhook is set, and with errorCode 502 for an update it cannot read.
   */
  async getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<ZaloUpdate | null> {
    const seconds = Math.max(0, Math.floor(timeoutSeconds));
    let result: unknown;
    try {
      result = await this.call("getUpdates", { timeout: String(seconds) }, { extraMs: seconds * 1000, signal });
    } catch (err) {
      if (err instanceof ZaloApiError && err.errorCode === 408) return null;
      throw err;
    }
    if (result === undefined || result === null) return null;
    const update = parseZaloWebhookBody(result);
    if (update === undefined) throw new ZaloApiError("getUpdates", 502, "Malformed update in the getUpdates answer");
    return update;
  }

  async setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo> {
    return webhookInfo(await this.call("setWebhook", { url, secret_token: secretToken }));
  }

  async deleteWebhook(): Promise<ZaloWebhookInfo> {
    return webhookInfo(await this.call("deleteWebhook", {}));
  }

  async getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return webhookInfo(await this.call("getWebhookInfo", {}));
  }

  async sendMessage(chatId: string, text: string, parseMode?: ZaloParseMode): Promise<ZaloSentMessage> {
    const params: Json = { chat_id: chatId, text };
    if (parseMode !== undefined) params["parse_mode"] = parseMode;
    return sentMessage(await this.call("sendMessage", params));
  }

  /** `photoUrl` must be an http(s) URL the platform can fetch (no uploads). */
  async sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<ZaloSentMessage> {
    const params: Json = { chat_id: chatId, photo: photoUrl };
    if (caption !== undefined) params["caption"] = caption;
    return sentMessage(await this.call("sendPhoto", params));
  }

  async sendSticker(chatId: string, sticker: string): Promise<ZaloSentMessage> {
    return sentMessage(await this.call("sendSticker", { chat_id: chatId, sticker }));
  }

  async sendChatAction(chatId: string, action: "typing" | "upload_photo" = "typing"): Promise<void> {
    await this.call("sendChatAction", { chat_id: chatId, action });
  }

  /** POSTs one method call and returns `result` (undefined when the envelope has none). */
  private async call(method: string, params: Json, opts: { extraMs?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    const limitMs = this.timeoutMs + (opts.extraMs ?? 0);
    const timeout = AbortSignal.timeout(limitMs);
    const signal = opts.signal === undefined ? timeout : AbortSignal.any([timeout, opts.signal]);
    let status: number;
    let text: string;
    try {
      const res = await this.fetchFn(`${this.apiRoot}/bot${this.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted === true) throw new ZaloNetworkError(method, "aborted", "aborted by the caller", { cause: err });
      if (timeout.aborted) throw new ZaloNetworkError(method, "timeout", `no answer within ${limitMs} ms`, { cause: err });
      throw new ZaloNetworkError(method, "network", this.redact(causeText(err)), { cause: err });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const httpOk = status >= 200 && status < 300;
    if (!isObject(body) || typeof body["ok"] !== "boolean") {
      const snippet = this.redact(text.slice(0, 200)).trim();
      throw new ZaloApiError(method, httpOk ? 502 : status, `Unexpected answer (HTTP ${status}): ${snippet || "(empty)"}`);
    }
    if (httpOk && body["ok"] === true) return body["result"];
    const code = numberOf(body["error_code"]) ?? (httpOk ? 500 : status);
    const description = typeof body["description"] === "string" ? this.redact(body["description"]) : `HTTP ${status}`;
    throw new ZaloApiError(method, code, description);
  }

  private redact(s: string): string {
    return s.split(this.token).join("<token>");
  }
}

function webhookInfo(result: unknown): ZaloWebhookInfo {
  const r = isObject(result) ? result : {};
  const info: ZaloWebhookInfo = { url: typeof r["url"] === "string" ? r["url"] : "" };
  const updated = numberOf(r["updated_at"]);
  if (updated !== undefined) info.updated_at = updated;
  return info;
}

/** Never throws: the platform already accepted the message, so a retry would send it twice. */
function sentMessage(result: unknown): ZaloSentMessage {
  const r = isObject(result) ? result : {};
  return { message_id: idString(r["message_id"]) ?? "", date: numberOf(r["date"]) ?? Date.now() };
}
