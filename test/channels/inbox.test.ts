import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Inbox } from "../../src/channels/inbox.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { openSignals, type Signals } from "../../src/db/signals.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// Members get their answer as soon as a worker is free: an update is taken where it arrived, other instances help
// only when that one is busy, and a burst never waits for the slow look-up timer.
const logger = createLogger("silent");
const NEVER_POLL = 600_000;
let database: TestDatabase;
let opened: Database;
const inboxes: Inbox[] = [];
const signalsOpen: Signals[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  opened = await openDatabase(database.url);
});
afterEach(async () => {
  for (const inbox of inboxes.splice(0)) await inbox.stop();
  for (const signals of signalsOpen.splice(0)) await signals.close();
  await opened.close();
  await database.drop();
});

/** An instance's inbox whose handler records which instance handled which update. */
async function instance(
  name: string,
  handledBy: Map<string, string>,
  options: { concurrency?: number; hold?: Promise<void> } = {},
) {
  const signals = await openSignals(opened.db, opened.provider, database.url, logger);
  signalsOpen.push(signals);
  const inbox = new Inbox(opened.db, logger, {
    instanceId: name,
    provider: opened.provider,
    concurrency: options.concurrency ?? 4,
    pollMs: NEVER_POLL,
    signals,
  });
  inbox.on("telegram", async (payload) => {
    handledBy.set(String((payload as { update_id: number }).update_id), name);
    await options.hold;
  });
  inbox.start();
  inboxes.push(inbox);
  // its workers have looked once and wait: from now on an update it stores goes to one of them
  await until(() => inbox.idleWorkers === (options.concurrency ?? 4));
  return inbox;
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(condition()).toBe(true);
}

const update = (id: number, chat = id) => ({
  platform: "telegram",
  updateId: String(id),
  chatKey: `telegram:${chat}`,
  payload: { update_id: id },
});

async function statuses() {
  const rows = await opened.db.inboundUpdate.findMany({ orderBy: { seq: "asc" } });
  return rows.map((row) => row.status);
}

describe("the inbox", () => {
  it("handles a burst of updates from many chats right away, even when it is larger than the workers", async () => {
    const handledBy = new Map<string, string>();
    const inbox = await instance("one", handledBy, { concurrency: 2 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => inbox.storeAndWait(update(i + 1), 20_000)));
    expect(await statuses()).toEqual(Array(12).fill("done"));
  }, 30_000);

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "takes an update on the instance it reached while a worker there is free",
    async () => {
      const handledBy = new Map<string, string>();
      const here = await instance("here", handledBy);
      await instance("elsewhere", handledBy);
      const listener = await openSignals(opened.db, opened.provider, database.url, logger);
      signalsOpen.push(listener);
      let wakeUpCalls = 0;
      listener.subscribe("chibo_inbox", () => wakeUpCalls++);
      for (let i = 1; i <= 8; i++) await here.storeAndWait(update(i), 20_000);
      expect([...handledBy.values()]).toEqual(Array(8).fill("here"));
      // nobody else was woken up for them
      expect(wakeUpCalls).toBe(0);
    },
    30_000,
  );

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "wakes another instance for an update that arrives while every worker here is busy",
    async () => {
      const handledBy = new Map<string, string>();
      let release = () => {};
      const hold = new Promise<void>((resolve) => (release = resolve));
      const here = await instance("here", handledBy, { concurrency: 1, hold });
      await instance("elsewhere", handledBy);
      const first = here.storeAndWait(update(1), 20_000);
      await until(() => handledBy.has("1"));
      await here.storeAndWait(update(2), 20_000);
      expect(handledBy.get("1")).toBe("here");
      expect(handledBy.get("2")).toBe("elsewhere");
      expect(await statuses()).toEqual(["processing", "done"]);
      release();
      await first;
      expect(await statuses()).toEqual(["done", "done"]);
    },
    30_000,
  );
});
