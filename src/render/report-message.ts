/**
 * The committee's monthly report as chat messages (Telegram HTML: only <b>, <i>, <code>).
 *
 * Order: the title, the cells needing attention (most in need first), every cell (by name), then
 * the ward-wide totals. All text comes from `t` with keys under "report." (listed in
 * REPORT_MESSAGE_KEYS); this module only adds line breaks and bullets.
 *
 * Escaping: every name (cell, committee) is escaped here with escapeHtml before it is passed to
 * `t`, and so are the lists built from several translations (reasons, flags). The real `t`
 * (src/i18n.ts) escapes interpolated values again, so the locale strings must write those
 * parameters unescaped: `{{- name}}`, `{{- committee}}`, `{{- reasons}}`, `{{- flags}}`. Numbers,
 * dates ("05/11/2026") and rates ("86,4%") contain nothing to escape and may use `{{x}}`.
 *
 * Splitting: the text is cut into messages of at most `maxLength` UTF-16 code units (what
 * Telegram's 4096 and Zalo's 2000 count, conservatively, since tags count too). A cell's lines
 * stay together and a section title stays with its first entry when they fit; otherwise the cut is
 * at a line break, and a single line longer than a message (a cell with a very long name) is cut
 * between characters outside tags and entities, its open tags closed and reopened.
 */

import type { CellReport, MonthlyReport } from "../domain/monthly-report.js";
import { escapeHtml } from "./html.js";

export type ReportTranslate = (key: string, params?: Record<string, unknown>) => string;

export type ReportLocale = "vi" | "en";

/** "86,4%" (vi) or "86.4%" (en): one decimal, rounded half up; "—" for no rate. */
export function formatRate(rate: number | null, locale: string = "vi"): string {
  if (rate === null || !Number.isFinite(rate)) return "—";
  const tenths = Math.round(rate * 1000 + 1e-9);
  const text = `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}`;
  const signed = tenths < 0 && !text.startsWith("-") ? `-${text}` : text;
  return `${locale.startsWith("en") ? signed : signed.replace(".", ",")}%`;
}

/** "2026-11-05" → "05/11/2026" (day/month/year in both languages, as in Vietnam). */
export function formatReportDate(date: string): string {
  const [year, month, day] = date.split("-");
  return `${day ?? ""}/${month ?? ""}/${year ?? ""}`;
}

/** "2026-11" → "11/2026". */
export function formatReportMonth(period: string): string {
  const [year, month] = period.split("-");
  return `${month ?? ""}/${year ?? ""}`;
}

/** Every key reportMessage may use (the rating, reason and flag keys are built from these stems). */
export const REPORT_MESSAGE_KEYS = [
  "report.title",
  "report.title_no_committee",
  "report.attention_title",
  "report.attention_line",
  "report.attention_none",
  "report.reason.not_held",
  "report.reason.unexcused_3",
  "report.reason.below_85",
  "report.reason.rating_poor",
  "report.reason.rating_average",
  "report.reason.no_thematic",
  "report.reason.scheduled_not_closed",
  "report.cells_title",
  "report.cell_held",
  "report.cell_held_no_length",
  "report.cell_scheduled",
  "report.cell_overdue",
  "report.cell_not_held",
  "report.cell_cancelled",
  "report.cell_flags",
  "report.cell_members",
  "report.cell_excused_in_a_row",
  "report.cell_thematic_yes",
  "report.cell_thematic_no",
  "report.flag.below_85",
  "report.flag.unexcused_absence",
  "report.flag.too_short",
  "report.rating.good",
  "report.rating.fair",
  "report.rating.average",
  "report.rating.poor",
  "report.rating.none",
  "report.totals_title",
  "report.totals_cells",
  "report.totals_attendance",
  "report.totals_absences",
  "report.totals_members",
  "report.totals_thematic",
] as const;

interface Context {
  t: ReportTranslate;
  rate: (rate: number | null) => string;
}

