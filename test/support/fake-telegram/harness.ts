/** Small helpers to run a real grammY bot against the fake in either delivery mode. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { webhookCallback, type Bot, type Context, type PollingOptions } from "grammy";

export interface RunningBot {
  /** Stops receiving updates and waits until the bot is idle. */
  stop(): Promise<void>;
}

/** Starts long polling and resolves once the bot is initialised and polling. */
export async function runPolling<C extends Context>(bot: Bot<C>, options: PollingOptions = {}): Promise<RunningBot> {
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const running = bot.start({
    ...options,
    onStart: async (info) => {
      onStarted();
      await options.onStart?.(info);
    },
  });
  await Promise.race([started, running]);
  return {
    async stop() {
      if (bot.isRunning()) await bot.stop();
      await running;
    },
  };
}

export interface RunningWebhook extends RunningBot {
  url: string;
}

/**
 * Serves `webhookCallback(bot, "http")` on 127.0.0.1 and registers it with setWebhook.
 * A middleware error answers 500, so Telegram (the fake) retries the update.
 */
export async function runWebhook<C extends Context>(
  bot: Bot<C>,
  options: { secretToken?: string; path?: string } = {},
): Promise<RunningWebhook> {
  const handle = webhookCallback(bot, "http", options.secretToken === undefined ? {} : { secretToken: options.secretToken });
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.path ?? "/telegram/webhook"}`;
  await bot.api.setWebhook(url, options.secretToken === undefined ? {} : { secret_token: options.secretToken });
  return {
    url,
    async stop() {
      await bot.api.deleteWebhook();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
