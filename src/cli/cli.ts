// The operators' command line: `npm run cli -- <command> [options]` (docs/cli.md).
// Commands are loaded when run, so `help` and light commands do not load Prisma, grammY or the chart renderer.
import { DomainError } from "../domain/errors.js";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, domainMessage, stdio, type Output } from "./context.js";

type Command = (args: string[], io: Output) => Promise<number>;

interface CommandHelp {
  load: () => Promise<Command>;
  usage: string;
  summary: string;
  details: string[];
}

const COMMANDS: Record<string, CommandHelp> = {
  doctor: {
    load: () => import("./doctor.js").then((m) => m.doctorCommand),
    usage: "doctor",
    summary: "check configuration, database, migrations and the chat platforms",
    details: [
      "Validates the environment (.env), opens the database without changing it and reports its migrations,",
      "calls getMe on Telegram (and Zalo when ZALO_BOT_TOKEN is set) and, in webhook mode, compares the webhook.",
      "Exit code 0 when nothing failed (warnings allowed), 1 otherwise. Tokens are never printed.",
    ],
  },
  committees: {
    load: () => import("./committees.js").then((m) => m.committeesCommand),
    usage: "committees",
    summary: "list committees",
    details: ["Id, name, number of cells, unused invite codes, time zone and bound chats of every committee."],
  },
  cells: {
    load: () => import("./committees.js").then((m) => m.cellsCommand),
    usage: "cells [--committee ID|NAME]",
    summary: "list cells (of one committee)",
    details: ["Id, name, type, members on the roster, committee and bound chats of every cell."],
  },
  "create-committee": {
    load: () => import("./committees.js").then((m) => m.createCommitteeCommand),
    usage: "create-committee --name NAME --chat PLATFORM:CHAT_ID [--title T] [--timezone TZ] [--locale vi|en] [--invites N]",
    summary: "create a committee bound to its group chat, with invite codes",
    details: [
      "--chat      the committee's group, e.g. telegram:-1001234567890 or zalo:CHAT_ID (monthly reports go there)",
      "--title     the chat's title, for lists (optional)",
      "--timezone  default DEFAULT_TIMEZONE; --locale default DEFAULT_LOCALE",
      "--invites   invite codes to issue at once (default 1, 0 for none)",
    ],
  },
  "invite-codes": {
    load: () => import("./committees.js").then((m) => m.inviteCodesCommand),
    usage: "invite-codes --committee ID|NAME [--count N] [--ttl-days D]",
    summary: "issue single-use invite codes that cells join a committee with",
    details: ["--count default 1 (at most 30); --ttl-days default INVITE_CODE_TTL_DAYS."],
  },
  "import-roster": {
    load: () => import("./roster.js").then((m) => m.importRosterCommand),
    usage: "import-roster --cell ID|NAME [--yes] FILE.csv|FILE.xlsx",
    summary: "import a cell's member list (preview; --yes saves)",
    details: [
      "Reads the file as the bot does when a secretary sends it, and prints what it understood and would change.",
      "Nothing is saved without --yes. An import adds and updates members; it never removes one.",
    ],
  },
  "member-export": {
    load: () => import("./member-data.js").then((m) => m.memberExportCommand),
    usage: "member-export --member ID [--cell ID|NAME] [--out FILE.json]",
    summary: "export everything stored about one member, as JSON",
    details: [
      "Roster entry, linked accounts, link requests, answers with reasons, attendance, audit entries about them.",
      "--member  the member's id, or with --cell their id or name in that cell",
      "--out     write to this file (never over an existing one); default: print to stdout",
    ],
  },
  "member-delete": {
    load: () => import("./member-data.js").then((m) => m.memberDeleteCommand),
    usage: "member-delete --member ID [--cell ID|NAME] [--yes]",
    summary: "erase one member's personal data for good (preview; --yes erases)",
    details: [
      "The roster entry becomes an anonymous placeholder that keeps past meetings' figures; linked accounts, link",
      "requests and reasons are deleted; audit entries keep action and time only. Cannot be undone.",
    ],
  },
  report: {
    load: () => import("./report.js").then((m) => m.reportCommand),
    usage: "report (--committee ID|NAME | --cell ID|NAME) [--month YYYY-MM] [--out DIR] [--locale vi|en]",
    summary: "write a month's report as .txt, .png (chart) and .xlsx",
    details: [
      "--month  default: last month in the committee's (cell's) time zone",
      "--out    folder for the files, default the current folder (created when missing)",
      "--locale default: the committee's (cell's) language",
    ],
  },
  backup: {
    load: () => import("./backup.js").then((m) => m.backupCommand),
    usage: "backup [--out FILE|DIR/]",
    summary: "copy the SQLite database consistently, even while the bot runs",
    details: [
      "Default: backups/<name>-<UTC time>.db beside the database file. The copy is checked before it is reported.",
      "On PostgreSQL it explains pg_dump instead and exits with 2.",
    ],
  },
  restore: {
    load: () => import("./backup.js").then((m) => m.restoreCommand),
    usage: "restore [--yes] FILE",
    summary: "replace the SQLite database with a backup (the bot must be stopped)",
    details: [
      "Checks the file (SQLite, integrity, Chibo's migrations) and refuses while the database is in use.",
      "With --yes it keeps the current file as <name>.before-restore-<UTC time>, then replaces it;",
      "without --yes it only reports what it would do. On PostgreSQL it explains pg_restore and exits with 2.",
    ],
  },
};

function generalUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "Chibo operator CLI",
    "",
    "Usage: npm run cli -- <command> [options]   (in the Docker image: node dist/cli/main.js <command> …)",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, help]) => `  ${name.padEnd(width)}  ${help.summary}`),
    `  ${"help".padEnd(width)}  show this text, or \`help <command>\``,
    "",
    "Settings come from the environment and .env, as for the bot (DATABASE_URL, TELEGRAM_BOT_TOKEN, …).",
    "Exit codes: 0 done, 1 failed or refused, 2 bad usage.",
  ].join("\n");
}

function commandUsage(name: string): string {
  const help = COMMANDS[name]!;
  return [
    `Usage: npm run cli -- ${help.usage}`,
    "",
    `${help.summary[0]!.toUpperCase()}${help.summary.slice(1)}.`,
    ...help.details,
  ].join("\n");
}

export async function runCli(argv: string[], io: Output = stdio): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(generalUsage());
    return EXIT_USAGE;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    const topic = args[0];
    if (topic !== undefined && COMMANDS[topic]) io.out(commandUsage(topic));
    else if (topic !== undefined) {
      io.err(`error: unknown command "${topic}"\n\n${generalUsage()}`);
      return EXIT_USAGE;
    } else io.out(generalUsage());
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`error: unknown command "${name}"\n\n${generalUsage()}`);
    return EXIT_USAGE;
  }
  if (args.includes("--help") || args.includes("-h")) {
    io.out(commandUsage(name));
    return EXIT_OK;
  }
  try {
    const run = await command.load();
    return await run(args, io);
  } catch (error) {
    return reportError(error, io, name);
  }
}

async function reportError(error: unknown, io: Output, name: string): Promise<number> {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}\n\n${commandUsage(error.command ?? name)}`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.err(`error: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof DomainError) {
    io.err(`error: ${await domainMessage(error)}`);
    return EXIT_FAILURE;
  }
  const { DatabaseUnavailableError } = await import("../db/client.js");
  const { MigrationError } = await import("../db/migrate.js");
  if (error instanceof DatabaseUnavailableError || error instanceof MigrationError) {
    io.err(`error: ${error.message}`);
    return EXIT_FAILURE;
  }
  io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.CHIBO_CLI_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  else io.err("(set CHIBO_CLI_DEBUG=1 for the stack trace)");
  return EXIT_FAILURE;
}