function reasonText(context: Context, cell: CellReport): string {
  return cell.reasons
    .map((reason) => {
      if (reason === "unexcused_3") return context.t("report.reason.unexcused_3", { count: cell.membersUnexcused3 });
      if (reason === "below_85") return context.t("report.reason.below_85", { rate: context.rate(cell.rate) });
      return context.t(`report.reason.${reason}`);
    })
    .join("; ");
}

function ratingText(t: ReportTranslate, rating: CellReport["rating"]): string {
  return t(`report.rating.${rating ?? "none"}`);
}

function cellBlock(context: Context, cell: CellReport, quarter: number): string[] {
  const { t } = context;
  const name = escapeHtml(cell.name);
  const date = cell.date ? formatReportDate(cell.date) : "";
  const code = cell.code ?? "";
  const lines: string[] = [];
  if (cell.status === "held") {
    const params: Record<string, unknown> = {
      name,
      date,
      present: cell.present ?? 0,
      expected: cell.expected ?? 0,
      rate: context.rate(cell.rate),
      excused: cell.excused ?? 0,
      unexcused: cell.unexcused ?? 0,
      rating: ratingText(t, cell.rating),
      code,
    };
    if (cell.minutes === null) lines.push(t("report.cell_held_no_length", params));
    else lines.push(t("report.cell_held", { ...params, minutes: cell.minutes }));
    if (cell.flags.length > 0) {
      lines.push(t("report.cell_flags", { flags: cell.flags.map((flag) => t(`report.flag.${flag}`)).join("; ") }));
    }
  } else if (cell.status === "scheduled") {
    lines.push(t(cell.overdue ? "report.cell_overdue" : "report.cell_scheduled", { name, date, code }));
  } else {
    lines.push(t(cell.cancelled ? "report.cell_cancelled" : "report.cell_not_held", { name }));
  }
  if (cell.membersUnexcused3 > 0 || cell.membersUnexcused2 > 0) {
    lines.push(t("report.cell_members", { unexcused3: cell.membersUnexcused3, unexcused2: cell.membersUnexcused2 }));
  }
  if (cell.membersExcused3InARow > 0) {
    lines.push(t("report.cell_excused_in_a_row", { count: cell.membersExcused3InARow }));
  }
  lines.push(t(cell.thematicThisQuarter ? "report.cell_thematic_yes" : "report.cell_thematic_no", { quarter }));
  return lines;
}

/**
 * The report as one or more messages, each at most `options.maxLength` long (4096 for Telegram,
 * 2000 for Zalo). `options.locale` chooses the decimal mark of rates ("vi" by default).
 */
export function reportMessage(
  t: ReportTranslate,
  report: MonthlyReport,
  options: { maxLength: number; locale?: ReportLocale },
): string[] {
  const maxLength = Math.floor(options.maxLength);
  if (!(maxLength >= 64)) throw new RangeError(`reportMessage: maxLength must be at least 64, got ${options.maxLength}`);
  const locale = options.locale ?? "vi";
  return splitMessages(reportBlocks({ t, rate: (rate) => formatRate(rate, locale) }, report), maxLength);
}

