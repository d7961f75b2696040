// One Prisma client per provider. Both are generated from the same models, so the SQLite client's type
// describes both; the app uses only features the two providers share.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.js";
import { applyMigrations, type MigrationReport } from "./migrate.js";
import { providerOf, sqliteFilePath, type DatabaseProvider } from "./url.js";

export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
export type { Prisma } from "./generated/sqlite/client.js";

export interface Database {
  db: Db;
  provider: DatabaseProvider;
  migration: MigrationReport;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

export async function openDatabase(url: string, options: { migrate?: boolean } = {}): Promise<Database> {
  const provider = providerOf(url);
  let migration: MigrationReport = { applied: [], checksumMismatches: [] };
  try {
    if (options.migrate !== false) migration = await applyMigrations(provider, url);
    const db = provider === "sqlite" ? await openSqlite(url) : await openPostgres(url);
    await db.$queryRawUnsafe("SELECT 1");
    return { db, provider, migration, close: () => db.$disconnect() };
  } catch (error) {
    throw new DatabaseUnavailableError(describeConnectionError(url, error));
  }
}

async function openSqlite(url: string): Promise<Db> {
  const file = sqliteFilePath(url);
  const db = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }) });
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}

async function openPostgres(url: string): Promise<Db> {
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
  return client as unknown as Db;
}

function describeConnectionError(url: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `Cannot open the database at ${redactUrl(url)}: ${reason}`;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, "//$1:***@");
}
