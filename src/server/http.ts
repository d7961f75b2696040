import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import { renderMetrics, type Gauge } from "./metrics.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Webhook mode only: where Telegram posts updates, the secret it must present, and where updates go. */
  webhook?: { path: string; secret: string; accept: (body: unknown) => Promise<boolean> } | undefined;
  /** Zalo's webhook: its secret header, and where accepted updates go. */
  zaloWebhook?: { path: string; secret: string; accept: (body: unknown) => Promise<boolean> } | undefined;
  /** Files published for platforms that take links instead of uploads (GET /files/…). */
  files?: { read(path: string): Promise<{ data: Buffer; contentType: string } | undefined> } | undefined;
  isReady: () => Promise<boolean>;
  /** Gauges read at scrape time (outbox and inbox depth). */
  gauges?: () => Promise<Gauge[]>;
  logger: Logger;
}

const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** The request's JSON body; undefined when it is not JSON, "too large" past `limit` bytes. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit * 10) req.destroy(); // a flood: stop reading it
    if (size <= limit) chunks.push(chunk as Buffer); // past the limit the body is read to its end, then refused
  }
  if (size > limit) return "too large";
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The bot's HTTP side: the platforms' webhooks (secret checked, body bounded, stored before the answer), published
 * files, and health: /livez (the process answers), /readyz and /healthz (the database answers too).
 */
export async function startHttpServer(options: HttpOptions): Promise<Server> {
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      options.logger.error({ err: error, url: req.url }, "http request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/metrics") {
      const gauges = options.gauges ? await options.gauges().catch(() => []) : [];
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(renderMetrics(gauges));
      return;
    }
    if (req.method === "GET" && path === "/livez") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      return;
    }
    if (req.method === "GET" && (path === "/healthz" || path === "/readyz")) {
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
    const hooks = [
      options.webhook && { ...options.webhook, header: "x-telegram-bot-api-secret-token", name: "telegram" },
      options.zaloWebhook && { ...options.zaloWebhook, header: "x-bot-api-secret-token", name: "zalo" },
    ];
    const hook = hooks.find((candidate) => candidate && req.method === "POST" && path === candidate.path);
    if (hook) return receiveWebhook(req, res, hook);
    res.writeHead(404).end();
  }

  /** A wrong secret is refused before any work; a body too large or not an update is refused; then it is stored. */
  async function receiveWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    hook: { secret: string; header: string; name: string; accept: (body: unknown) => Promise<boolean> },
  ) {
    if (req.headers[hook.header] !== hook.secret) {
      options.logger.warn({ platform: hook.name, remote: req.socket.remoteAddress }, "webhook call with a wrong secret refused");
      res.writeHead(401).end();
      return;
    }
    const body = await readJson(req, MAX_WEBHOOK_BYTES);
    if (body === "too large") {
      options.logger.warn({ platform: hook.name }, "webhook body refused: larger than 1 MB");
      res.writeHead(413).end();
      return;
    }
    const accepted = body !== undefined && (await hook.accept(body));
    if (!accepted) options.logger.warn({ platform: hook.name }, "webhook body refused: not an update");
    res.writeHead(accepted ? 200 : 400, { "content-type": "application/json" }).end(JSON.stringify({ ok: accepted }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
