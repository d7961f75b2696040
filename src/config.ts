// Every setting, read once from the environment (and .env), validated by one schema.
import { config as loadDotenv } from "dotenv";
import { z } from "zod";

export const SUPPORTED_LOCALES = ["vi", "en"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const idList = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const parts = raw.split(/[\s,;]+/).filter(Boolean);
    const bad = parts.filter((part) => !/^-?\d+$/.test(part));
    if (bad.length > 0) {
      ctx.addIssue({ code: "custom", message: `not numeric Telegram ids: ${bad.join(", ")}` });
    }
    return parts;
  });

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const schema = z
  .object({
    TELEGRAM_BOT_TOKEN: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^\d+:[\w-]+$/, "does not look like a bot token (digits:letters)")
        .optional(),
    ),
    TELEGRAM_API_ROOT: z.preprocess(emptyAsUndefined, z.url().default("https://api.telegram.org")),
    BOT_MODE: z.preprocess(emptyAsUndefined, z.enum(["polling", "webhook"]).default("polling")),
    WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    WEBHOOK_SECRET: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,256}$/, "must be 8-256 characters of A-Z, a-z, 0-9, _ and -")
        .optional(),
    ),
    HTTP_HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
    HTTP_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .default("file:./data/chibo.db")
        .refine((url) => /^(file:|postgres(ql)?:\/\/)/i.test(url), "must start with file: (SQLite) or postgresql://"),
    ),
    DEFAULT_LOCALE: z.preprocess(emptyAsUndefined, z.enum(SUPPORTED_LOCALES).default("vi")),
    DEFAULT_TIMEZONE: z.preprocess(
      emptyAsUndefined,
      z.string().default("Asia/Ho_Chi_Minh").refine(isTimeZone, "is not an IANA time zone such as Asia/Ho_Chi_Minh"),
    ),
    ADMIN_TELEGRAM_IDS: idList,
    ZALO_BOT_TOKEN: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[^\s:]+:[^\s]+$/, "does not look like a Zalo bot token (bot id:secret, from Zalo Bot Creator)")
        .optional(),
    ),
    ZALO_API_ROOT: z.preprocess(emptyAsUndefined, z.url().default("https://bot-api.zaloplatforms.com")),
    ZALO_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    ZALO_WEBHOOK_SECRET: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,256}$/, "must be 8-256 characters of A-Z, a-z, 0-9, _ and -")
        .optional(),
    ),
    ADMIN_ZALO_IDS: z
      .string()
      .default("")
      .transform((raw) => raw.split(/[\s,;]+/).filter(Boolean)),
    PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS).default("info")),
    OUTBOX_CLAIM_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3600).default(120)),
    JOBS_ENABLED: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default("true")),
    RATE_LIMIT_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(5).max(100_000).default(120)),
    INVITE_CODE_TTL_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(365).default(14)),
    // the monthly report looks back 12 months, so meetings are kept at least 13
    RETENTION_MONTHS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(13).max(1200).default(36)),
  })
  .superRefine((env, ctx) => {
    // a ward on Zalo only needs no Telegram bot; one of the two is needed
    if (!env.TELEGRAM_BOT_TOKEN && !env.ZALO_BOT_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["TELEGRAM_BOT_TOKEN"], message: "is not set" });
    }
    if (env.BOT_MODE !== "webhook") return;
    if (env.TELEGRAM_BOT_TOKEN && !env.WEBHOOK_URL) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_URL"], message: "is required when BOT_MODE=webhook" });
    }
    if (env.TELEGRAM_BOT_TOKEN && !env.WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when BOT_MODE=webhook" });
    }
    if (!env.ZALO_BOT_TOKEN) return;
    if (!env.ZALO_WEBHOOK_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_WEBHOOK_URL"],
        message: "is required when BOT_MODE=webhook and ZALO_BOT_TOKEN is set",
      });
    }
    if (!env.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_WEBHOOK_SECRET"],
        message: "is required when BOT_MODE=webhook and ZALO_BOT_TOKEN is set",
      });
    }
  });

