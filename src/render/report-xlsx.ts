/**
 * The monthly report as an Excel workbook for the committee's staff, one sheet per view:
 *  1. summary ("Tổng hợp"): one row per cell (by name): status, date, length, present, expected,
 *     rate, excused, unexcused, rating, meeting flags, flagged members, thematic this quarter;
 *  2. attention ("Cần chú ý"): the cells needing attention, most in need first, with reasons;
 *  3. trend ("Xu hướng 12 tháng"): one row per cell, one column per month (oldest first), then
 *     the ward-wide row;
 *  4. totals ("Toàn phường"): label / value rows.
 * Rates are numbers from 0 to 1 formatted "0.0%" (Excel shows the reader's decimal mark), dates
 * are real dates formatted dd/mm/yyyy, empty cells mean "no value" (no meeting, no rate). Each
 * header row is bold and frozen, with an autofilter and set column widths.
 *
 * All text comes from `labels` (reportXlsxLabels(t) builds them from the "report.xlsx.*" keys).
 * exceljs is loaded on first use, as in roster-import.ts, to keep it out of the bot's start-up.
 */

import type { Worksheet } from "exceljs";
import type { MeetingFlag } from "../domain/attendance.js";
import type { AttentionReason, CellMonthStatus, MonthlyReport } from "../domain/monthly-report.js";
import type { Rating } from "../domain/rating.js";
import { formatReportMonth, type ReportTranslate } from "./report-message.js";

export interface ReportXlsxLabels {
  sheets: { summary: string; attention: string; trend: string; totals: string };
  summary: {
    cell: string;
    status: string;
    date: string;
    minutes: string;
    present: string;
    expected: string;
    rate: string;
    excused: string;
    unexcused: string;
    rating: string;
    flags: string;
    membersUnexcused3: string;
    membersUnexcused2: string;
    thematic: string;
  };
  /** Cell statuses; `overdue` is a scheduled meeting whose time has passed without being closed. */
  status: Record<CellMonthStatus | "overdue" | "cancelled", string>;
  rating: Record<Rating, string>;
  flag: Record<MeetingFlag, string>;
  reason: Record<AttentionReason, string>;
  yes: string;
  no: string;
  attention: { rank: string; cell: string; reasons: string; rate: string; score: string };
  trend: { cell: string; ward: string };
  totals: {
    item: string;
    value: string;
    period: string;
    cells: string;
    held: string;
    scheduled: string;
    notHeld: string;
    present: string;
    expected: string;
    rate: string;
    excused: string;
    unexcused: string;
    below85: string;
    membersUnexcused3: string;
    membersUnexcused2: string;
    membersExcused3InARow: string;
    thematic: string;
    needingAttention: string;
  };
  /** Month column headers: "2026-11" → "11/2026" by default. */
  monthLabel?: (period: string) => string;
}

/** Every key reportXlsxLabels reads. */
export const REPORT_XLSX_KEYS = [
  "report.xlsx.sheet_summary",
  "report.xlsx.sheet_attention",
  "report.xlsx.sheet_trend",
  "report.xlsx.sheet_totals",
  "report.xlsx.cell",
  "report.xlsx.status",
  "report.xlsx.date",
  "report.xlsx.minutes",
  "report.xlsx.present",
  "report.xlsx.expected",
  "report.xlsx.rate",
  "report.xlsx.excused",
  "report.xlsx.unexcused",
  "report.xlsx.rating",
  "report.xlsx.flags",
  "report.xlsx.members_unexcused_3",
  "report.xlsx.members_unexcused_2",
  "report.xlsx.members_excused_3_in_a_row",
  "report.xlsx.thematic",
  "report.xlsx.status_held",
  "report.xlsx.status_scheduled",
  "report.xlsx.status_overdue",
  "report.xlsx.status_not_held",
  "report.xlsx.status_cancelled",
  "report.xlsx.yes",
  "report.xlsx.no",
  "report.xlsx.rank",
  "report.xlsx.reasons",
  "report.xlsx.score",
  "report.xlsx.ward",
  "report.xlsx.item",
  "report.xlsx.value",
  "report.xlsx.period",
  "report.xlsx.cells",
  "report.xlsx.held",
  "report.xlsx.scheduled",
  "report.xlsx.not_held",
  "report.xlsx.below_85",
  "report.xlsx.needing_attention",
  "report.xlsx.reason_unexcused_3",
  "report.xlsx.reason_below_85",
] as const;

