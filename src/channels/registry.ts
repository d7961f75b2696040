import type { Api } from "grammy";
import type { Platform } from "../domain/cells.js";
import { CAPABILITIES, type Capabilities } from "./capabilities.js";

export interface Channel {
  /** The bot's API, with auto-retry: what flows use. */
  api: Api;
  /** The same API without auto-retry: the outbox sender handles 429s itself, so it must see them. */
  direct: Api;
}

/** The Bot API (or its emulation) of every platform this process serves, so any flow can post to any bound chat. */
export class Channels {
  private readonly channels = new Map<Platform, Channel>();

  register(platform: Platform, channel: Channel): void {
    this.channels.set(platform, channel);
  }

  has(platform: string): boolean {
    return this.channels.has(platform as Platform);
  }

  api(platform: string): Api {
    return this.channel(platform).api;
  }

  direct(platform: string): Api {
    return this.channel(platform).direct;
  }

  capabilities(platform: string): Capabilities {
    return CAPABILITIES[platform as Platform] ?? CAPABILITIES.telegram;
  }

  platforms(): Platform[] {
    return [...this.channels.keys()];
  }

  private channel(platform: string): Channel {
    const channel = this.channels.get(platform as Platform);
    if (!channel) throw new Error(`this process does not serve ${platform}`);
    return channel;
  }
}

/** A stored chat id as the platform's API wants it: Telegram's are numbers, Zalo's opaque strings. */
export function chatRef(platform: string, chatId: string): number {
  // grammY types every chat id as a number; Zalo's hex ids pass through the Zalo transport untouched.
  return (platform === "telegram" ? Number(chatId) : chatId) as number;
}

/** The platforms this configuration serves: Telegram always, Zalo when its token is set. */
export function servedPlatforms(config: { zalo?: unknown }): Platform[] {
  return config.zalo ? ["telegram", "zalo"] : ["telegram"];
}