export interface Config {
  /** Set when TELEGRAM_BOT_TOKEN is; a deployment may serve Zalo only. */
  telegram: { token: string; apiRoot: string } | undefined;
  mode: "polling" | "webhook";
  webhook: { url: string; secret: string; path: string } | undefined;
  /** Set when ZALO_BOT_TOKEN is: the same process then serves Zalo too. */
  zalo: { token: string; apiRoot: string; webhook: { url: string; secret: string; path: string } | undefined } | undefined;
  /** Where this server is reachable from outside; Zalo then gets charts and files as links. */
  publicBaseUrl: string | undefined;
  http: { host: string; port: number };
  databaseUrl: string;
  defaultLocale: Locale;
  defaultTimeZone: string;
  adminTelegramIds: ReadonlySet<string>;
  adminZaloIds: ReadonlySet<string>;
  logLevel: (typeof LOG_LEVELS)[number];
  inviteCodeTtlDays: number;
  /** Commands, messages and button presses one person may send a minute (per instance). */
  rateLimitPerMinute: number;
  /** Scheduled reminders and the outbox sender; tests drive them by hand instead. */
  jobsEnabled: boolean;
  /** A message claimed by an instance that died is offered again after this long (the duplicate window). */
  outboxClaimTimeoutMs: number;
  /** Meetings (with their answers, attendance, agenda, notes) that ended longer ago than this are deleted. */
  retentionMonths: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const TOKEN_HELP =
  "TELEGRAM_BOT_TOKEN is not set. Open Telegram, talk to @BotFather (https://t.me/BotFather), send /newbot, " +
  "and put the token it gives you in .env as TELEGRAM_BOT_TOKEN=123456:ABC…, or export it before `npm start`. " +
  "(To serve Zalo only, set ZALO_BOT_TOKEN instead.)";

/** Reads process.env (after .env) unless an environment is given, as tests do. */
export function loadConfig(env: NodeJS.ProcessEnv = readEnvironment()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "configuration");
      if (name === "TELEGRAM_BOT_TOKEN" && env.TELEGRAM_BOT_TOKEN === undefined) return TOKEN_HELP;
      if (name === "TELEGRAM_BOT_TOKEN" && env.TELEGRAM_BOT_TOKEN === "") return TOKEN_HELP;
      return `${name} ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  return {
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, "") }
      : undefined,
    mode: e.BOT_MODE,
    webhook:
      e.TELEGRAM_BOT_TOKEN && e.BOT_MODE === "webhook" && e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, path: new URL(e.WEBHOOK_URL).pathname || "/" }
        : undefined,
    zalo: e.ZALO_BOT_TOKEN
      ? {
          token: e.ZALO_BOT_TOKEN,
          apiRoot: e.ZALO_API_ROOT.replace(/\/+$/, ""),
          webhook:
            e.BOT_MODE === "webhook" && e.ZALO_WEBHOOK_URL && e.ZALO_WEBHOOK_SECRET
              ? { url: e.ZALO_WEBHOOK_URL, secret: e.ZALO_WEBHOOK_SECRET, path: new URL(e.ZALO_WEBHOOK_URL).pathname || "/" }
              : undefined,
        }
      : undefined,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ""),
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    databaseUrl: e.DATABASE_URL,
    defaultLocale: e.DEFAULT_LOCALE,
    defaultTimeZone: e.DEFAULT_TIMEZONE,
    adminTelegramIds: new Set(e.ADMIN_TELEGRAM_IDS),
    adminZaloIds: new Set(e.ADMIN_ZALO_IDS),
    logLevel: e.LOG_LEVEL,
    inviteCodeTtlDays: e.INVITE_CODE_TTL_DAYS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    jobsEnabled: e.JOBS_ENABLED === "true",
    outboxClaimTimeoutMs: e.OUTBOX_CLAIM_TIMEOUT_SECONDS * 1000,
    retentionMonths: e.RETENTION_MONTHS,
  };
}

function readEnvironment(): NodeJS.ProcessEnv {
  loadDotenv({ quiet: true });
  return process.env;
}
