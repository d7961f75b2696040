import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { FakeTelegram } from "./support/fake-telegram/index.js";
import { startProcess } from "./support/process.js";

let database: TestDatabase | undefined;
let fake: FakeTelegram | undefined;
afterEach(async () => {
  await fake?.close();
  await database?.drop();
  fake = undefined;
  database = undefined;
});

describe("starting the bot as an operator does", () => {
  it("exits at once without a token, saying how to get one", async () => {
    const run = startProcess({});
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain("TELEGRAM_BOT_TOKEN is not set");
    expect(run.output()).toContain("@BotFather");
  });

  it("exits with a clear message when the database cannot be reached", async () => {
    const run = startProcess({ TELEGRAM_BOT_TOKEN: "123:abc", DATABASE_URL: "postgresql://chibo:secret-pw@127.0.0.1:1/chibo" });
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain("Cannot open the database at postgresql://chibo:***@127.0.0.1:1/chibo");
    expect(run.output()).not.toContain("secret-pw");
  });

  it("migrates, serves, logs each update as JSON, and shuts down cleanly on SIGTERM", async () => {
    fake = await FakeTelegram.start();
    database = await createTestDatabase();
    const run = startProcess({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, DATABASE_URL: database.url });
    await run.waitForOutput("chibo is running");
    const user = fake.user({ first_name: "Lan" });
    await fake.sendText(user, "private", "/start");
    expect(fake.messages(user)[0]?.text).toContain("Xin chào Lan");
    run.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    const lines = run
      .output()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((line) => line.msg === "chibo stopped")).toBe(true);
    expect(lines.find((line) => line.msg === "update handled")).toMatchObject({ update_type: "command", chat_type: "private" });
    expect(run.output()).not.toContain(fake.token.split(":")[1]);
  });
});
