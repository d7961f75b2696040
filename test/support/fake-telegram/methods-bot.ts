/** Bot identity and settings (getMe, commands, descriptions) and update delivery (getUpdates, webhooks). */
import type { BotCommand } from "grammy/types";
import { badRequest } from "./errors.js";
import type { Handler } from "./handler.js";
import type { Params } from "./http-body.js";
import { textLength } from "./html.js";
import { bool, isRecord, optArr, optInt, optObj, optStr, str } from "./params.js";
import type { Simulation } from "./sim.js";

// ------------------------------------------------------------------ identity

const getMe: Handler = (sim) => ({
  id: sim.opts.bot.id,
  is_bot: true,
  first_name: sim.opts.bot.first_name,
  username: sim.opts.bot.username,
  can_join_groups: true,
  can_read_all_group_messages: !sim.opts.privacyMode,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
});

// ------------------------------------------------------------------ commands

/** Storage key of a BotCommandScope; the same scope written differently maps to the same key. */
export function scopeKey(sim: Simulation, scope: Record<string, unknown> | undefined): string {
  const type = typeof scope?.["type"] === "string" ? scope["type"] : "default";
  if (type !== "chat" && type !== "chat_administrators" && type !== "chat_member") return type;
  const chat = sim.readableChat(scope?.["chat_id"]);
  if (type !== "chat_member") return `${type}:${chat.id}`;
  const userId = scope?.["user_id"];
  if (typeof userId !== "number") throw badRequest("user_id is empty");
  return `${type}:${chat.id}:${userId}`;
}

function languageCode(p: Params): string {
  const lang = optStr(p, "language_code") ?? "";
  if (lang !== "" && !/^[a-z]{2}$/.test(lang)) throw badRequest("invalid language code specified");
  return lang;
}

export function commandsKey(scope: string, lang: string): string {
  return `${scope}|${lang}`;
}

function checkCommands(list: unknown[]): BotCommand[] {
  if (list.length > 100) throw badRequest("too many commands specified");
  return list.map((c) => {
    const command = isRecord(c) && typeof c["command"] === "string" ? c["command"] : "";
    const description = isRecord(c) && typeof c["description"] === "string" ? c["description"] : "";
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (description.trim() === "") throw badRequest("command description is empty");
    if (textLength(description) > 256) throw badRequest("command description is too long");
    return { command, description };
  });
}

const setMyCommands: Handler = (sim, p) => {
  const commands = checkCommands(optArr(p, "commands") ?? []);
  const key = commandsKey(scopeKey(sim, optObj(p, "scope")), languageCode(p));
  if (commands.length === 0) sim.commands.delete(key);
  else sim.commands.set(key, commands);
  return true;
};

const getMyCommands: Handler = (sim, p) =>
  sim.commands.get(commandsKey(scopeKey(sim, optObj(p, "scope")), languageCode(p))) ?? [];

const deleteMyCommands: Handler = (sim, p) => {
  sim.commands.delete(commandsKey(scopeKey(sim, optObj(p, "scope")), languageCode(p)));
  return true;
};

// ------------------------------------------------------------------ descriptions and name

function textSetting(store: (sim: Simulation) => Map<string, string>, param: string, max: number): Handler {
  return (sim, p) => {
    const value = optStr(p, param) ?? "";
    if (textLength(value) > max) throw badRequest(`${param} is too long`);
    const lang = languageCode(p);
    if (value === "") store(sim).delete(lang);
    else store(sim).set(lang, value);
    return true;
  };
}

function textGetter(
  store: (sim: Simulation) => Map<string, string>,
  field: string,
  fallback: (sim: Simulation) => string = () => "",
): Handler {
  return (sim, p) => ({ [field]: store(sim).get(languageCode(p)) ?? store(sim).get("") ?? fallback(sim) });
}

// ------------------------------------------------------------------ updates

const getUpdates: Handler = (sim, p, signal) => {
  const allowed = optArr(p, "allowed_updates")?.filter((x): x is string => typeof x === "string");
  const params = {
    offset: optInt(p, "offset"),
    limit: optInt(p, "limit"),
    timeout: optInt(p, "timeout"),
    allowed_updates: allowed,
  };
  return sim.hub.getUpdates(params, signal);
};

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest("bad webhook: Failed to parse webhook URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  if (!LOCAL_HOSTS.has(url.hostname)) {
    if (url.protocol === "http:") throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    throw badRequest(`bad webhook: the fake Telegram server only delivers to 127.0.0.1 or localhost, not ${url.hostname}`);
  }
  return url.toString();
}

const setWebhook: Handler = (sim, p) => {
  const raw = str(p, "url");
  if (raw === "") {
    sim.hub.deleteWebhook(bool(p, "drop_pending_updates"));
    return true;
  }
  const url = checkWebhookUrl(raw);
  const secret = optStr(p, "secret_token");
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw badRequest("secret token contains unallowed characters");
  const maxConnections = optInt(p, "max_connections") ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: max_connections must be between 1 and 100");
  const allowed = optArr(p, "allowed_updates")?.filter((x): x is string => typeof x === "string");
  sim.hub.setWebhook(
    {
      url,
      maxConnections,
      ...(secret === undefined ? {} : { secretToken: secret }),
      ...(allowed === undefined ? {} : { allowedUpdates: allowed }),
    },
    bool(p, "drop_pending_updates"),
  );
  return true;
};

const deleteWebhook: Handler = (sim, p) => {
  sim.hub.deleteWebhook(bool(p, "drop_pending_updates"));
  return true;
};

const getWebhookInfo: Handler = (sim) => {
  const hook = sim.hub.webhook;
  const info: Record<string, unknown> = {
    url: hook?.url ?? "",
    has_custom_certificate: false,
    pending_update_count: sim.hub.pendingCount,
  };
  if (hook === undefined) return info;
  info["ip_address"] = "127.0.0.1";
  info["max_connections"] = hook.maxConnections;
  if (hook.allowedUpdates !== undefined) info["allowed_updates"] = hook.allowedUpdates;
  if (hook.lastErrorDate !== undefined) info["last_error_date"] = hook.lastErrorDate;
  if (hook.lastErrorMessage !== undefined) info["last_error_message"] = hook.lastErrorMessage;
  return info;
};

export const BOT_HANDLERS: Record<string, Handler> = {
  getMe,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setMyDescription: textSetting((s) => s.descriptions, "description", 512),
  getMyDescription: textGetter((s) => s.descriptions, "description"),
  setMyShortDescription: textSetting((s) => s.shortDescriptions, "short_description", 120),
  getMyShortDescription: textGetter((s) => s.shortDescriptions, "short_description"),
  setMyName: textSetting((s) => s.names, "name", 64),
  getMyName: textGetter(
    (s) => s.names,
    "name",
    (s) => s.opts.bot.first_name,
  ),
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
};
