// What every CLI command shares: errors with exit codes, the configuration, the database, translations for
// domain messages, and finding a committee or a cell by id or name.
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, loadConfig, type Config } from "../config.js";
import type { Database } from "../db/client.js";
import { providerOf, sqliteFilePath } from "../db/url.js";
import type { Actor } from "../domain/audit.js";
import type { DomainError } from "../domain/errors.js";
import { normalizeName, searchKey } from "../domain/roster.js";
import type { Translate } from "../i18n.js";
import { plainText } from "../render/html.js";

/** Exit codes: 0 done, 1 failed or refused, 2 bad usage (or a command that does not apply, e.g. backup on PostgreSQL). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the operator can act on: printed as "error: message", without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message, EXIT_USAGE);
  }
}

export interface Output {
  out(line?: string): void;
  err(line?: string): void;
}

export const stdio: Output = {
  out: (line = "") => process.stdout.write(`${line}\n`),
  err: (line = "") => process.stderr.write(`${line}\n`),
};

/** node:util parseArgs, with its errors turned into a usage error that names the command. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`, command);
}

/** The configuration as the bot reads it (environment, then .env); every problem is listed. */
export function requireConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(`${error.message}\nFix the environment or .env (run \`doctor\` for a full check).`);
    }
    throw error;
  }
}

/**
 * Opens (and migrates, as the bot does at start-up) the configured database. Opening a SQLite path where no
 * file exists creates an empty database; say so, since that usually means DATABASE_URL points elsewhere.
 */
export async function openConfiguredDatabase(config: Config, io: Output): Promise<Database> {
  if (providerOf(config.databaseUrl) === "sqlite") {
    const file = sqliteFilePath(config.databaseUrl);
    if (file !== ":memory:" && !existsSync(file)) io.err(`note: no database at ${file}; a new, empty one is created.`);
  }
  const { openDatabase } = await import("../db/client.js");
  return openDatabase(config.databaseUrl);
}

export async function withDatabase<T>(config: Config, io: Output, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(config, io);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Who the audit log names for changes made from the CLI. */
export function cliActor(): Actor {
  let user = process.env.USER ?? "";
  try {
    user = userInfo().username;
  } catch {
    // a container user without a passwd entry
  }
  return { identityId: null, label: user ? `cli:${user}` : "cli" };
}

/** English translations: operators read the CLI in a shell. */
export async function englishTranslator(): Promise<Translate> {
  const { createTranslations } = await import("../i18n.js");
  return (await createTranslations("en")).t("en");
}

/** A domain rule's message, in English, as plain text. */
export async function domainMessage(error: DomainError): Promise<string> {
  const t = await englishTranslator();
  return plainText(t(error.key, error.params));
}

/**
 * A path the operator typed. `npm run cli` runs in the package folder, so a relative path is taken from where
 * npm was started (INIT_CWD), as the operator expects.
 */
export function inputPath(typed: string): string {
  const base = process.env.npm_lifecycle_event === "cli" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  return path.resolve(base, typed);
}

export interface Named {
  id: string;
  name: string;
}

/**
 * The item whose id is `query`, else whose name is `query` (case and spacing ignored, then diacritics ignored too).
 * Several matches, or none, are errors that list what the operator can type instead.
 */
export function pickByIdOrName<T extends Named>(items: readonly T[], query: string, kind: string, listCommand: string): T {
  const byId = items.find((item) => item.id === query);
  if (byId) return byId;
  const steps = [normalizeName, searchKey];
  for (const key of steps) {
    const wanted = key(query);
    const found = items.filter((item) => key(item.name) === wanted);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      const list = found.map((item) => `  ${item.id}  ${item.name}`).join("\n");
      throw new CliError(`${found.length} ${kind}s are named "${query}"; give the id instead:\n${list}`);
    }
  }
  const near = items.filter((item) => searchKey(item.name).includes(searchKey(query))).slice(0, 5);
  const hint = near.length
    ? `\nDid you mean:\n${near.map((item) => `  ${item.id}  ${item.name}`).join("\n")}`
    : `\nList them with \`${listCommand}\`.`;
  throw new CliError(`no ${kind} matches "${query}".${hint}`);
}

/** YYYY-MM-DDTHHMMSSZ: sortable, and safe in a file name on every system. */
export function fileTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/:/g, "");
}

/** Rows as aligned columns. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  return all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}
