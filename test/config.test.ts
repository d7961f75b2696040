import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const token = "123456:ABC-def_ghi";

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration from the environment", () => {
  it("runs with only a token: polling, embedded SQLite, Vietnamese, Hanoi time", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: token });
    expect(config.mode).toBe("polling");
    expect(config.databaseUrl).toBe("file:./data/chibo.db");
    expect(config.defaultLocale).toBe("vi");
    expect(config.defaultTimeZone).toBe("Asia/Ho_Chi_Minh");
    expect(config.telegram?.apiRoot).toBe("https://api.telegram.org");
    expect(config.zalo).toBeUndefined();
  });

  it("serves a ward on Zalo only without a Telegram token; webhook mode then asks only for Zalo's URL and secret", () => {
    const zaloOnly = loadConfig({ ZALO_BOT_TOKEN: "1234:zalo-secret" });
    expect(zaloOnly.telegram).toBeUndefined();
    expect(zaloOnly.zalo?.token).toBe("1234:zalo-secret");
    expect(problemsOf({ ZALO_BOT_TOKEN: "1234:zalo-secret", BOT_MODE: "webhook" })).toEqual([
      "ZALO_WEBHOOK_URL is required when BOT_MODE=webhook and ZALO_BOT_TOKEN is set",
      "ZALO_WEBHOOK_SECRET is required when BOT_MODE=webhook and ZALO_BOT_TOKEN is set",
    ]);
  });

  it("tells an operator without a token how to get one from BotFather", () => {
    const [problem] = problemsOf({});
    expect(problem).toContain("TELEGRAM_BOT_TOKEN");
    expect(problem).toContain("@BotFather");
    expect(problem).toContain("ZALO_BOT_TOKEN");
  });

  it("names each bad variable", () => {
    const problems = problemsOf({
      TELEGRAM_BOT_TOKEN: token,
      BOT_MODE: "webhook",
      DEFAULT_LOCALE: "fr",
      DEFAULT_TIMEZONE: "Mars/Olympus",
      HTTP_PORT: "99999",
      ADMIN_TELEGRAM_IDS: "12,abc",
      DATABASE_URL: "mysql://x",
    });
    for (const name of ["DEFAULT_LOCALE", "DEFAULT_TIMEZONE", "HTTP_PORT", "ADMIN_TELEGRAM_IDS", "DATABASE_URL"]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it("requires the webhook URL and secret in webhook mode", () => {
    const problems = problemsOf({ TELEGRAM_BOT_TOKEN: token, BOT_MODE: "webhook" });
    expect(problems).toEqual([
      "WEBHOOK_URL is required when BOT_MODE=webhook",
      "WEBHOOK_SECRET is required when BOT_MODE=webhook",
    ]);
  });

  it("accepts webhook mode with its URL and secret and serves on the URL's path", () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: token,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.org/telegram/hook",
      WEBHOOK_SECRET: "s3cret-value",
      ADMIN_TELEGRAM_IDS: "111, 222",
    });
    expect(config.webhook).toEqual({
      url: "https://bot.example.org/telegram/hook",
      secret: "s3cret-value",
      path: "/telegram/hook",
    });
    expect([...config.adminTelegramIds]).toEqual(["111", "222"]);
  });

  it("serves Zalo too when its token is set, with Zalo's API root by default", () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }).zalo).toBeUndefined();
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: token,
      ZALO_BOT_TOKEN: "1459232241454765289:abcDEF",
      ADMIN_ZALO_IDS: "6ede9afa66b88fe6d6a9",
    });
    expect(config.zalo).toEqual({
      token: "1459232241454765289:abcDEF",
      apiRoot: "https://bot-api.zaloplatforms.com",
      webhook: undefined,
    });
    expect([...config.adminZaloIds]).toEqual(["6ede9afa66b88fe6d6a9"]);
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: token, ZALO_BOT_TOKEN: "no colon here" })[0]).toMatch(
      /^ZALO_BOT_TOKEN does not look like/,
    );
  });

  it("requires Zalo's webhook URL and secret in webhook mode, and serves it on its own path", () => {
    const telegram = {
      TELEGRAM_BOT_TOKEN: token,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://b.vn/telegram",
      WEBHOOK_SECRET: "s3cret-value",
    };
    expect(problemsOf({ ...telegram, ZALO_BOT_TOKEN: "1:z" })).toEqual([
      "ZALO_WEBHOOK_URL is required when BOT_MODE=webhook and ZALO_BOT_TOKEN is set",
      "ZALO_WEBHOOK_SECRET is required when BOT_MODE=webhook and ZALO_BOT_TOKEN is set",
    ]);
    const config = loadConfig({
      ...telegram,
      ZALO_BOT_TOKEN: "1:z",
      ZALO_WEBHOOK_URL: "https://b.vn/zalo",
      ZALO_WEBHOOK_SECRET: "zalo-secret",
    });
    expect(config.zalo?.webhook).toEqual({ url: "https://b.vn/zalo", secret: "zalo-secret", path: "/zalo" });
  });
});
