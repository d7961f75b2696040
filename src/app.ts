import { Api } from "grammy";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createBot } from "./bot/create-bot.js";
import type { BotDeps } from "./bot/context.js";
import { publishCommandMenus } from "./bot/commands.js";
import type { Config } from "./config.js";
import { openDatabase, redactUrl, type Database } from "./db/client.js";
import { createTranslations } from "./i18n.js";
import type { Logger } from "./logger.js";
import { startHttpServer } from "./server/http.js";
import type { Gauge } from "./server/metrics.js";
import { hostname } from "node:os";
import { runJobs, startScheduler } from "./jobs/scheduler.js";
import { OutboxSender, type DrainResult } from "./jobs/sender.js";
import { Channels } from "./channels/registry.js";
import { ZaloClient, type ZaloUpdate } from "./channels/zalo/client.js";
import { Inbox } from "./channels/inbox.js";
import { ACK_WAIT_MS, TelegramPoller, isTelegramUpdate, telegramUpdate } from "./channels/telegram-updates.js";
import type { Update } from "grammy/types";
import { ZaloReceiver } from "./channels/zalo/receiver.js";
import { ZaloTransport, type FileLinks } from "./channels/zalo/transport.js";
import { PublicFiles } from "./server/public-files.js";
import { TallyRefresher } from "./bot/tally-refresher.js";
import { RateBudgets } from "./channels/rate-budget.js";
import { openSignals } from "./db/signals.js";

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
  /** The clock of the send budgets (the wall clock); a test moving time by hand moves this one too. */
  rateClock?: () => number;
}

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"] as const;

/**
 * Start-up order: database (migrated) → bots → inbox → HTTP (webhooks, files, health) → updates (polling or webhook)
 * → jobs. Stopping: polling stops, the updates in hand and queued messages finish, then the HTTP server (a webhook
 * arriving meanwhile is stored, or answered 500 and sent again) and the database close.
 */
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
  const deps: BotDeps = {
    db: database.db,
    config,
    translations: await createTranslations(config.defaultLocale),
    logger,
    now,
    channels: new Channels(),
    budgets: new RateBudgets(database.db, tuning.rateClock),
  };
  const instanceId = `${hostname()}:${process.pid}`;
  const tally = new TallyRefresher(deps);
  const telegram = config.telegram ? await openTelegram(config.telegram, deps, tally) : undefined;
  const { inbox, signals } = await openInbox(database, deps, instanceId);
  if (telegram) inbox.on("telegram", (update) => telegram.bot.handleUpdate(update as Update));
  const files = config.publicBaseUrl ? new PublicFiles(database.db, config.publicBaseUrl, now) : undefined;
  const zalo = config.zalo ? await startZalo(config.zalo, deps, { tally, tuning, files, inbox }) : undefined;
  await catchUpTallies(database.db, tally, now);
  await telegram?.publishMenus();
  const server = await startHttp(database, deps, { inbox, files, zalo });
  inbox.start();
  const poller = telegram && (await startTelegramUpdates(telegram.bot.api, inbox, logger, config.webhook));
  await zalo?.start();
  const sender = new OutboxSender(deps, { instanceId, now, provider: database.provider });
  const scheduler = config.jobsEnabled ? startScheduler(deps) : undefined;
  if (config.jobsEnabled) sender.start();
  const httpPort = server ? (server.address() as AddressInfo).port : undefined;
  logger.info(
    { mode: config.mode, bot: telegram?.bot.botInfo.username, zalo: Boolean(zalo), httpPort, startupMs: Date.now() - started },
    "chibo is running",
  );

  let stopping: Promise<void> | undefined;
  return {
    database,
    httpPort,
    runJobsNow: () => runJobs(deps),
    drainOutbox: () => sender.drainOnce(),
    stop() {
      stopping ??= (async () => {
        await poller?.stop();
        await zalo?.stop();
        await inbox.stop(); // waits for the updates in hand
        await signals.close();
        await telegram?.flush();
        await tally.stop();
        await scheduler?.stop();
        await sender.stop();
        if (server) await closeServer(server);
        await database.close();
        logger.info("chibo stopped");
      })();
      return stopping;
    },
  };
}

/** The durable inbox, woken by the database's signals (other instances' stored and handled updates). */
async function openInbox(database: Database, deps: BotDeps, instanceId: string) {
  const signals = await openSignals(database.db, database.provider, deps.config.databaseUrl, deps.logger);
  const inbox = new Inbox(database.db, deps.logger, {
    instanceId,
    provider: database.provider,
    claimTimeoutMs: deps.config.outboxClaimTimeoutMs,
    signals,
  });
  return { inbox, signals };
}

