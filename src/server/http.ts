import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { BotContext } from "../bot/context.js";
import type { Logger } from "../logger.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Webhook mode only: where Telegram posts updates, and the secret it must present. */
  webhook?: { path: string; secret: string } | undefined;
  isReady: () => Promise<boolean>;
  logger: Logger;
}

/** The bot's HTTP side: Telegram's webhook (with its secret checked) and /healthz. */
export async function startHttpServer(bot: Bot<BotContext>, options: HttpOptions): Promise<Server> {
  const handleUpdate = options.webhook
    ? webhookCallback(bot, "http", { secretToken: options.webhook.secret, onTimeout: "return", timeoutMilliseconds: 55_000 })
    : undefined;
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      options.logger.error({ err: error, url: req.url }, "http request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const ready = await options.isReady();
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ok: ready }));
      return;
    }
    const webhook = options.webhook;
    if (handleUpdate && webhook && req.method === "POST" && path === webhook.path) {
      if (req.headers["x-telegram-bot-api-secret-token"] !== webhook.secret) {
        options.logger.warn({ remote: req.socket.remoteAddress }, "webhook call with a wrong secret refused");
        res.writeHead(401).end();
        return;
      }
      await handleUpdate(req, res);
      return;
    }
    res.writeHead(404).end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