/**
 * Labels from the locale: the "report.xlsx.*" keys plus the rating, flag and reason texts of the
 * message ("report.rating.*", "report.flag.*", "report.reason.*"). The two reasons whose message
 * text has a number in it (unexcused_3, below_85) have their own column texts here.
 */
export function reportXlsxLabels(t: ReportTranslate): ReportXlsxLabels {
  const x = (key: string): string => t(`report.xlsx.${key}`);
  return {
    sheets: { summary: x("sheet_summary"), attention: x("sheet_attention"), trend: x("sheet_trend"), totals: x("sheet_totals") },
    summary: {
      cell: x("cell"),
      status: x("status"),
      date: x("date"),
      minutes: x("minutes"),
      present: x("present"),
      expected: x("expected"),
      rate: x("rate"),
      excused: x("excused"),
      unexcused: x("unexcused"),
      rating: x("rating"),
      flags: x("flags"),
      membersUnexcused3: x("members_unexcused_3"),
      membersUnexcused2: x("members_unexcused_2"),
      thematic: x("thematic"),
    },
    status: {
      held: x("status_held"),
      scheduled: x("status_scheduled"),
      overdue: x("status_overdue"),
      not_held: x("status_not_held"),
      cancelled: x("status_cancelled"),
    },
    rating: {
      good: t("report.rating.good"),
      fair: t("report.rating.fair"),
      average: t("report.rating.average"),
      poor: t("report.rating.poor"),
    },
    flag: {
      below_85: t("report.flag.below_85"),
      unexcused_absence: t("report.flag.unexcused_absence"),
      too_short: t("report.flag.too_short"),
    },
    reason: {
      not_held: t("report.reason.not_held"),
      unexcused_3: t("report.xlsx.reason_unexcused_3"),
      below_85: t("report.xlsx.reason_below_85"),
      rating_poor: t("report.reason.rating_poor"),
      rating_average: t("report.reason.rating_average"),
      no_thematic: t("report.reason.no_thematic"),
      scheduled_not_closed: t("report.reason.scheduled_not_closed"),
    },
    yes: x("yes"),
    no: x("no"),
    attention: { rank: x("rank"), cell: x("cell"), reasons: x("reasons"), rate: x("rate"), score: x("score") },
    trend: { cell: x("cell"), ward: x("ward") },
    totals: {
      item: x("item"),
      value: x("value"),
      period: x("period"),
      cells: x("cells"),
      held: x("held"),
      scheduled: x("scheduled"),
      notHeld: x("not_held"),
      present: x("present"),
      expected: x("expected"),
      rate: x("rate"),
      excused: x("excused"),
      unexcused: x("unexcused"),
      below85: x("below_85"),
      membersUnexcused3: x("members_unexcused_3"),
      membersUnexcused2: x("members_unexcused_2"),
      membersExcused3InARow: x("members_excused_3_in_a_row"),
      thematic: x("thematic"),
      needingAttention: x("needing_attention"),
    },
  };
}

const RATE_FORMAT = "0.0%";
const DATE_FORMAT = "dd/mm/yyyy";