/** A crash may have left an open meeting's tally one edit behind. */
async function catchUpTallies(db: BotDeps["db"], tally: TallyRefresher, now: () => Date) {
  const openMeetings = await db.meeting.findMany({
    where: { status: "published", startsAt: { gt: now() } },
    select: { id: true },
  });
  for (const meeting of openMeetings) tally.request(meeting.id);
}

/** The HTTP side serves webhooks, and published files for Zalo; polling without files needs no port. */
async function startHttp(
  database: Database,
  { config, logger }: BotDeps,
  { inbox, files, zalo }: { inbox: Inbox; files: PublicFiles | undefined; zalo: ZaloSide | undefined },
): Promise<Server | undefined> {
  const webhook = config.mode === "webhook" ? config.webhook : undefined;
  if (!webhook && !files && !zalo?.webhook) return undefined;
  const acceptTelegram = async (body: unknown) => {
    if (!isTelegramUpdate(body)) return false;
    await inbox.storeAndWait(telegramUpdate(body), ACK_WAIT_MS);
    return true;
  };
  return startHttpServer({
    ...config.http,
    webhook: webhook && { path: webhook.path, secret: webhook.secret, accept: acceptTelegram },
    zaloWebhook: zalo?.webhook,
    files,
    gauges: () => inboxAndOutboxGauges(database.db, inbox),
    isReady: async () =>
      database.db.$queryRawUnsafe("SELECT 1").then(
        () => true,
        () => false,
      ),
    logger,
  });
}

/** The Telegram bot, when TELEGRAM_BOT_TOKEN is set (a ward may use Zalo only). */
async function openTelegram(settings: NonNullable<Config["telegram"]>, deps: BotDeps, tally: TallyRefresher) {
  const { bot, flush } = createBot(deps, { platform: "telegram", tally });
  deps.channels.register("telegram", { api: bot.api, direct: new Api(settings.token, { apiRoot: settings.apiRoot }) });
  await bot.init();
  return {
    bot,
    flush,
    publishMenus: () =>
      publishCommandMenus(bot.api, deps.translations).catch((error: unknown) =>
        deps.logger.warn({ err: error }, "could not set command menus"),
      ),
  };
}

/** Telegram's updates: its webhook pointed at us, or our own long polling into the inbox. */
async function startTelegramUpdates(
  api: Api,
  inbox: Inbox,
  logger: Logger,
  webhook: Config["webhook"] | undefined,
): Promise<TelegramPoller | undefined> {
  if (webhook) {
    await api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
    return undefined;
  }
  await api.deleteWebhook();
  const poller = new TelegramPoller(api, inbox, logger, ALLOWED_UPDATES);
  poller.start();
  return poller;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections(); // keep-alive sockets would hold close() open
  await closed;
}

type ZaloSide = Awaited<ReturnType<typeof startZalo>>;

/**
 * Zalo beside Telegram: the same flows in a second grammY bot whose Bot API calls the Zalo transport answers.
 * Updates come by long polling, or by webhook through the HTTP server.
 */
async function startZalo(
  settings: NonNullable<Config["zalo"]>,
  deps: BotDeps,
  { tally, tuning, files, inbox }: { tally: TallyRefresher; tuning: AppTuning; files: FileLinks | undefined; inbox: Inbox },
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
  inbox.on("zalo", async (update) => {
    const converted = await transport.toUpdate(update as ZaloUpdate);
    if (converted) await bot.handleUpdate(converted);
  });
  const receiver = new ZaloReceiver(client, inbox, deps.logger);
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

/** Outbox and inbox depth by status, and this instance's idle inbox workers, for /metrics. */
async function inboxAndOutboxGauges(db: BotDeps["db"], inbox: Inbox): Promise<Gauge[]> {
  const [outbox, inboxRows] = await Promise.all([
    db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
    db.inboundUpdate.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  return [
    {
      name: "chibo_outbox_messages",
      help: "Outbox messages by status.",
      values: outbox.map((row) => [{ status: row.status }, row._count._all]),
    },
    {
      name: "chibo_inbox_updates",
      help: "Stored updates by status (pending and processing are the backlog).",
      values: inboxRows.map((row) => [{ status: row.status }, row._count._all]),
    },
    {
      name: "chibo_inbox_idle_workers",
      help: "This instance's inbox workers waiting for work (0 for long: the instance is saturated).",
      values: [[{}, inbox.idleWorkers]],
    },
  ];
}
