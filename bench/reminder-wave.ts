// The reminder wave (issue 5): 10,000 group chats each get one reminder through the outbox, sent by the real bot
// process (`src/main.ts`) against the fake Bot API enforcing Telegram's limits (30/s per bot, 20/min per group,
// 429 with retry_after beyond). Halfway through, the process is killed with SIGKILL and started again.
// Reports: delivered rate as a fraction of the 30/s limit, duplicates, losses, 429s.
// Run: npx tsx bench/reminder-wave.ts [chats]   (set TEST_DATABASE_URL=postgresql://… for PostgreSQL)
import { openDatabase } from "../src/db/client.js";
import { createTestDatabase } from "../test/support/database.js";
import { FakeTelegram } from "../test/support/fake-telegram/index.js";
import { startProcess } from "../test/support/process.js";
import { enqueueReminderWave } from "./support/wave.js";

const total = Number(process.argv[2] ?? 10_000);
const fake = await FakeTelegram.start();
const database = await createTestDatabase();
const { db, close } = await openDatabase(database.url);
const reminders = await enqueueReminderWave(fake, db, total);
const env = {
  TELEGRAM_BOT_TOKEN: fake.token,
  TELEGRAM_API_ROOT: fake.apiRoot,
  DATABASE_URL: database.url,
  LOG_LEVEL: "warn",
  OUTBOX_CLAIM_TIMEOUT_SECONDS: "10",
};

const started = performance.now();
const first = startProcess(env);
await fake.waitFor(() => reminders.delivered() >= total / 2, 30 * 60_000);
first.kill("SIGKILL");
await first.exit;
const killedAt = reminders.delivered();
const second = startProcess(env);
await fake.waitFor(reminders.everyChatReached, 30 * 60_000);
const seconds = (performance.now() - started) / 1000;
second.kill("SIGTERM");
await second.exit;

// the report keeps its order: killedAfter before rateLimited429
const { rateLimited429, ...delivery } = reminders.outcome(seconds);
const report = {
  database: database.provider,
  chats: total,
  seconds: Math.round(seconds),
  ...delivery,
  killedAfter: killedAt,
  rateLimited429,
  note: "includes the restart and the claim timeout (10 s) for rows the killed process had claimed",
};
console.log(JSON.stringify(report, null, 2));
await close();
await fake.close();
await database.drop();
process.exit(0);
