import { Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram/index.js";
import { FakeZalo } from "../support/fake-zalo/index.js";
import { cliWorld, migrationCount, type CliWorld } from "./cli-process.js";

const SECRET_PART = "TEST-TOKEN"; // the part of the fake's token after the bot id

describe("cli: doctor", { timeout: 120_000 }, () => {
  let fake: FakeTelegram;
  let world: CliWorld;
  beforeEach(async () => {
    fake = await FakeTelegram.start();
    world = await cliWorld({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
    expect(fake.token).toContain(SECRET_PART);
  });
  afterEach(async () => {
    await fake.close();
    await world.drop();
  });

  it("is green (exit 0) against a reachable Telegram and a migrated database, and never prints the token", async () => {
    await world.run(["committees"]); // the database exists and is migrated, as after the bot's first start
    const result = await world.run(["doctor"]);
    expect(result.stdout).not.toContain("[FAIL]");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[ok\] +config: mode polling, Telegram token 123456:\*\*\*/);
    const migrations = migrationCount(world.database.provider);
    expect(result.stdout).toMatch(
      new RegExp(`\\[ok\\] +database: ${world.database.provider} at .*, ${migrations} of ${migrations} migrations applied`),
    );
    expect(result.stdout).toContain("@chibo_test_bot");
    expect(result.stdout).toContain("All checks passed.");
    expect(result.stdout + result.stderr).not.toContain(SECRET_PART);
  });

  it("is red (exit 1) when the Telegram API root is unreachable, naming it, without the token", async () => {
    const result = await world.run(["doctor"], { TELEGRAM_API_ROOT: "http://127.0.0.1:1" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[FAIL\] +telegram: getMe at http:\/\/127\.0\.0\.1:1 failed: .*ECONNREFUSED/);
    expect(result.stdout).toContain("1 problem found.");
    expect(result.stdout + result.stderr).not.toContain(SECRET_PART);
  });

  it("is red (exit 1) when the database cannot be reached, without the password", async () => {
    const result = await world.run(["doctor"], { DATABASE_URL: "postgresql://chibo:hunter2@127.0.0.1:1/chibo" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\[FAIL\] +database: Cannot open the database at postgresql:\/\/chibo:\*\*\*@127\.0\.0\.1:1\/chibo/,
    );
    expect(result.stdout).not.toContain("hunter2");
    expect(result.stdout).toMatch(/\[ok\] +telegram/);
  });

  it("is red (exit 1) listing each configuration problem when the settings are invalid", async () => {
    const result = await world.run(["doctor"], { DATABASE_URL: "mysql://localhost/chibo", BOT_MODE: "webhook" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[FAIL\] +config: DATABASE_URL must start with file: \(SQLite\) or postgresql:\/\//);
    expect(result.stdout).toMatch(/\[FAIL\] +config: WEBHOOK_URL is required when BOT_MODE=webhook/);
    expect(result.stdout).toMatch(/\[FAIL\] +config: WEBHOOK_SECRET is required when BOT_MODE=webhook/);
    expect(result.stdout).toContain("3 problems found.");
  });

  it("warns about a database that does not exist yet without creating it", async () => {
    const result = await world.run(["doctor"]);
    if (world.database.provider === "sqlite") {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/\[warn\] +database: no SQLite file at .* yet/);
      expect((await world.run(["doctor"])).stdout).toMatch(/no SQLite file/); // still not created
    } else {
      expect(result.stdout).toContain(`migrations: ${migrationCount("postgresql")} pending`);
    }
  });

  it("in webhook mode reports the webhook: a missing one warns, one pointing elsewhere fails", async () => {
    await world.run(["committees"]);
    const webhook = { BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.org/telegram", WEBHOOK_SECRET: "secret-123" };
    const unset = await world.run(["doctor"], webhook);
    expect(unset.code).toBe(0);
    expect(unset.stdout).toMatch(
      /\[warn\] +webhook: not set yet; the bot sets https:\/\/bot\.example\.org\/telegram at start-up/,
    );

    await new Api(fake.token, { apiRoot: fake.apiRoot }).setWebhook("http://127.0.0.1:9/elsewhere");
    const elsewhere = await world.run(["doctor"], webhook);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toMatch(
      /\[FAIL\] +webhook: Telegram delivers to http:\/\/127\.0\.0\.1:9\/elsewhere, but WEBHOOK_URL is/,
    );
    expect(elsewhere.stdout).not.toContain("secret-123");
  });

  it("checks Zalo too when ZALO_BOT_TOKEN is set, without printing its token", async () => {
    await world.run(["committees"]);
    const zalo = await FakeZalo.start();
    try {
      const green = await world.run(["doctor"], { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot });
      expect(green.code).toBe(0);
      expect(green.stdout).toMatch(/\[ok\] +zalo: .* at http:\/\/127\.0\.0\.1:\d+/);
      const red = await world.run(["doctor"], { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: "http://127.0.0.1:1" });
      expect(red.code).toBe(1);
      expect(red.stdout).toMatch(/\[FAIL\] +zalo: getMe at http:\/\/127\.0\.0\.1:1 failed/);
      const secret = zalo.token.slice(zalo.token.indexOf(":") + 1);
      expect(green.stdout + red.stdout).not.toContain(secret);
      // a ward on Zalo only: no Telegram token, and that is fine
      const zaloOnly = await world.run(["doctor"], {
        TELEGRAM_BOT_TOKEN: "",
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.apiRoot,
      });
      expect(zaloOnly.code).toBe(0);
      expect(zaloOnly.stdout).toMatch(/\[ok\] +config: mode polling, Telegram off, Zalo token/);
      expect(zaloOnly.stdout).toMatch(/\[skip\] +telegram: not used: TELEGRAM_BOT_TOKEN is not set \(Zalo only\)/);
    } finally {
      await zalo.stop();
    }
  });
});
