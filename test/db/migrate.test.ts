import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("moves what an earlier version kept of a Zalo chat into the rows this one reads, keeping newer rows", async () => {
    database = await createTestDatabase();
    const all = listMigrations(migrationsDir(database.provider));
    const split = all.findIndex((m) => m.name.endsWith("_split_zalo_chat_state"));
    const earlier = mkdtempSync(join(tmpdir(), "chibo-migrations-"));
    try {
      for (const migration of all.slice(0, split)) {
        cpSync(join(migrationsDir(database.provider), migration.name), join(earlier, migration.name), { recursive: true });
      }
      await applyMigrations(database.provider, database.url, earlier);
    } finally {
      rmSync(earlier, { recursive: true, force: true });
    }
    const opened = await openDatabase(database.url, { migrate: false });
    try {
      await opened.db.storageEntry.createMany({
        data: [
          { key: "zalo:chat:a1", value: JSON.stringify({ disclosed: true, lastPrompt: "m-17" }) },
          { key: "zalo:chat:b2", value: JSON.stringify({ disclosed: false }) },
          { key: "zalo:chat:c3", value: JSON.stringify({ disclosed: true, lastPrompt: "m-1" }) },
          { key: "zalo:chat:c3:prompt", value: JSON.stringify("m-9") },
          { key: "zalo:menu:a1:m-17", value: JSON.stringify(["x"]) },
        ],
      });
      expect((await applyMigrations(database.provider, database.url)).applied).toEqual(all.slice(split).map((m) => m.name));
      const rows = await opened.db.storageEntry.findMany({ orderBy: { key: "asc" } });
      expect(Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]))).toEqual({
        "zalo:chat:a1:disclosed": true,
        "zalo:chat:a1:prompt": "m-17",
        "zalo:chat:c3:disclosed": true,
        "zalo:chat:c3:prompt": "m-9",
        "zalo:menu:a1:m-17": ["x"],
      });
    } finally {
      await opened.close();
    }
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
