// member-export and member-delete: one person's data, as the member card's "Xuất dữ liệu" and "Xóa dữ liệu" in the bot.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Db } from "../db/client.js";
import { eraseMember, exportJson, exportMemberData, planErasure, type ErasureCounts } from "../domain/member-data.js";
import { plainText } from "../render/html.js";
import { findCell } from "./committees.js";
import {
  CliError,
  EXIT_OK,
  UsageError,
  cliActor,
  englishTranslator,
  inputPath,
  noPositionals,
  parseCommandArgs,
  pickByIdOrName,
  requireConfig,
  withDatabase,
  type Output,
} from "./context.js";

const memberOptions = { member: { type: "string" }, cell: { type: "string" } } as const;

/** The member an operator names: by id, or by id or name within --cell (removed members included). */
async function findMember(db: Db, query: string, cellQuery: string | undefined) {
  if (cellQuery === undefined) {
    const member = await db.member.findUnique({ where: { id: query } });
    if (!member) {
      throw new CliError(`no member has the id "${query}". To find one by name, add --cell ID|NAME (cells lists them).`);
    }
    return { id: member.id, name: member.fullName };
  }
  const cell = await findCell(db, cellQuery);
  const members = await db.member.findMany({ where: { cellId: cell.id }, orderBy: { nameKey: "asc" } });
  return pickByIdOrName(
    members.map((m) => ({ id: m.id, name: m.fullName })),
    query,
    "member",
    `member-export --cell "${cell.name}" --member ID`,
  );
}

export async function memberExportCommand(args: string[], io: Output): Promise<number> {
  const command = "member-export";
  const { values, positionals } = parseCommandArgs(command, args, { ...memberOptions, out: { type: "string" } });
  noPositionals(command, positionals);
  if (!values.member) throw new UsageError("--member is required", command);
  const config = requireConfig();
  const t = await englishTranslator();
  const file = values.out === undefined ? undefined : inputPath(values.out);
  if (file && existsSync(file)) throw new CliError(`${file} exists: choose another name (an export never overwrites a file)`);
  return withDatabase(config, io, async ({ db }) => {
    const member = await findMember(db, values.member!, values.cell);
    const data = await exportMemberData(db, cliActor(), member.id, { about: plainText(t("member_data.export_about")) });
    const json = exportJson(data);
    if (file === undefined) {
      io.out(json.trimEnd());
      return EXIT_OK;
    }
    // personal data: never over an existing file, readable by the operator only
    await writeFile(file, json, { encoding: "utf8", flag: "wx", mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        `cannot write ${file}: ${error.code === "EEXIST" ? "the file exists (choose another name)" : error.message}`,
      );
    });
    io.out(`Exported the data of ${member.name} (${member.id}) to ${file}`);
    io.out(
      `  ${data.accounts.length} linked account(s), ${data.linkRequests.length} link request(s), ` +
        `${data.answers.length} answer(s), ${data.attendance.length} attendance record(s), ` +
        `${data.auditAboutMember.length} audit entr${data.auditAboutMember.length === 1 ? "y" : "ies"}`,
    );
    io.out("The file holds personal data: hand it to the person only, and delete your copy.");
    return EXIT_OK;
  });
}

function describeCounts(counts: ErasureCounts): string[] {
  return [
    `  linked accounts:            ${counts.accounts} (deleted)`,
    `  link requests:              ${counts.linkRequests} (deleted)`,
    `  answers waiting for a link: ${counts.pendingAnswers} (deleted)`,
    `  answer reasons:             ${counts.answerReasons} (emptied; the answers stay)`,
    `  absence reasons:            ${counts.attendanceReasons} (emptied; the attendance stays)`,
    `  meeting notes by name:      ${counts.notes} (speaker replaced)`,
    `  audit entries:              ${counts.auditEntries} (kept without personal details)`,
    `  private chat state:         ${counts.chatState} (deleted)`,
    `  private chat messages:      ${counts.outboxMessages} queued or sent, ${counts.inboundUpdates} received (deleted)`,
  ];
}

export async function memberDeleteCommand(args: string[], io: Output): Promise<number> {
  const command = "member-delete";
  const { values, positionals } = parseCommandArgs(command, args, {
    ...memberOptions,
    yes: { type: "boolean", default: false },
  });
  noPositionals(command, positionals);
  if (!values.member) throw new UsageError("--member is required", command);
  const config = requireConfig();
  return withDatabase(config, io, async ({ db }) => {
    const member = await findMember(db, values.member!, values.cell);
    if (!values.yes) {
      const plan = await planErasure(db, member.id);
      io.out(`Would erase the personal data of ${member.name} (${member.id}):`);
      io.out(`  roster entry:               becomes "${plan.placeholder}" (status kept, personal fields emptied)`);
      for (const line of describeCounts(plan.counts)) io.out(line);
      io.out("");
      io.out("Preview only: nothing was changed. Run again with --yes to erase; it cannot be undone.");
      return EXIT_OK;
    }
    const erased = await eraseMember(db, cliActor(), member.id);
    io.out(`Erased the personal data of ${member.name} (${member.id}); the roster entry is now "${erased.placeholder}".`);
    for (const line of describeCounts(erased.counts)) io.out(line);
    io.out("Backups made before now still hold the data.");
    return EXIT_OK;
  });
}
