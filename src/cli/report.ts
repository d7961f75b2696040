// report: the month's report (the same bundle the monthly summary and /report send) written to files.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parsePeriod, previousPeriod } from "../domain/monthly-report.js";
import { createTranslations, isLocale } from "../i18n.js";
import { reportBundle } from "../jobs/monthly-summary.js";
import { plainText } from "../render/html.js";
import { findCell, findCommittee } from "./committees.js";
import {
  EXIT_OK,
  UsageError,
  inputPath,
  noPositionals,
  parseCommandArgs,
  requireConfig,
  withDatabase,
  type Output,
} from "./context.js";

/** One message holds the whole report in a file; chat platforms are what split it. */
const NO_SPLIT = 1_000_000;

export async function reportCommand(args: string[], io: Output): Promise<number> {
  const command = "report";
  const { values, positionals } = parseCommandArgs(command, args, {
    committee: { type: "string" },
    cell: { type: "string" },
    month: { type: "string" },
    out: { type: "string", default: "." },
    locale: { type: "string" },
  });
  noPositionals(command, positionals);
  if ((values.committee === undefined) === (values.cell === undefined)) {
    throw new UsageError("give either --committee or --cell", command);
  }
  if (values.locale !== undefined && !isLocale(values.locale)) {
    throw new UsageError(`--locale must be vi or en, not "${values.locale}"`, command);
  }
  const config = requireConfig();
  const translations = await createTranslations(config.defaultLocale);
  return withDatabase(config, io, async ({ db }) => {
    const target =
      values.committee !== undefined
        ? { kind: "committee" as const, ...(await findCommittee(db, values.committee)) }
        : { kind: "cell" as const, ...(await findCell(db, values.cell!)) };
    const now = new Date();
    const period =
      values.month === undefined ? previousPeriod(now, target.timeZone) : parsePeriod(values.month, now, target.timeZone);
    if (!period) throw new UsageError(`--month "${values.month}" is not a month; use YYYY-MM, e.g. 2025-11`, command);
    const locale = translations.localeOf(values.locale, target.locale);
    const scope = target.kind === "committee" ? { committeeId: target.id } : { cellIds: [target.id] };
    const bundle = await reportBundle(db, translations.t(locale), locale, scope, period, target.timeZone, now, NO_SPLIT);
    const dir = inputPath(values.out);
    await mkdir(dir, { recursive: true });
    const stem = `${bundle.fileStem}-${slug(target.name) || target.id}`;
    const files = {
      txt: path.join(dir, `${stem}.txt`),
      png: path.join(dir, `${stem}.png`),
      xlsx: path.join(dir, `${stem}.xlsx`),
    };
    await writeFile(files.txt, `${bundle.messages.map(plainText).join("\n\n")}\n`);
    await writeFile(files.png, bundle.png);
    await writeFile(files.xlsx, bundle.xlsx);
    io.out(`Report of ${target.name} for ${period} (${locale}):`);
    for (const file of Object.values(files)) io.out(`  ${file}`);
    return EXIT_OK;
  });
}

/** A file-name part from a Vietnamese name: "Đảng ủy phường 7" → "dang-uy-phuong-7". */
function slug(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}
