// Runs the operators' CLI as a real process, as `npm run cli` does (from source through tsx), with only the given
// environment and in a folder of its own, so a developer's .env is never read.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openDatabase, type Db } from "../../src/db/client.js";
import { listMigrations, migrationsDir } from "../../src/db/migrate.js";
import { SYSTEM_ACTOR } from "../../src/domain/audit.js";
import { createCell } from "../../src/domain/cells.js";
import { touchIdentity } from "../../src/domain/identities.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSX = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
const MAIN = path.join(root, "src", "cli", "main.ts");

export const FIXTURES = path.join(root, "test", "support", "fixtures");

/** A syntactically valid token; doctor is the only command that calls Telegram with it. */
export const DUMMY_TOKEN = "123456:DUMMY-token-for-cli-tests";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliWorld {
  database: TestDatabase;
  /** The CLI's working folder (temporary). */
  dir: string;
  env: Record<string, string>;
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  drop(): Promise<void>;
}

/** A fresh database and folder; every setting the bot reads is given (empty means unset), nothing is inherited. */
export async function cliWorld(env: Record<string, string> = {}): Promise<CliWorld> {
  const database = await createTestDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), "chibo-cli-"));
  const base: Record<string, string> = {
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: DUMMY_TOKEN,
    TELEGRAM_API_ROOT: "http://127.0.0.1:1",
    BOT_MODE: "",
    WEBHOOK_URL: "",
    WEBHOOK_SECRET: "",
    ZALO_BOT_TOKEN: "",
    ZALO_API_ROOT: "",
    DEFAULT_LOCALE: "",
    DEFAULT_TIMEZONE: "",
    ...env,
  };
  return {
    database,
    dir,
    env: base,
    run: (args, extra = {}) => runCli(args, { ...base, ...extra }, dir),
    async drop() {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A cell set up the way /setup does it (a secretary's account, the group bound), optionally joining with a code. */
export async function createCellIn(url: string, name: string, inviteCode?: string) {
  const { db, close } = await openDatabase(url);
  try {
    const secretary = await touchIdentity(db, {
      platform: "telegram",
      platformUserId: String(100 + Math.floor(Math.random() * 1e6)),
      displayName: "Hứa Minh Đạt",
      username: null,
      inPrivateChat: true,
    });
    return await createCell(db, SYSTEM_ACTOR, {
      name,
      type: "residential",
      platform: "telegram",
      chatId: String(-1_000_000_000_000 - Math.floor(Math.random() * 1e9)),
      chatTitle: name,
      secretaryIdentityId: secretary.id,
      timeZone: "Asia/Ho_Chi_Minh",
      locale: "vi",
      inviteCode,
    });
  } finally {
    await close();
  }
}

/** Reads the database from the test, between CLI runs. */
export async function inDatabase<T>(url: string, work: (db: Db) => Promise<T>): Promise<T> {
  const { db, close } = await openDatabase(url);
  try {
    return await work(db);
  } finally {
    await close();
  }
}

/** The codes printed under "Invite code(s) … :", one per indented line. */
export function printedCodes(stdout: string): string[] {
  return [...stdout.matchAll(/^ {2}([A-Z2-9]{8})$/gm)].map((match) => match[1]!);
}

/** How many migrations this version ships for the provider. */
export function migrationCount(provider: "sqlite" | "postgresql"): number {
  return listMigrations(migrationsDir(provider)).length;
}
