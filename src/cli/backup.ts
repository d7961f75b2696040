// backup and restore of the SQLite file. A backup uses SQLite's online backup, so it is consistent while the bot
// runs; a restore replaces the file only when no process has it open, after keeping a copy of the current one.
import Database from "better-sqlite3";
import { copyFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { listMigrations, migrationsDir } from "../db/migrate.js";
import { providerOf, sqliteFilePath } from "../db/url.js";
import {
  CliError,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  fileTimestamp,
  inputPath,
  noPositionals,
  parseCommandArgs,
  requireConfig,
  type Output,
} from "./context.js";

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

const POSTGRES_BACKUP =
  "DATABASE_URL points to PostgreSQL; back it up with PostgreSQL's own tools, e.g.\n" +
  '  pg_dump --format=custom --file=chibo.dump "$DATABASE_URL"';
const POSTGRES_RESTORE =
  "DATABASE_URL points to PostgreSQL; restore it with PostgreSQL's own tools while the bot is stopped, e.g.\n" +
  '  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" chibo.dump';

export async function backupCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs("backup", args, { out: { type: "string" } });
  noPositionals("backup", positionals);
  const config = requireConfig();
  if (providerOf(config.databaseUrl) !== "sqlite") {
    io.err(POSTGRES_BACKUP);
    return EXIT_USAGE;
  }
  const source = databaseFile(config.databaseUrl);
  if (!existsSync(source)) throw new CliError(`no database at ${source}; nothing to back up (check DATABASE_URL).`);
  const target = backupTarget(source, values.out);
  if (existsSync(target)) throw new CliError(`${target} already exists; choose another --out.`);
  mkdirSync(path.dirname(target), { recursive: true });
  const live = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await live.backup(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw new CliError(`backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    live.close();
  }
  const summary = standalone(target);
  io.out(`Backed up ${source}`);
  io.out(`  to ${target} (${formatSize(statSync(target).size)}, ${summary.migrations} migrations, integrity ok)`);
  return EXIT_OK;
}

export async function restoreCommand(args: string[], io: Output): Promise<number> {
  const command = "restore";
  const { values, positionals } = parseCommandArgs(command, args, { yes: { type: "boolean", default: false } });
  if (positionals.length !== 1) throw new UsageError("give exactly one backup file", command);
  const config = requireConfig();
  if (providerOf(config.databaseUrl) !== "sqlite") {
    io.err(POSTGRES_RESTORE);
    return EXIT_USAGE;
  }
  const backup = inputPath(positionals[0]!);
  const target = databaseFile(config.databaseUrl);
  if (!existsSync(backup)) throw new CliError(`no such file: ${backup}`);
  if (path.resolve(backup) === target) throw new CliError(`${backup} is the database itself; give a backup file.`);
  if (!hasSqliteHeader(backup)) throw new CliError(`${backup} is not a SQLite database.`);
  if (existsSync(target) && inUse(target)) {
    throw new CliError(`${target} is in use (is the bot running?). Stop the bot, then restore.`);
  }

  // Check a private copy, so neither the backup nor the live file is touched until the copy is known good.
  const staged = `${target}.restoring-${fileTimestamp()}`;
  try {
    await stage(backup, staged);
    const check = checkBackup(staged);
    const known = listMigrations(migrationsDir("sqlite")).map((m) => m.name);
    const unknown = check.migrations.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new CliError(`${backup} was made by a newer Chibo (unknown migrations: ${unknown.join(", ")}); upgrade first.`);
    }
    const pending = known.filter((name) => !check.migrations.includes(name)).length;
    io.out(
      `Backup ${backup}: integrity ok, ${check.migrations.length} migrations, ${check.committees} committees, ${check.cells} cells.`,
    );
    if (pending > 0) io.out(`  The bot applies ${pending} newer migration(s) to it when it starts.`);
    if (!values.yes) {
      io.out(`Would replace ${target}${existsSync(target) ? " (keeping a copy of it first)" : ""}.`);
      io.out("Nothing was changed. Stop the bot, then run again with --yes to restore.");
      rmSync(staged, { force: true });
      return EXIT_OK;
    }
    const kept = existsSync(target) ? await keepCurrent(target) : undefined;
    for (const sidecar of ["-wal", "-shm", "-journal"]) rmSync(`${target}${sidecar}`, { force: true });
    renameSync(staged, target);
    if (kept) io.out(`Kept the previous database as ${kept}`);
    io.out(`Restored ${target} from ${backup}. Start the bot again.`);
    return EXIT_OK;
  } finally {
    rmSync(staged, { force: true });
  }
}

function databaseFile(url: string): string {
  const file = sqliteFilePath(url);
  if (file === ":memory:") throw new CliError("DATABASE_URL is an in-memory database; there is no file to back up or restore.");
  return file;
}

/** --out as a file, or as a folder (existing, or written with a trailing slash); default: backups/ beside the database. */
function backupTarget(source: string, out: string | undefined): string {
  const name = `${path.basename(source, path.extname(source))}-${fileTimestamp()}.db`;
  if (out === undefined) return path.join(path.dirname(source), "backups", name);
  const resolved = inputPath(out);
  const isFolder = /[\\/]$/.test(out) || (existsSync(resolved) && statSync(resolved).isDirectory());
  return isFolder ? path.join(resolved, name) : resolved;
}

/** Makes a backup one self-contained file (no -wal beside it) and checks it. */
function standalone(file: string): { migrations: number } {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma("journal_mode = DELETE");
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new CliError(`the copy ${file} failed its integrity check: ${String(check)}`);
    return { migrations: migrationNames(db).length };
  } finally {
    db.close();
  }
}

function hasSqliteHeader(file: string): boolean {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, header, 0, header.length, 0) === header.length && header.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether another connection has the database open. The bot keeps one open in WAL mode, which holds a shared lock
 * on the wal-index while it lives; an exclusive lock is then refused at once.
 */
function inUse(file: string): boolean {
  const db = new Database(file, { fileMustExist: true, timeout: 200 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) return true;
    throw new CliError(`cannot open ${file}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/** Copies the backup: byte for byte, or through SQLite when a -wal file beside it holds part of its content. */
async function stage(backup: string, staged: string): Promise<void> {
  if (existsSync(`${backup}-wal`)) {
    const source = new Database(backup, { readonly: true, fileMustExist: true });
    try {
      await source.backup(staged);
    } finally {
      source.close();
    }
  } else {
    copyFileSync(backup, staged);
  }
}

function checkBackup(file: string): { migrations: string[]; committees: number; cells: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (error) {
    throw new CliError(`the backup cannot be opened: ${(error as Error).message}`);
  }
  try {
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new CliError(`the backup failed its integrity check: ${String(check)}`);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name),
    );
    if (!tables.has("_prisma_migrations"))
      throw new CliError("the file is a SQLite database but not Chibo's (no _prisma_migrations table).");
    const count = (table: string) =>
      tables.has(table) ? (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n : 0;
    return { migrations: migrationNames(db), committees: count("Committee"), cells: count("Cell") };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`the backup cannot be read: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

function migrationNames(db: Database.Database): string[] {
  const rows = db
    .prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
    .all() as { migration_name: string }[];
  return rows.map((row) => row.migration_name);
}

/**
 * Copies the current database (WAL content included) to <file>.before-restore-<time>, holding an exclusive lock
 * so the bot cannot start writing meanwhile; closing last folds the WAL back into the file.
 */
async function keepCurrent(target: string): Promise<string> {
  const kept = `${target}.before-restore-${fileTimestamp()}`;
  const db = new Database(target, { fileMustExist: true, timeout: 200 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    await db.backup(kept);
    db.pragma("wal_checkpoint(TRUNCATE)");
  } catch (error) {
    rmSync(kept, { force: true });
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) {
      throw new CliError(`${target} is in use (is the bot running?). Stop the bot, then restore.`);
    }
    throw new CliError(`could not keep a copy of ${target}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  standalone(kept);
  return kept;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
