// Applies prisma/<provider>/migrations at start-up, the way `prisma migrate deploy` does, without Prisma's
// native schema engine (which cannot be downloaded on restricted networks). It keeps Prisma's own
// `_prisma_migrations` bookkeeping, so the Prisma CLI sees the same history on a developer's machine.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseProvider } from "./url.js";

const POSTGRES_MIGRATION_LOCK = 72707369; // the advisory lock id Prisma's own engine takes

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Executes statements against one database; implemented for SQLite and PostgreSQL below. */
interface MigrationDriver {
  ensureTable(): Promise<void>;
  applied(): Promise<AppliedMigration[]>;
  apply(migration: MigrationFile): Promise<void>;
  close(): Promise<void>;
}

export class MigrationError extends Error {}

export function migrationsDir(provider: DatabaseProvider): string {
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
  return path.join(projectRoot, "prisma", provider, "migrations");
}

export function listMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new MigrationError(`Migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrationReport {
  applied: string[];
  checksumMismatches: string[];
}

export async function applyMigrations(
  provider: DatabaseProvider,
  url: string,
  dir = migrationsDir(provider),
): Promise<MigrationReport> {
  const migrations = listMigrations(dir);
  const driver = provider === "sqlite" ? await sqliteDriver(url) : await postgresDriver(url);
  try {
    await driver.ensureTable();
    const done = await driver.applied();
    const failed = done.find((row) => row.finished_at == null && row.rolled_back_at == null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and left the database half-migrated. ` +
          `Restore the backup or fix the database, then mark it rolled back in _prisma_migrations.`,
      );
    }
    const finished = new Map(done.filter((row) => row.finished_at != null).map((row) => [row.migration_name, row]));
    const report: MigrationReport = { applied: [], checksumMismatches: [] };
    for (const migration of migrations) {
      const previous = finished.get(migration.name);
      if (previous) {
        if (previous.checksum !== migration.checksum) report.checksumMismatches.push(migration.name);
        continue;
      }
      await driver.apply(migration);
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await driver.close();
  }
}

const CREATE_TABLE_SQLITE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
  "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;

const CREATE_TABLE_POSTGRES = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

const SELECT_APPLIED = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`;

function sqliteTimestamp(date = new Date()): string {
  return date.toISOString().replace("Z", "+00:00");
}

async function sqliteDriver(url: string): Promise<MigrationDriver> {
  const { default: Database } = await import("better-sqlite3");
  const { sqliteFilePath } = await import("./url.js");
  const db = new Database(sqliteFilePath(url));
  db.pragma("busy_timeout = 10000");
  return {
    async ensureTable() {
      db.exec(CREATE_TABLE_SQLITE);
    },
    async applied() {
      return db.prepare(SELECT_APPLIED).all() as AppliedMigration[];
    },
    async apply(migration) {
      const run = db.transaction(() => {
        const startedAt = sqliteTimestamp();
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, NULL, ?, 1)`,
        ).run(randomUUID(), migration.checksum, sqliteTimestamp(), migration.name, startedAt);
      });
      run.immediate();
    },
    async close() {
      db.close();
    },
  };
}

async function postgresDriver(url: string): Promise<MigrationDriver> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SELECT pg_advisory_lock($1)", [POSTGRES_MIGRATION_LOCK]);
  return {
    async ensureTable() {
      await client.query(CREATE_TABLE_POSTGRES);
    },
    async applied() {
      return (await client.query<AppliedMigration>(SELECT_APPLIED)).rows;
    },
    async apply(migration) {
      await client.query("BEGIN");
      try {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
    },
    async close() {
      await client.query("SELECT pg_advisory_unlock($1)", [POSTGRES_MIGRATION_LOCK]).catch(() => undefined);
      await client.end();
    },
  };
}