/** Excel refuses sheet names over 31 characters or with : \ / ? * [ ]. */
function sheetName(name: string, fallback: string, taken: Set<string>): string {
  let clean = name
    .replace(/[:\\/?*[\]]/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^'+|'+$/g, "")
    .trim()
    .slice(0, 31)
    .trim();
  if (clean === "") clean = fallback;
  let candidate = clean;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${clean.slice(0, 27)} (${n})`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Text Excel can hold: no control characters, at most 32,767 characters. */
function text(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "").slice(0, 32_767);
}

/** "2026-11-05" → a Date Excel shows as 05/11/2026 (exceljs writes Dates as UTC). */
function excelDate(date: string | null): Date | null {
  if (date === null) return null;
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
}

function setupSheet(sheet: Worksheet, headers: readonly string[], widths: readonly number[]): void {
  sheet.columns = headers.map((header, index) => ({ header: text(header), width: widths[index] ?? 12 }));
  const headerRow = sheet.getRow(1);
  headerRow.font = { bold: true };
  headerRow.alignment = { vertical: "middle", wrapText: true };
  sheet.views = [{ state: "frozen", xSplit: 1, ySplit: 1 }];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
}

/** The workbook as the bytes of an .xlsx file. */
export async function reportXlsx(report: MonthlyReport, labels: ReportXlsxLabels): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Chibo";
  workbook.created = report.generatedAt;
  workbook.title = `${report.committeeName ?? ""} ${report.period}`.trim();
  const taken = new Set<string>();
  const monthLabel = labels.monthLabel ?? formatReportMonth;

  // 1. Summary.
  const s = labels.summary;
  const summary = workbook.addWorksheet(sheetName(labels.sheets.summary, "Summary", taken));
  setupSheet(
    summary,
    [
      s.cell,
      s.status,
      s.date,
      s.minutes,
      s.present,
      s.expected,
      s.rate,
      s.excused,
      s.unexcused,
      s.rating,
      s.flags,
      s.membersUnexcused3,
      s.membersUnexcused2,
      s.thematic,
    ],
    [36, 18, 12, 10, 10, 10, 10, 12, 12, 12, 36, 14, 14, 14],
  );
  for (const cell of report.cells) {
    const status =
      cell.status === "scheduled" && cell.overdue
        ? labels.status.overdue
        : cell.status === "not_held" && cell.cancelled
          ? labels.status.cancelled
          : labels.status[cell.status];
    summary.addRow([
      text(cell.name),
      status,
      excelDate(cell.date),
      cell.minutes,
      cell.present,
      cell.expected,
      cell.rate,
      cell.excused,
      cell.unexcused,
      cell.rating === null ? null : labels.rating[cell.rating],
      cell.flags.map((flag) => labels.flag[flag]).join("; ") || null,
      cell.membersUnexcused3,
      cell.membersUnexcused2,
      cell.thematicThisQuarter ? labels.yes : labels.no,
    ]);
  }
  summary.getColumn(3).numFmt = DATE_FORMAT;
  summary.getColumn(7).numFmt = RATE_FORMAT;

  // 2. Attention.
  const a = labels.attention;
  const attention = workbook.addWorksheet(sheetName(labels.sheets.attention, "Attention", taken));
  setupSheet(attention, [a.rank, a.cell, a.reasons, a.rate, a.score], [8, 36, 70, 10, 10]);
  report.attention.forEach((item, index) => {
    attention.addRow([
      index + 1,
      text(item.name),
      item.reasons.map((reason) => labels.reason[reason]).join("; "),
      item.rate,
      item.needsAttention,
    ]);
  });
  attention.getColumn(3).alignment = { wrapText: true, vertical: "top" };
  attention.getColumn(4).numFmt = RATE_FORMAT;
  attention.views = [{ state: "frozen", xSplit: 0, ySplit: 1 }];

  // 3. Trend: cells × months, then the ward.
  const trend = workbook.addWorksheet(sheetName(labels.sheets.trend, "Trend", taken));
  setupSheet(
    trend,
    [labels.trend.cell, ...report.trend.map((month) => monthLabel(month.period))],
    [36, ...report.trend.map(() => 10)],
  );
  report.cells.forEach((cell, index) => {
    trend.addRow([text(cell.name), ...report.trend.map((month) => month.cells[index]?.rate ?? null)]);
  });
  const wardRow = trend.addRow([labels.trend.ward, ...report.trend.map((month) => month.rate)]);
  wardRow.font = { bold: true };
  for (let column = 2; column <= report.trend.length + 1; column++) trend.getColumn(column).numFmt = RATE_FORMAT;

  // 4. Totals.
  const t = labels.totals;
  const totalsSheet = workbook.addWorksheet(sheetName(labels.sheets.totals, "Totals", taken));
  setupSheet(totalsSheet, [t.item, t.value], [48, 16]);
  const totals = report.totals;
  const rows: [string, string | number | null, boolean?][] = [
    [t.period, monthLabel(report.period)],
    [t.cells, totals.cells],
    [t.held, totals.held],
    [t.scheduled, totals.scheduled],
    [t.notHeld, totals.notHeld],
    [t.present, totals.present],
    [t.expected, totals.expected],
    [t.rate, totals.rate, true],
    [t.excused, totals.excused],
    [t.unexcused, totals.unexcused],
    [t.below85, totals.below85],
    [t.membersUnexcused3, totals.membersUnexcused3],
    [t.membersUnexcused2, totals.membersUnexcused2],
    [t.membersExcused3InARow, totals.membersExcused3InARow],
    [t.thematic, totals.thematicThisQuarter],
    [t.needingAttention, totals.needingAttention],
  ];
  for (const [label, value, isRate] of rows) {
    const row = totalsSheet.addRow([label, value]);
    if (isRate) row.getCell(2).numFmt = RATE_FORMAT;
  }
  totalsSheet.getColumn(2).alignment = { horizontal: "right" };

  const bytes = await workbook.xlsx.writeBuffer();
  return Buffer.from(bytes as ArrayBuffer);
}
