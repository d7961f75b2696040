import { afterEach, beforeEach } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

/**
 * A fresh, migrated database for each test of the file (or of the `describe` it is called in), handed to `use`
 * before the test and dropped after it.
 */
export function freshDatabaseEach(use: (opened: Database) => void): void {
  let database: TestDatabase;
  let opened: Database;
  beforeEach(async () => {
    database = await createTestDatabase();
    opened = await openDatabase(database.url);
    use(opened);
  });
  afterEach(async () => {
    await opened.close();
    await database.drop();
  });
}
