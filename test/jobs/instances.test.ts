import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { enqueue } from "../../src/jobs/outbox.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { FakeTelegram, type FakeUser } from "../support/fake-telegram/index.js";
import { startProcess, type Run } from "../support/process.js";

// Real processes started as `npm start` starts them, sharing one database and one fake Telegram.
let fake: FakeTelegram | undefined;
let database: TestDatabase | undefined;
let db: Database | undefined;
const runs: Run[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) run.kill("SIGKILL");
  await db?.close();
  await fake?.close();
  await database?.drop();
  fake = undefined;
  db = undefined;
  database = undefined;
});

async function world(count: number) {
  fake = await FakeTelegram.start();
  database = await createTestDatabase();
  db = await openDatabase(database.url);
  const users: FakeUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = fake.user({ first_name: `Đảng viên ${i}` }, { startedBot: true });
    users.push(user);
    await enqueue(
      db.db,
      { dedupeKey: `wave:${i}`, platform: "telegram", chatId: String(user.id), payload: { kind: "text", text: `nhắc ${i}` } },
      new Date(),
    );
  }
  const env = {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: database.url,
    OUTBOX_CLAIM_TIMEOUT_SECONDS: "2",
  };
  return { users, env };
}

const delivered = (users: FakeUser[]) => users.map((user) => fake!.messages(user).length);
const waitUntilAllDelivered = (users: FakeUser[]) => fake!.waitFor(() => delivered(users).every((n) => n >= 1), 60_000);

describe("delivery across processes", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "two instances on PostgreSQL share the outbox: every message goes out exactly once",
    async () => {
      const { users, env } = await world(120);
      for (let i = 0; i < 2; i++) runs.push(startProcess(env));
      await waitUntilAllDelivered(users);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a duplicate to show, were there one
      expect(delivered(users).every((n) => n === 1)).toBe(true);
      const senders = await db!.db.outboxMessage.groupBy({ by: ["claimedBy"], _count: true });
      expect(senders.length).toBe(2);
    },
    90_000,
  );

  it("a kill -9 in the middle of a wave loses nothing; only the message in flight may go twice", async () => {
    const { users, env } = await world(150);
    const first = startProcess(env);
    runs.push(first);
    await fake!.waitFor(() => delivered(users).filter((n) => n > 0).length >= 40, 30_000);
    first.kill("SIGKILL");
    await first.exit;
    runs.push(startProcess(env));
    await waitUntilAllDelivered(users);
    const duplicates = delivered(users).filter((n) => n > 1).length;
    expect(duplicates).toBeLessThanOrEqual(1);
    expect(await db!.db.outboxMessage.count({ where: { status: "sent" } })).toBe(150);
  }, 90_000);
});
