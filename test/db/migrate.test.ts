import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { applyMigrations, listMigrations, migrationsDir } from "../../src/db/migrate.js";
import { sqliteFilePath } from "../../src/db/url.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase | undefined;
afterEach(async () => database?.drop());

describe("start-up migrations without Prisma's engine", () => {
  it("creates every table on an empty database and records Prisma's bookkeeping", async () => {
    database = await createTestDatabase();
    const first = await applyMigrations(database.provider, database.url);
    expect(first.applied).toEqual(listMigrations(migrationsDir(database.provider)).map((m) => m.name));
    const opened = await openDatabase(database.url, { migrate: false });
    try {
      expect(await opened.db.member.count()).toBe(0);
      const rows = await opened.db.$queryRawUnsafe<{ migration_name: string; finished_at: unknown }[]>(
        `SELECT migration_name, finished_at FROM "_prisma_migrations"`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
      expect(rows.every((r) => r.finished_at != null)).toBe(true);
    } finally {
      await opened.close();
    }
  });

  it("is idempotent: a restart applies nothing twice", async () => {
    database = await createTestDatabase();
    await applyMigrations(database.provider, database.url);
    const second = await applyMigrations(database.provider, database.url);
    expect(second.applied).toEqual([]);
    expect(second.checksumMismatches).toEqual([]);
  });

  it("refuses to start on a database left half-migrated by a failed migration", async () => {
    database = await createTestDatabase();
    if (database.provider !== "sqlite") return; // the same rule on PostgreSQL; SQLite is enough to drive it
    await applyMigrations(database.provider, database.url);
    const raw = new Database(sqliteFilePath(database.url));
    raw.prepare(`UPDATE "_prisma_migrations" SET finished_at = NULL`).run();
    raw.close();
    await expect(applyMigrations(database.provider, database.url)).rejects.toThrow(/failed earlier/);
  });

  it("explains an unreachable database instead of crashing", async () => {
    await expect(openDatabase("postgresql://nobody@127.0.0.1:1/none")).rejects.toThrow(/Cannot open the database/);
  });
});
