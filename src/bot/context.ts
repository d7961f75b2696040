import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Config, Locale } from "../config.js";
import type { Db } from "../db/client.js";
import type { ChatBinding, Cell, Committee, PlatformIdentity } from "../db/generated/sqlite/client.js";
import type { Actor } from "../domain/audit.js";
import type { Translate, Translations } from "../i18n.js";
import type { Logger } from "../logger.js";
import type { Capabilities } from "../channels/capabilities.js";
import type { Channels } from "../channels/registry.js";
import type { RateBudgets } from "../channels/rate-budget.js";
import type { Platform } from "../domain/cells.js";

export interface BotDeps {
  db: Db;
  config: Config;
  translations: Translations;
  logger: Logger;
  now: () => Date;
  /** Every platform this process serves, to post to any chat bound to a cell. */
  channels: Channels;
  /** Send budgets shared by every instance (Telegram's per-group and per-bot limits). */
  budgets: RateBudgets;
}

export type BoundChat = ChatBinding & { cell: Cell | null; committee: Committee | null };

export interface ChiboFlavor {
  deps: BotDeps;
  /** The platform this update came from, and what it can do. */
  platform: Platform;
  capabilities: Capabilities;
  t: Translate;
  locale: Locale;
  log: Logger;
  /** The sender's chat account; null for updates without a sender. */
  identity: PlatformIdentity | null;
  /** What the current chat is bound to (a cell or a committee), if anything. */
  binding: BoundChat | null;
  actor: Actor;
  isOperator: boolean;
}

/** The context inside conversations: the same enrichment, without the conversation control. */
export type ChiboContext = Context & ChiboFlavor;
export type BotContext = ChiboContext & ConversationFlavor<ChiboContext>;
