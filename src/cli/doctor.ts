// doctor: checks the configuration, the database and its migrations, and the chat platforms, as the bot would find
// them at start-up. Read-only: it never migrates, creates a database or changes a webhook. Secrets are never printed.
import { existsSync } from "node:fs";
import { Api } from "grammy";
import { ConfigError, loadConfig, type Config } from "../config.js";
import { ZaloClient } from "../channels/zalo/client.js";
import { openDatabase, redactUrl } from "../db/client.js";
import { listMigrations, migrationsDir } from "../db/migrate.js";
import { providerOf, sqliteFilePath, type DatabaseProvider } from "../db/url.js";
import { createTranslations } from "../i18n.js";
import { EXIT_FAILURE, EXIT_OK, noPositionals, parseCommandArgs, type Output } from "./context.js";

type Status = "ok" | "warn" | "FAIL" | "skip";

interface Report {
  line(status: Status, subject: string, detail: string): void;
  failures: number;
}

const TIMEOUT_SECONDS = 10;
const DEFAULT_DATABASE_URL = "file:./data/chibo.db";

export async function doctorCommand(args: string[], io: Output): Promise<number> {
  const { positionals } = parseCommandArgs("doctor", args, {});
  noPositionals("doctor", positionals);
  const secrets: string[] = [];
  const redact = (text: string) => secrets.reduce((result, secret) => result.split(secret).join("***"), redactUrl(text));
  const report: Report = {
    failures: 0,
    line(status, subject, detail) {
      if (status === "FAIL") this.failures += 1;
      io.out(redact(`[${status}]${" ".repeat(5 - status.length)} ${subject}: ${detail}`));
    },
  };

  let config: Config | undefined;
  try {
    config = loadConfig(); // also reads .env into process.env
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) report.line("FAIL", "config", problem);
  }
  for (const name of ["TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "WEBHOOK_SECRET", "ZALO_WEBHOOK_SECRET"]) {
    const value = process.env[name];
    if (value && value.length >= 4) secrets.push(value);
  }
  if (config) report.line("ok", "config", describeConfig(config));

  await checkTranslations(report);
  await checkDatabase(report, config?.databaseUrl ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  if (config) {
    await checkTelegram(report, config);
    if (config.zalo) await checkZalo(report, config.zalo, config.mode);
  } else {
    report.line("skip", "telegram", "not checked until the configuration is valid");
  }

  io.out("");
  if (report.failures === 0) {
    io.out("All checks passed.");
    return EXIT_OK;
  }
  io.out(`${report.failures} problem${report.failures === 1 ? "" : "s"} found.`);
  return EXIT_FAILURE;
}

function describeConfig(config: Config): string {
  const parts = [
    `mode ${config.mode}`,
    config.telegram ? `Telegram token ${maskToken(config.telegram.token)}` : "Telegram off",
    config.zalo ? `Zalo token ${maskToken(config.zalo.token)}` : "Zalo off",
    `language ${config.defaultLocale}`,
    `time zone ${config.defaultTimeZone}`,
    `${config.adminTelegramIds.size} Telegram operator(s)`,
    `jobs ${config.jobsEnabled ? "on" : "off"}`,
  ];
  return parts.join(", ");
}

/** The bot id before the colon is public; the rest is the secret. */
function maskToken(token: string): string {
  const colon = token.indexOf(":");
  return colon > 0 ? `${token.slice(0, colon)}:***` : "***";
}

async function checkTranslations(report: Report): Promise<void> {
  try {
    await createTranslations("vi");
    report.line("ok", "locales", "translations load");
  } catch (error) {
    report.line("FAIL", "locales", `cannot load the translations: ${describeError(error)}`);
  }
}

async function checkDatabase(report: Report, url: string): Promise<void> {
  let provider: DatabaseProvider;
  try {
    provider = providerOf(url);
  } catch {
    report.line("skip", "database", "not checked: DATABASE_URL is not usable (see config)");
    return;
  }
  let where = redactUrl(url);
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    where = file;
    if (file !== ":memory:" && !existsSync(file)) {
      report.line("warn", "database", `no SQLite file at ${file} yet; the bot creates it at start-up`);
      return;
    }
  }
  let database;
  try {
    database = await openDatabase(url, { migrate: false });
  } catch (error) {
    report.line("FAIL", "database", describeError(error));
    return;
  }
  try {
    const known = listMigrations(migrationsDir(provider));
    const rows = await database.db
      .$queryRawUnsafe<
        { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown }[]
      >(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`)
      .catch(() => []);
    const failed = rows.filter((row) => row.finished_at == null && row.rolled_back_at == null).map((row) => row.migration_name);
    const done = new Map(rows.filter((row) => row.finished_at != null).map((row) => [row.migration_name, row.checksum]));
    const pending = known.filter((m) => !done.has(m.name)).map((m) => m.name);
    const unknown = [...done.keys()].filter((name) => !known.some((m) => m.name === name));
    const changed = known.filter((m) => done.has(m.name) && done.get(m.name) !== m.checksum).map((m) => m.name);
    report.line("ok", "database", `${provider} at ${where}, ${done.size} of ${known.length} migrations applied`);
    if (failed.length > 0) {
      report.line("FAIL", "migrations", `${failed.join(", ")} failed earlier and left the database half-migrated`);
    }
    if (unknown.length > 0) {
      report.line("FAIL", "migrations", `the database has migrations this version does not know (${unknown.join(", ")})`);
    }
    if (pending.length > 0) report.line("warn", "migrations", `${pending.length} pending; the bot applies them at start-up`);
    if (changed.length > 0) report.line("warn", "migrations", `edited after they were applied: ${changed.join(", ")}`);
    if (pending.length === 0) {
      const [committees, cells] = await Promise.all([database.db.committee.count(), database.db.cell.count()]);
      report.line("ok", "data", `${committees} committee(s), ${cells} cell(s)`);
    }
  } catch (error) {
    report.line("FAIL", "database", describeError(error));
  } finally {
    await database.close();
  }
}

async function checkTelegram(report: Report, config: Config): Promise<void> {
  const { telegram } = config;
  if (!telegram) {
    report.line("skip", "telegram", "not used: TELEGRAM_BOT_TOKEN is not set (Zalo only)");
    return;
  }
  const api = new Api(telegram.token, { apiRoot: telegram.apiRoot, timeoutSeconds: TIMEOUT_SECONDS });
  try {
    const me = await api.getMe();
    report.line("ok", "telegram", `@${me.username} (id ${me.id}) at ${telegram.apiRoot}`);
  } catch (error) {
    report.line("FAIL", "telegram", `getMe at ${telegram.apiRoot} failed: ${describeError(error)}`);
    return;
  }
  try {
    const info = await api.getWebhookInfo();
    const expected = config.mode === "webhook" ? config.webhook?.url : undefined;
    const lastError = info.last_error_message
      ? `; last delivery error ${new Date((info.last_error_date ?? 0) * 1000).toISOString()}: ${info.last_error_message}`
      : "";
    if (expected === undefined) {
      if (info.url) report.line("warn", "webhook", `${info.url} is set; the bot removes it when it starts polling`);
      return;
    }
    if (info.url === "") report.line("warn", "webhook", `not set yet; the bot sets ${expected} at start-up`);
    else if (info.url !== expected)
      report.line("FAIL", "webhook", `Telegram delivers to ${info.url}, but WEBHOOK_URL is ${expected}`);
    else
      report.line(
        lastError ? "warn" : "ok",
        "webhook",
        `${info.url}, ${info.pending_update_count} pending update(s)${lastError}`,
      );
  } catch (error) {
    report.line("FAIL", "webhook", `getWebhookInfo failed: ${describeError(error)}`);
  }
}

async function checkZalo(report: Report, zalo: NonNullable<Config["zalo"]>, mode: Config["mode"]): Promise<void> {
  const client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot, timeoutMs: TIMEOUT_SECONDS * 1000 });
  try {
    const me = await client.getMe();
    report.line("ok", "zalo", `${me.account_name || "(no name)"} (id ${me.id}) at ${zalo.apiRoot}`);
  } catch (error) {
    report.line("FAIL", "zalo", `getMe at ${zalo.apiRoot} failed: ${describeError(error)}`);
    return;
  }
  if (mode !== "webhook" || !zalo.webhook) return;
  try {
    const info = await client.getWebhookInfo();
    if (info.url === "") report.line("warn", "zalo webhook", `not set yet; the bot sets ${zalo.webhook.url} at start-up`);
    else if (info.url !== zalo.webhook.url) {
      report.line("FAIL", "zalo webhook", `Zalo delivers to ${info.url}, but ZALO_WEBHOOK_URL is ${zalo.webhook.url}`);
    } else report.line("ok", "zalo webhook", info.url);
  } catch (error) {
    report.line("FAIL", "zalo webhook", `getWebhookInfo failed: ${describeError(error)}`);
  }
}

/** The error's message and the reasons under it (grammY's HttpError → fetch's TypeError → ECONNREFUSED…). */
function describeError(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (!messages.includes(current.message)) messages.push(current.message);
    const next: unknown = (current as { error?: unknown }).error ?? current.cause;
    current = next;
  }
  return messages.join(": ") || String(error);
}
