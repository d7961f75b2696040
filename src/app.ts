import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createBot } from "./bot/create-bot.js";
import { publishCommandMenus } from "./bot/commands.js";
import type { Config } from "./config.js";
import { openDatabase, redactUrl, type Database } from "./db/client.js";
import { createTranslations } from "./i18n.js";
import type { Logger } from "./logger.js";
import { startHttpServer } from "./server/http.js";
import { hostname } from "node:os";
import { runJobs, startScheduler } from "./jobs/scheduler.js";
import { OutboxSender, type DrainResult } from "./jobs/sender.js";

export interface App {
  database: Database;
  /** One scheduler tick and one outbox drain, as the timers do (tests call these with an injected clock). */
  runJobsNow(): Promise<Record<string, number>>;
  drainOutbox(): Promise<DrainResult>;
  /** The HTTP port actually bound (webhook mode), useful when HTTP_PORT=0. */
  httpPort: number | undefined;
  stop(): Promise<void>;
}

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"] as const;

/** Start-up order: database (migrated) → bot → command menus → updates (polling or webhook + /healthz). */
export async function startApp(config: Config, logger: Logger, now: () => Date = () => new Date()): Promise<App> {
  const started = Date.now();
  const database = await openDatabase(config.databaseUrl);
  logger.info(
    { database: redactUrl(config.databaseUrl), provider: database.provider, migrations: database.migration },
    "database ready",
  );
  const translations = await createTranslations(config.defaultLocale);
  const { bot, tally, flush } = createBot({ db: database.db, config, translations, logger, now });
  await bot.init();
  const openMeetings = await database.db.meeting.findMany({
    where: { status: "published", startsAt: { gt: now() } },
    select: { id: true },
  });
  for (const meeting of openMeetings) tally.request(meeting.id); // a crash may have left a tally one edit behind
  await publishCommandMenus(bot.api, translations).catch((error: unknown) =>
    logger.warn({ err: error }, "could not set command menus"),
  );

  let server: Server | undefined;
  let polling: Promise<void> | undefined;
  if (config.mode === "webhook" && config.webhook) {
    server = await startHttpServer(bot, {
      ...config.http,
      webhook: { path: config.webhook.path, secret: config.webhook.secret },
      isReady: async () =>
        database.db.$queryRawUnsafe("SELECT 1").then(
          () => true,
          () => false,
        ),
      logger,
    });
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
  } else {
    await bot.api.deleteWebhook();
    polling = bot.start({ allowed_updates: [...ALLOWED_UPDATES], onStart: () => undefined });
    polling.catch((error: unknown) => logger.fatal({ err: error }, "polling stopped"));
  }
  const jobDeps = { db: database.db, translations, config, logger, now };
  const sender = OutboxSender.forConfig(jobDeps, {
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
        await flush();
        await scheduler?.stop();
        await sender.stop();
        if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
        await database.close();
        logger.info("chibo stopped");
      })();
      return stopping;
    },
  };
}
