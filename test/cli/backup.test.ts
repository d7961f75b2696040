import Database from "better-sqlite3";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { sqliteFilePath } from "../../src/db/url.js";
import { cliWorld, inDatabase, migrationCount, type CliWorld } from "./cli-process.js";

const committeeNames = (url: string) =>
  inDatabase(url, async (db) => (await db.committee.findMany({ orderBy: { name: "asc" } })).map((c) => c.name));

describe("cli: backup and restore", { timeout: 120_000 }, () => {
  let world: CliWorld;
  beforeEach(async () => {
    world = await cliWorld();
  });
  afterEach(async () => {
    await world.drop();
  });

  it.runIf(process.env.TEST_DATABASE_URL)("on PostgreSQL both explain pg_dump / pg_restore and exit 2", async () => {
    const backup = await world.run(["backup"]);
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain("pg_dump");
    const restore = await world.run(["restore", "--yes", path.join(world.dir, "x.db")]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain("pg_restore");
  });

  describe.skipIf(process.env.TEST_DATABASE_URL)("SQLite", () => {
    let file: string;
    beforeEach(() => {
      file = sqliteFilePath(world.database.url);
    });

    it("backup then restore brings back the data as it was, keeping the replaced file as .before-restore-*", async () => {
      await world.run(["create-committee", "--name", "Ward A", "--chat", "telegram:-100601"]);
      const backupFile = path.join(world.dir, "saved.db");
      const backup = await world.run(["backup", "--out", backupFile]);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain("integrity ok");
      expect(existsSync(`${backupFile}-wal`)).toBe(false);

      await world.run(["create-committee", "--name", "Ward B", "--chat", "telegram:-100602"]);
      expect(await committeeNames(world.database.url)).toEqual(["Ward A", "Ward B"]);

      const restore = await world.run(["restore", "--yes", backupFile]);
      expect(restore.stderr).toBe("");
      expect(restore.code).toBe(0);
      expect(await committeeNames(world.database.url)).toEqual(["Ward A"]);

      const kept = readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.before-restore-`));
      expect(kept).toHaveLength(1);
      const previous = new Database(path.join(path.dirname(file), kept[0]!), { readonly: true });
      try {
        expect(previous.prepare(`SELECT name FROM "Committee" ORDER BY name`).all()).toEqual([
          { name: "Ward A" },
          { name: "Ward B" },
        ]);
      } finally {
        previous.close();
      }
    });

    it("backup is consistent while the bot has the database open, and lands in backups/ by default", async () => {
      await world.run(["create-committee", "--name", "Ward A", "--chat", "telegram:-100611"]);
      const running = await openDatabase(world.database.url); // the bot's connection
      try {
        await running.db.committee.create({ data: { name: "Written by the bot", timeZone: "Asia/Ho_Chi_Minh" } });
        const backup = await world.run(["backup"]);
        expect(backup.code).toBe(0);
        const copies = readdirSync(path.join(path.dirname(file), "backups"));
        expect(copies).toHaveLength(1);
        const copy = new Database(path.join(path.dirname(file), "backups", copies[0]!), { readonly: true });
        try {
          expect(copy.prepare(`SELECT count(*) AS n FROM "Committee"`).get()).toEqual({ n: 2 });
        } finally {
          copy.close();
        }
      } finally {
        await running.close();
      }
    });

    it("restore without --yes checks the file and changes nothing", async () => {
      await world.run(["create-committee", "--name", "Ward A", "--chat", "telegram:-100621"]);
      const backupFile = path.join(world.dir, "saved.db");
      await world.run(["backup", "--out", backupFile]);
      await world.run(["create-committee", "--name", "Ward B", "--chat", "telegram:-100622"]);

      const dry = await world.run(["restore", backupFile]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`integrity ok, ${migrationCount("sqlite")} migrations, 1 committees`);
      expect(dry.stdout).toContain("Nothing was changed");
      expect(await committeeNames(world.database.url)).toEqual(["Ward A", "Ward B"]);
      expect(readdirSync(path.dirname(file)).some((name) => name.includes("before-restore"))).toBe(false);
    });

    it("restore refuses while the database is open (the bot running) and changes nothing", async () => {
      await world.run(["create-committee", "--name", "Ward A", "--chat", "telegram:-100631"]);
      const backupFile = path.join(world.dir, "saved.db");
      await world.run(["backup", "--out", backupFile]);
      const running = await openDatabase(world.database.url);
      try {
        await running.db.committee.create({ data: { name: "Ward B", timeZone: "Asia/Ho_Chi_Minh" } });
        const refused = await world.run(["restore", "--yes", backupFile]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("is in use (is the bot running?)");
      } finally {
        await running.close();
      }
      expect(await committeeNames(world.database.url)).toEqual(["Ward A", "Ward B"]);
    });

    it("restore refuses files that are not a Chibo database", async () => {
      await world.run(["committees"]); // creates the database
      const text = path.join(world.dir, "notes.db");
      writeFileSync(text, "not a database at all");
      const notSqlite = await world.run(["restore", "--yes", text]);
      expect(notSqlite.code).toBe(1);
      expect(notSqlite.stderr).toContain("is not a SQLite database");

      const other = path.join(world.dir, "other.db");
      const db = new Database(other);
      db.exec("CREATE TABLE t (x)");
      db.close();
      const notChibo = await world.run(["restore", "--yes", other]);
      expect(notChibo.code).toBe(1);
      expect(notChibo.stderr).toContain("no _prisma_migrations table");
      expect(readdirSync(path.dirname(file)).filter((name) => /before-restore|restoring/.test(name))).toEqual([]);
    });
  });
});
