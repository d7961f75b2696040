import type { Platform } from "../domain/cells.js";

/**
 * What a chat platform can do, declared once. Flows are written for Telegram's richer model; a platform that lacks
 * a capability gets it emulated by its transport (numbered replies for buttons, fresh posts for edits) or a flow
 * asks here and takes the simpler path (no live tally edits, links instead of uploads).
 */
export interface Capabilities {
  platform: Platform;
  /** Inline keyboards and callback queries. */
  buttons: boolean;
  /** Editing a sent message in place (the live tally). */
  edits: boolean;
  /** Uploading files (minutes DOCX, XLSX, .ics, chart PNG). */
  uploads: boolean;
  /** Asking the platform who administers a group. */
  chatAdmins: boolean;
  /** Replies carry the message they answer; otherwise prompts also carry a code the member can repeat. */
  reliableReplies: boolean;
  /** Links that open the private chat with the bot at a command (t.me/bot?start=…). */
  deepLinks: boolean;
  maxMessageLength: number;
  /** What the platform lets one bot send; every instance shares these budgets (see rate-budget.ts). */
  limits: { perBot: Rate; perGroup: Rate; perPrivateChat: Rate };
}

/** At most `count` sends in any rolling `windowMs`. */
export interface Rate {
  count: number;
  windowMs: number;
}

export const TELEGRAM: Capabilities = {
  platform: "telegram",
  buttons: true,
  edits: true,
  uploads: true,
  chatAdmins: true,
  reliableReplies: true,
  deepLinks: true,
  maxMessageLength: 4096,
  // about 30 messages a second per bot, 20 a minute per group (sends and edits), 1 a second per private chat; a
  // little short of each, because a send booked for a moment reaches Telegram a few ms late, more under load
  limits: {
    perBot: { count: 28, windowMs: 1_000 },
    perGroup: { count: 19, windowMs: 60_000 },
    perPrivateChat: { count: 1, windowMs: 1_000 },
  },
};

export const ZALO: Capabilities = {
  platform: "zalo",
  buttons: false,
  edits: false,
  uploads: false,
  chatAdmins: false,
  reliableReplies: false,
  deepLinks: false,
  maxMessageLength: 2000,
  // Zalo publishes no numbers beyond "429 Quota exceeded": Telegram's are a cautious guess
  limits: TELEGRAM.limits,
};

export const CAPABILITIES: Record<Platform, Capabilities> = { telegram: TELEGRAM, zalo: ZALO };
