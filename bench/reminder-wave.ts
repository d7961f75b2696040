// The reminder wave (issue 5): 10,000 group chats each get one reminder through the outbox, sent by the real bot
// process (`src/main.ts`) against the fake Bot API enforcing Telegram's limits (30/s per bot, 20/min per group,
// 429 with retry_after beyond). Halfway through, the process is killed with SIGKILL and started again.
// Reports: delivered rate as a fraction of the 30/s limit, duplicates, losses, 429s.
// Run: npx tsx bench/reminder-wave.ts [chats]   (set TEST_DATABASE_URL=postgresql://… for PostgreSQL)
import { openDatabase } from "../src/db/client.js";
import { enqueue } from "../src/jobs/outbox.js";
import { createTestDatabase } from "../test/support/database.js";
import { FakeTelegram, type FakeChat } from "../test/support/fake-telegram/index.js";
import { startProcess } from "../test/support/process.js";

const total = Number(process.argv[2] ?? 10_000);
const fake = await FakeTelegram.start();
const database = await createTestDatabase();
const { db, close } = await openDatabase(database.url);
const owner = fake.user({ first_name: "Bí thư" });
const chats: FakeChat[] = [];
for (let i = 0; i < total; i++) {
  const chat = fake.createGroup({ title: `Chi bộ ${i}`, creator: owner, type: "supergroup" });
  chats.push(chat);
  await enqueue(
    db,
    {
      dedupeKey: `remind-3d:bench:${i}`,
      platform: "telegram",
      chatId: String(chat.id),
      payload: { kind: "text", text: `Nhắc lịch ${i}` },
    },
    new Date(),
  );
}
const env = {
  TELEGRAM_BOT_TOKEN: fake.token,
  TELEGRAM_API_ROOT: fake.apiRoot,
  DATABASE_URL: database.url,
  LOG_LEVEL: "warn",
  OUTBOX_CLAIM_TIMEOUT_SECONDS: "10",
};
const delivered = () => chats.reduce((sum, chat) => sum + fake.messages(chat).length, 0);

const started = performance.now();
const first = startProcess(env);
await fake.waitFor(() => delivered() >= total / 2, 30 * 60_000);
first.kill("SIGKILL");
await first.exit;
const killedAt = delivered();
const second = startProcess(env);
await fake.waitFor(() => chats.every((chat) => fake.messages(chat).length >= 1), 30 * 60_000);
const seconds = (performance.now() - started) / 1000;
second.kill("SIGTERM");
await second.exit;

const counts = chats.map((chat) => fake.messages(chat).length);
const report = {
  database: database.provider,
  chats: total,
  seconds: Math.round(seconds),
  deliveredPerSecond: +(total / seconds).toFixed(1),
  fractionOfLimit: +(total / seconds / 30).toFixed(2),
  duplicates: counts.filter((n) => n > 1).length,
  losses: counts.filter((n) => n === 0).length,
  killedAfter: killedAt,
  rateLimited429: fake.stats.rateLimited,
  note: "includes the restart and the claim timeout (10 s) for rows the killed process had claimed",
};
console.log(JSON.stringify(report, null, 2));
await close();
await fake.close();
await database.drop();
process.exit(0);