/** The report's blocks: each is one or more lines meant to stay in one message. */
function reportBlocks(context: Context, report: MonthlyReport): string[] {
  const { t } = context;
  const month = formatReportMonth(report.period);
  const title =
    report.committeeName === null || report.committeeName.trim() === ""
      ? t("report.title_no_committee", { month })
      : t("report.title", { committee: escapeHtml(report.committeeName), month });

  const blocks: string[] = [];
  const attentionTitle = t("report.attention_title", { count: report.attention.length });
  const byId = new Map(report.cells.map((cell) => [cell.cellId, cell]));
  if (report.attention.length === 0) {
    blocks.push([title, "", attentionTitle, t("report.attention_none")].join("\n"));
  } else {
    report.attention.forEach((item, index) => {
      const cell = byId.get(item.cellId);
      const reasons = cell ? reasonText(context, cell) : "";
      const line = t("report.attention_line", { index: index + 1, name: escapeHtml(item.name), reasons });
      blocks.push(index === 0 ? [title, "", attentionTitle, line].join("\n") : line);
    });
  }

  const cellsTitle = t("report.cells_title", { count: report.cells.length });
  report.cells.forEach((cell, index) => {
    const block = cellBlock(context, cell, report.quarter).join("\n");
    blocks.push(index === 0 ? ["", cellsTitle, block].join("\n") : block);
  });

  const totals = report.totals;
  blocks.push(
    [
      "",
      t("report.totals_title"),
      t("report.totals_cells", {
        cells: totals.cells,
        held: totals.held,
        scheduled: totals.scheduled,
        notHeld: totals.notHeld,
      }),
      t("report.totals_attendance", {
        present: totals.present,
        expected: totals.expected,
        rate: context.rate(totals.rate),
        below85: totals.below85,
      }),
      t("report.totals_absences", { excused: totals.excused, unexcused: totals.unexcused }),
      t("report.totals_members", {
        unexcused3: totals.membersUnexcused3,
        unexcused2: totals.membersUnexcused2,
        excused3InARow: totals.membersExcused3InARow,
      }),
      t("report.totals_thematic", { count: totals.thematicThisQuarter, cells: totals.cells, quarter: report.quarter }),
    ].join("\n"),
  );
  return blocks;
}

// ─── Splitting ───────────────────────────────────────────────────────────────────────────────────

function splitMessages(blocks: readonly string[], maxLength: number): string[] {
  const messages: string[] = [];
  let current = "";
  const flush = (): void => {
    const text = current.replace(/^\n+|\n+$/g, "");
    if (text !== "") messages.push(text);
    current = "";
  };
  const append = (piece: string): void => {
    if (current === "") current = piece;
    else if (current.length + 1 + piece.length <= maxLength) current += `\n${piece}`;
    else {
      flush();
      current = piece;
    }
  };

  for (const block of blocks) {
    // A block starting a new message drops its leading blank line.
    const trimmed = block.replace(/^\n+/, "");
    if (current !== "" && current.length + 1 + block.length <= maxLength) {
      current += `\n${block}`;
    } else if (trimmed.length <= maxLength) {
      flush();
      current = trimmed;
    } else {
      for (const line of (current === "" ? trimmed : block).split("\n")) {
        if (line.length <= maxLength) append(line);
        else {
          flush();
          const pieces = splitLongLine(line, maxLength);
          pieces.slice(0, -1).forEach((piece) => messages.push(piece));
          current = pieces[pieces.length - 1] ?? "";
        }
      }
    }
  }
  flush();
  return messages;
}

const TOKEN = /<\/?[a-z]+>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/giy;

/**
 * Cuts one over-long line into pieces of at most `maxLength`, never inside a tag, an entity or a
 * surrogate pair; tags open at a cut are closed at its end and reopened in the next piece.
 */
function splitLongLine(line: string, maxLength: number): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(line); match; match = TOKEN.exec(line)) tokens.push(match[0]);

  const pieces: string[] = [];
  const open: string[] = [];
  const closing = (): string =>
    open
      .slice()
      .reverse()
      .map((tag) => `</${tag}>`)
      .join("");
  let piece = "";
  for (const token of tokens) {
    const tag = /^<(\/?)([a-z]+)>$/i.exec(token);
    const name = tag?.[2] ?? "";
    const closes = tag !== null && tag[1] === "/" ? open.lastIndexOf(name) : -1;
    const nextOpen = tag === null ? open : tag[1] === "/" ? open.filter((_, i) => i !== closes) : [...open, name];
    const closeLength = nextOpen.reduce((sum, name) => sum + name.length + 3, 0);
    if (piece.length + token.length + closeLength > maxLength && piece.replace(/<[^>]*>/g, "") !== "") {
      pieces.push(piece + closing());
      piece = open.map((name) => `<${name}>`).join("");
    }
    piece += token;
    if (tag !== null) open.splice(0, open.length, ...nextOpen);
  }
  if (piece.replace(/<[^>]*>/g, "") !== "") pieces.push(piece + closing());
  return pieces;
}
