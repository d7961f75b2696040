import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { BotContext } from "../bot/context.js";
import type { Logger } from "../logger.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Webhook mode only: where Telegram posts updates, and the secret it must present. */
  webhook?: { path: string; secret: string } | undefined;
  /** Zalo's webhook: its secret header, and where accepted updates go. */
  zaloWebhook?: { path: string; secret: string; accept: (body: unknown) => boolean } | undefined;
  /** Files published for platforms that take links instead of uploads (GET /files/…). */
  files?: { read(path: string): Promise<{ data: Buffer; contentType: string } | undefined> } | undefined;
  isReady: () => Promise<boolean>;
  logger: Logger;
}

const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** The request's JSON body, or undefined when it is not JSON or is larger than `limit` bytes. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
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
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/healthz") {
      const ready = await options.isReady();
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ok: ready }));
      return;
    }
    if (req.method === "GET" && options.files && path.startsWith("/files/")) {
      const file = await options.files.read(path);
      if (!file) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": file.contentType, "content-length": file.data.length }).end(file.data);
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
    const zalo = options.zaloWebhook;
    if (zalo && req.method === "POST" && path === zalo.path) {
      if (req.headers["x-bot-api-secret-token"] !== zalo.secret) {
        options.logger.warn({ remote: req.socket.remoteAddress }, "zalo webhook call with a wrong secret refused");
        res.writeHead(401).end();
        return;
      }
      const body = await readJson(req, MAX_WEBHOOK_BYTES);
      const accepted = body !== undefined && zalo.accept(body);
      if (!accepted) options.logger.warn("zalo webhook body refused: not an update");
      res.writeHead(accepted ? 200 : 400, { "content-type": "application/json" }).end(JSON.stringify({ ok: accepted }));
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
