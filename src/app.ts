import { Api } from "grammy";
import type { AddressInfo } from "node:net";
import { createBot } from "./bot/create-bot.js";
import type { BotDeps } from "./bot/context.js";
import { publishCommandMenus } from "./bot/commands.js";
import type { Config } from "./config.js";
import { openDatabase, redactUrl, type Database } from "./db/client.js";
import { createTranslations } from "./i18n.js";
import type { Logger } from "./logger.js";
import { startHttpServer } from "./server/http.js";
import { hostname } from "node:os";
import { runJobs, startScheduler } from "./jobs/scheduler.js";
import { OutboxSender, type DrainResult } from "./jobs/sender.js";
import { Channels } from "./channels/registry.js";
import { ZaloClient } from "./channels/zalo/client.js";
import { ZaloReceiver } from "./channels/zalo/receiver.js";
import { ZaloTransport, type FileLinks } from "./channels/zalo/transport.js";
import { PublicFiles } from "./server/public-files.js";
import { TallyRefresher } from "./bot/tally-refresher.js";

export interface App {
  database: Database;
  /** One scheduler tick and one outbox drain, as the timers do (tests call these with an injected clock). */
  runJobsNow(): Promise<Record<string, number>>;
  drainOutbox(): Promise<DrainResult>;
  /** The HTTP port actually bound (webhook mode), useful when HTTP_PORT=0. */
  httpPort: number | undefined;
  stop(): Promise<void>;
}

/** Knobs tests turn; production uses the defaults. */
export interface AppTuning {
  /** How long short replies in a Zalo group are gathered into one message. */
  zaloBatchMs?: number;
  /** Zalo's long poll, in seconds. */
  zaloPollSeconds?: number;
}

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"] as const;

/** Start-up order: database (migrated) → bot → command menus → updates (polling or webhook + /healthz). */
export async function startApp(
  config: Config,
  logger: Logger,
  now: () => Date = () => new Date(),
  tuning: AppTuning = {},
): Promise<App> {
  const started = Date.now();
  const database = await openDatabase(config.databaseUrl);
  logger.info(
    { database: redactUrl(config.databaseUrl), provider: database.provider, migrations: database.migration },
    "database ready",
  );
  const translations = await createTranslations(config.defaultLocale);
  const channels = new Channels();
  const deps = { db: database.db, config, translations, logger, now, channels };
  const tally = new TallyRefresher(deps);
  const { bot, flush } = createBot(deps, { platform: "telegram", tally });
  channels.register("telegram", { api: bot.api, direct: new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot }) });
  await bot.init();
  const files = config.publicBaseUrl ? new PublicFiles(database.db, config.publicBaseUrl, now) : undefined;
  const zalo = config.zalo ? await startZalo(config.zalo, deps, tally, tuning, files) : undefined;
  const openMeetings = await database.db.meeting.findMany({
    where: { status: "published", startsAt: { gt: now() } },
    select: { id: true },
  });
  for (const meeting of openMeetings) tally.request(meeting.id); // a crash may have left a tally one edit behind
  await publishCommandMenus(bot.api, translations).catch((error: unknown) =>
    logger.warn({ err: error }, "could not set command menus"),
  );

  let polling: Promise<void> | undefined;
  const webhook = config.mode === "webhook" ? config.webhook : undefined;
  // the HTTP side serves webhooks, and published files for Zalo; polling without files needs no port
  const server =
    webhook || files
      ? await startHttpServer(bot, {
          ...config.http,
          webhook: webhook && { path: webhook.path, secret: webhook.secret },
          zaloWebhook: zalo?.webhook,
          files,
          isReady: async () =>
            database.db.$queryRawUnsafe("SELECT 1").then(
              () => true,
              () => false,
            ),
          logger,
        })
      : undefined;
  if (config.mode === "webhook" && config.webhook) {
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
  } else {
    await bot.api.deleteWebhook();
    polling = bot.start({ allowed_updates: [...ALLOWED_UPDATES], onStart: () => undefined });
    polling.catch((error: unknown) => logger.fatal({ err: error }, "polling stopped"));
  }
  await zalo?.start();
  const jobDeps = deps;
  const sender = new OutboxSender(jobDeps, {
    instanceId: `${hostname()}:${process.pid}`,
    now,
    provider: database.provider,
  });
  const scheduler = config.jobsEnabled ? startScheduler(jobDeps) : undefined;
  if (config.jobsEnabled) sender.start();
  const httpPort = server ? (server.address() as AddressInfo).port : undefined;
  logger.info({ mode: config.mode, bot: bot.botInfo.username, httpPort, startupMs: Date.now() - started }, "chibo is running");

  let stopping: Promise<void> | undefined;
  return {
    database,
    httpPort,
    runJobsNow: () => runJobs(jobDeps),
    drainOutbox: () => sender.drainOnce(),
    stop() {
      stopping ??= (async () => {
        if (polling) await bot.stop(); // waits for the update in hand
        await zalo?.stop();
        await flush();
        await tally.stop();
        await scheduler?.stop();
        await sender.stop();
        if (server) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections(); // keep-alive sockets would hold close() open
          await closed;
        }
        await database.close();
        logger.info("chibo stopped");
      })();
      return stopping;
    },
  };
}

/**
 * Zalo beside Telegram: the same flows in a second grammY bot whose Bot API calls the Zalo transport answers.
 * Updates come by long polling, or by webhook through the HTTP server.
 */
async function startZalo(
  settings: NonNullable<Config["zalo"]>,
  deps: BotDeps,
  tally: TallyRefresher,
  tuning: AppTuning,
  files: FileLinks | undefined,
) {
  const client = new ZaloClient({ token: settings.token, apiRoot: settings.apiRoot });
  const transport = new ZaloTransport({
    client,
    db: deps.db,
    translations: deps.translations,
    logger: deps.logger,
    batchMs: tuning.zaloBatchMs,
    files,
    now: deps.now,
  });
  const { bot, flush } = createBot(deps, { platform: "zalo", transport: transport.fetch, tally });
  const direct = new Api(settings.token, { fetch: transport.fetch });
  deps.channels.register("zalo", { api: bot.api, direct });
  await bot.init();
  const receiver = new ZaloReceiver(client, transport, bot, deps.logger);
  const webhook = settings.webhook;
  return {
    webhook: webhook
      ? { path: webhook.path, secret: webhook.secret, accept: (body: unknown) => receiver.acceptWebhook(body) }
      : undefined,
    async start() {
      if (webhook) await client.setWebhook(webhook.url, webhook.secret);
      else {
        await client.deleteWebhook().catch(() => undefined);
        receiver.startPolling(tuning.zaloPollSeconds);
      }
      deps.logger.info({ bot: bot.botInfo.username, mode: webhook ? "webhook" : "polling" }, "zalo is running");
    },
    async stop() {
      await receiver.stop();
      await flush();
      await transport.stop();
    },
  };
}
