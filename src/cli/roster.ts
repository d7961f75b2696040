// import-roster: the bot's roster import (parse, preview, save on confirmation) with --yes as the confirmation.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { applyRosterImport, planImportForCell } from "../domain/members.js";
import { parseRosterFile } from "../domain/roster-import.js";
import { plainText } from "../render/html.js";
import { importPreview } from "../render/roster.js";
import { findCell } from "./committees.js";
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  cliActor,
  englishTranslator,
  inputPath,
  parseCommandArgs,
  requireConfig,
  withDatabase,
  type Output,
} from "./context.js";

/** Larger than any cell's roster (2 000 rows at most), small enough to read at once. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export async function importRosterCommand(args: string[], io: Output): Promise<number> {
  const command = "import-roster";
  const { values, positionals } = parseCommandArgs(command, args, {
    cell: { type: "string" },
    yes: { type: "boolean", default: false },
  });
  if (!values.cell) throw new UsageError("--cell is required", command);
  if (positionals.length !== 1) throw new UsageError("give exactly one roster file (.csv or .xlsx)", command);
  const file = inputPath(positionals[0]!);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  if (bytes.length > MAX_FILE_BYTES) throw new CliError(`${file} is larger than 20 MB; is it a roster?`);
  const config = requireConfig();
  const t = await englishTranslator();
  return withDatabase(config, io, async ({ db }) => {
    const cell = await findCell(db, values.cell!);
    const parsed = await parseRosterFile(new Uint8Array(bytes), path.basename(file));
    if (parsed.fatal) {
      const fatal = parsed.fatal;
      const columns = fatal.code === "missing_columns" ? fatal.columns.map((c) => t(`roster.column.${c}`)).join(", ") : "";
      const limit = fatal.code === "too_many_rows" ? fatal.limit : 0;
      io.err(`error: ${plainText(t(`roster.fatal.${fatal.code}`, { columns, limit }))}`);
      return EXIT_FAILURE;
    }
    const plan = await planImportForCell(db, cell.id, parsed.rows);
    io.out(withoutBotPrompt(plainText(importPreview(t, parsed, plan, cell.name)), t));
    io.out("");
    if (plan.add.length + plan.update.length === 0) {
      io.out("Nothing to save: the roster already matches the file.");
      return EXIT_OK;
    }
    if (!values.yes) {
      io.out("Preview only: nothing was saved. Run again with --yes to save.");
      return EXIT_OK;
    }
    const saved = await applyRosterImport(db, cliActor(), cell.id, parsed.rows);
    io.out(
      `Saved the roster of ${cell.name}: ${saved.add.length} added, ${saved.update.length} updated, ` +
        `${saved.unchanged.length} unchanged (${saved.counts.total} members in the file).`,
    );
    return EXIT_OK;
  });
}

/** The preview ends with the chat's "tap Save" line; the CLI says what to do itself. */
function withoutBotPrompt(text: string, t: (key: string) => string): string {
  for (const key of ["roster.preview_confirm", "roster.preview_nothing"]) {
    const prompt = plainText(t(key));
    if (text.endsWith(prompt)) return text.slice(0, -prompt.length).trimEnd();
  }
  return text;
}
