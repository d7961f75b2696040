/** The Bot API methods the fake serves, with the validation the platform documents. */
import { badRequest, forbidden, pollTimeout, quotaExceeded } from "./errors.js";
import type { UpdateHub } from "./delivery.js";
import type { FakeZaloQuota, FakeZaloStats } from "./types.js";
import type { ChatRecord, StoredMessage, World } from "./world.js";

export const MAX_TEXT = 2000;
const MAX_URL = 2048;
const QUOTA_WINDOW_MS = 60_000;

/** What handlers see of the fake. */
export interface Sim {
  world: World;
  hub: UpdateHub;
  now: () => number;
  botId: string;
  botName: string;
  maxPollMs: number;
  allowHttpWebhook: boolean;
  quota: FakeZaloQuota;
  stats: FakeZaloStats;
  /** Sends accepted so far (for quota.total). */
  sends: number;
}

export type Params = Record<string, unknown>;
/** Returns the `result` of the envelope (undefined: `{ ok: true }` alone). */
export type Handler = (sim: Sim, params: Params, signal: AbortSignal) => unknown;

function requiredString(params: Params, name: string): string {
  const v = params[name];
  if (v === undefined || v === null) throw badRequest(`${name} is required`);
  if (typeof v !== "string") throw badRequest(`${name} must be a string`);
  return v;
}

function optionalString(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(`${name} must be a string`);
  return v;
}

/** Length in UTF-16 code units: stricter than code points, so a client splitting by it is safe either way. */
function checkLength(name: string, value: string): void {
  if (value.length < 1 || value.length > MAX_TEXT) {
    throw badRequest(`${name} must be 1 to ${MAX_TEXT} characters, got ${value.length}`);
  }
}

function httpUrl(name: string, value: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`${name} is not a valid URL`);
  }
  if (value.length > MAX_URL) throw badRequest(`${name} is too long`);
  if (url.protocol === "https:" || (allowHttp && url.protocol === "http:")) return url;
  throw badRequest(`${name} must be an ${allowHttp ? "HTTP(S)" : "HTTPS"} URL`);
}

/** The chat a bot call targets, enforcing who the bot may write to. */
function targetChat(sim: Sim, params: Params): ChatRecord {
  const chatId = requiredString(params, "chat_id");
  const chat = sim.world.chats.get(chatId);
  if (chat?.type === "GROUP") {
    if (!chat.botPresent) throw forbidden("the bot is not a member of this group");
    return chat;
  }
  const user = sim.world.users.get(chatId);
  if (user === undefined) throw badRequest("chat not found");
  if (!user.wroteToBot) throw forbidden("the user has not sent a message to the bot yet");
  return sim.world.privateChat(chatId);
}

function checkQuota(sim: Sim, chat: ChatRecord): void {
  const now = sim.now();
  chat.sendTimes = chat.sendTimes.filter((t) => t > now - QUOTA_WINDOW_MS);
  const { perMinutePerChat, total } = sim.quota;
  const exceeded =
    (perMinutePerChat !== undefined && chat.sendTimes.length >= perMinutePerChat) || (total !== undefined && sim.sends >= total);
  if (exceeded) {
    sim.stats.quotaExceeded++;
    throw quotaExceeded();
  }
}

function botSend(sim: Sim, chat: ChatRecord, content: Omit<StoredMessage, "message_id" | "from" | "date">): unknown {
  checkQuota(sim, chat);
  const date = sim.now();
  const message: StoredMessage = { message_id: sim.world.newId("message"), from: "bot", date, ...content };
  chat.messages.push(message);
  chat.sendTimes.push(date);
  sim.sends++;
  return { message_id: message.message_id, date };
}

export const HANDLERS: Readonly<Record<string, Handler>> = {
  getMe: (sim) => ({ id: sim.botId, account_name: sim.botName, account_type: "BASIC", can_join_groups: true }),

  getUpdates: async (sim, params, signal) => {
    const raw = params["timeout"];
    let seconds = 30;
    if (typeof raw === "string" && /^\d{1,5}$/.test(raw)) seconds = Number(raw);
    else if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) seconds = raw;
    else if (raw !== undefined) throw badRequest("timeout must be a number of seconds");
    const update = await sim.hub.getUpdates(Math.min(seconds * 1000, sim.maxPollMs), signal);
    if (update === undefined) throw pollTimeout();
    return update;
  },

  setWebhook: (sim, params) => {
    const url = requiredString(params, "url");
    httpUrl("url", url, sim.allowHttpWebhook);
    const secret = requiredString(params, "secret_token");
    if (secret.length < 8 || secret.length > 256) throw badRequest("secret_token must be 8 to 256 characters");
    const hook = sim.hub.setWebhook(url, secret);
    return { url: hook.url, updated_at: hook.updatedAt };
  },

  deleteWebhook: (sim) => {
    sim.hub.deleteWebhook();
    return { url: "", updated_at: sim.hub.webhookUpdatedAt };
  },

  getWebhookInfo: (sim) => ({ url: sim.hub.webhook?.url ?? "", updated_at: sim.hub.webhookUpdatedAt }),

  sendMessage: (sim, params) => {
    const text = requiredString(params, "text");
    checkLength("text", text);
    const parseMode = optionalString(params, "parse_mode");
    if (parseMode !== undefined && parseMode !== "markdown" && parseMode !== "html") {
      throw badRequest('parse_mode must be "markdown" or "html"');
    }
    const chat = targetChat(sim, params);
    return botSend(sim, chat, { kind: "text", text, ...(parseMode === undefined ? {} : { parse_mode: parseMode }) });
  },

  sendPhoto: (sim, params) => {
    const photo = requiredString(params, "photo");
    httpUrl("photo", photo, true);
    const caption = optionalString(params, "caption");
    if (caption !== undefined) checkLength("caption", caption);
    const chat = targetChat(sim, params);
    return botSend(sim, chat, { kind: "image", photo, ...(caption === undefined ? {} : { caption }) });
  },

  sendSticker: (sim, params) => {
    const sticker = requiredString(params, "sticker");
    if (sticker === "") throw badRequest("sticker must not be empty");
    const chat = targetChat(sim, params);
    return botSend(sim, chat, { kind: "sticker", sticker });
  },

  sendChatAction: (sim, params) => {
    const action = requiredString(params, "action");
    if (action !== "typing" && action !== "upload_photo") throw badRequest('action must be "typing" or "upload_photo"');
    targetChat(sim, params);
    return undefined;
  },
};
