import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { openSignals, type Signals } from "../../src/db/signals.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// Instances wake each other when an update is stored or handled, instead of asking the database every moment;
// after the database drops their connection, they hear each other again.
let database: TestDatabase;
let opened: Database;
const logger = createLogger("silent");
const open: Signals[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  opened = await openDatabase(database.url);
});
afterAll(async () => {
  for (const signals of open) await signals.close();
  await opened.close();
  await database.drop();
});

async function signalsOf(): Promise<Signals> {
  const signals = await openSignals(opened.db, opened.provider, database.url, logger);
  open.push(signals);
  return signals;
}

function nextSignal(signals: Signals, channel: "chibo_inbox" | "chibo_inbox_done"): Promise<string> {
  return new Promise((resolve) => {
    const stop = signals.subscribe(channel, (payload) => {
      stop();
      resolve(payload);
    });
  });
}

describe("signals between instances", () => {
  it("a signal reaches the listeners of its channel, with its payload", async () => {
    const [one, other] = [await signalsOf(), await signalsOf()];
    const heard = nextSignal(opened.provider === "postgresql" ? other : one, "chibo_inbox_done");
    await one.notify("chibo_inbox_done", "1|telegram:42");
    expect(await heard).toBe("1|telegram:42");
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "another instance hears again after the database ended the listening connections",
    async () => {
      const [one, other] = [await signalsOf(), await signalsOf()];
      expect(other.shared).toBe(true);
      const listeners = `SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`;
      const listening = (await opened.db.$queryRawUnsafe<unknown[]>(listeners)).length;
      expect(listening).toBeGreaterThanOrEqual(2);
      await opened.db.$executeRawUnsafe(`SELECT pg_terminate_backend(pid) FROM (${listeners}) listening`);
      // wait for the listeners to be back, then a signal must travel from one instance to the other again
      for (let i = 0; i < 100 && (await opened.db.$queryRawUnsafe<unknown[]>(listeners)).length < listening; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const heard = nextSignal(other, "chibo_inbox_done");
      await one.notify("chibo_inbox_done", "1|telegram:after-the-outage");
      expect(await heard).toBe("1|telegram:after-the-outage");
    },
    30_000,
  );
});
