import { createServer } from "node:net";
import { Writable } from "node:stream";
import { startApp, type App, type AppTuning } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import type { Db } from "../../src/db/client.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { FakeTelegram, type FakeTelegramOptions, type FakeUser } from "./fake-telegram/index.js";
import { FakeZalo, type FakeZaloOptions } from "./fake-zalo/index.js";

export interface Harness {
  fake: FakeTelegram;
  /** The fake Zalo server, when the harness was started with `zalo`. */
  zalo: FakeZalo | undefined;
  app: App;
  readonly db: Db;
  config: Config;
  database: TestDatabase;
  operator: FakeUser;
  /** Every log line the bot wrote, parsed; printed too when CHIBO_TEST_LOGS=1. */
  logs: Record<string, unknown>[];
  /** Stops the bot as SIGTERM would and starts a new one on the same database and fake Telegram. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  mode?: "polling" | "webhook";
  env?: Record<string, string>;
  fake?: FakeTelegramOptions;
  /** Serve Zalo too, against a fake Zalo server with these options. */
  zalo?: FakeZaloOptions;
  /** false: no TELEGRAM_BOT_TOKEN, a deployment for Zalo only (the fake Telegram runs, unused). */
  telegram?: boolean;
  /** Reaches the test database another way (through a proxy that a test can cut, say). */
  databaseUrl?: (url: string) => string;
  /** Overrides of the Zalo knobs (batch window, long poll). */
  tuning?: AppTuning;
  now?: () => Date;
}

/** Batches of replies in Zalo groups close quickly, and the long poll is short, so tests stay fast. */
const ZALO_TUNING = { zaloBatchMs: 150, zaloPollSeconds: 1 };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * The real bot, started as `npm start` starts it, against a fake Telegram and a fresh database
 * (SQLite, or PostgreSQL when TEST_DATABASE_URL is set). An operator account exists from the start.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeTelegram.start(options.fake);
  const zalo = options.zalo ? await FakeZalo.start({ allowHttpWebhook: true, ...options.zalo }) : undefined;
  const database = await createTestDatabase();
  const operator = fake.user({ first_name: "Quản trị", username: "operator" });
  const mode = options.mode ?? "polling";
  const port = mode === "webhook" ? await freePort() : 0;
  const config = loadConfig({
    ...(options.telegram === false ? {} : { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot }),
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(database.url) : database.url,
    ADMIN_TELEGRAM_IDS: String(operator.id),
    BOT_MODE: mode,
    JOBS_ENABLED: "false",
    RATE_LIMIT_PER_MINUTE: "100000", // scripted users tap faster than people; test/bot/middleware sets its own
    HTTP_PORT: String(port),
    ...(mode === "webhook" ? { WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`, WEBHOOK_SECRET: "test-webhook-secret" } : {}),
    ...(zalo ? { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot } : {}),
    ...(zalo && mode === "webhook"
      ? { ZALO_WEBHOOK_URL: `http://127.0.0.1:${port}/zalo`, ZALO_WEBHOOK_SECRET: "test-zalo-secret" }
      : {}),
    ...options.env,
  });
  const tuning = { ...ZALO_TUNING, ...options.tuning };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
        if (process.env.CHIBO_TEST_LOGS) process.stderr.write(`${line}\n`);
      }
      done();
    },
  });
  const logger = createLogger(options.env?.LOG_LEVEL ?? "debug", sink);
  const harness: Harness = {
    fake,
    zalo,
    app: await startApp(config, logger, options.now, tuning),
    get db() {
      return this.app.database.db;
    },
    config,
    database,
    operator,
    logs,
    async restart() {
      await this.app.stop();
      this.app = await startApp(config, logger, options.now, tuning);
    },
    async stop() {
      await this.app.stop();
      await fake.close();
      await zalo?.stop();
      await database.drop();
    },
  };
  return harness;
}
