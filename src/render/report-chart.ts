/**
 * The monthly report as one PNG for the committee's chat:
 *  - top panel: one horizontal bar per cell, its attendance rate for the period; a dashed vertical
 *    line at 85%; bars not above 85% (the rule is "above 85%") in the warning colour; a cell
 *    without a held meeting is an empty outlined bar labelled "—";
 *  - bottom panel: the ward-wide rate over the 12 months ending with the period, with the 85% line;
 *    a month without any held meeting is a gap in the line.
 *
 * 1000 px wide; the height grows with the number of bars. At most MAX_CHART_BARS bars are drawn:
 * with more cells, the ones needing attention most (compareAttention) are shown, in that order,
 * and a note on the image says how many of how many. Otherwise the bars follow report.cells
 * (by name). Text uses "DejaVu Sans" (Vietnamese diacritics) with a generic sans-serif fallback.
 * The geometry is exported (reportChartLayout) so tests can sample pixels where things are drawn.
 */

import { createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { GOOD_ATTENDANCE_RATE } from "../domain/attendance.js";
import { compareAttention, type CellReport, type MonthlyReport } from "../domain/monthly-report.js";
import { formatRate, formatReportMonth } from "./report-message.js";

export interface ReportChartLabels {
  /** e.g. "Tỷ lệ đảng viên dự sinh hoạt tháng 11/2026". */
  title: string;
  /** Under the bars' axis, e.g. "Tỷ lệ có mặt (%)". */
  rateAxis: string;
  /** Next to the dashed line, e.g. "85%". */
  goodLine: string;
  /** Above the bottom panel, e.g. "Tỷ lệ toàn Đảng bộ 12 tháng gần nhất". */
  trendTitle: string;
  /** "2026-11" → "11/2026" (or "T11"). */
  monthLabel: (period: string) => string;
  /** The note when not every cell fits; default Vietnamese "Chỉ hiển thị {shown}/{total} chi bộ cần chú ý nhất". */
  cappedNote?: (shown: number, total: number) => string;
  /** Decimal mark of the rates written on the image; "vi" by default ("86,4%"). */
  locale?: "vi" | "en";
}

export const MAX_CHART_BARS = 40;
export const CHART_WIDTH = 1000;

export const CHART_COLORS = Object.freeze({
  background: "#ffffff",
  text: "#212121",
  muted: "#757575",
  grid: "#e0e0e0",
  good: "#2e7d32",
  warning: "#ef6c00",
  empty: "#9e9e9e",
  goodLine: "#c62828",
  trend: "#1565c0",
});

const FONT_FAMILY = '"DejaVu Sans", sans-serif';
const MARGIN = 20;
const TITLE_HEIGHT = 56;
const NOTE_HEIGHT = 26;
const BAR_TOP_PADDING = 26;
const ROW_HEIGHT = 28;
const BAR_HEIGHT = 18;
const LABEL_WIDTH = 300;
const BAR_LEFT = MARGIN + LABEL_WIDTH + 16;
const BAR_RIGHT = CHART_WIDTH - MARGIN - 80;
const AXIS_HEIGHT = 52;
const PANEL_GAP = 28;
const TREND_TITLE_HEIGHT = 36;
const TREND_HEIGHT = 250;
const TREND_LEFT = 80;
const TREND_RIGHT = CHART_WIDTH - MARGIN - 60;
const TREND_BOTTOM_LABELS = 44;
/** The first and last months sit this far inside the plot, clear of the axis labels. */
const TREND_INSET = 28;

export interface ChartBar {
  cellId: string;
  name: string;
  rate: number | null;
  /** The bar's band: top y and height (the bar itself is BAR_HEIGHT tall, centred in it). */
  top: number;
  height: number;
  /** Where the bar ends (BAR_LEFT when there is no rate). */
  right: number;
  warning: boolean;
}

export interface ReportChartLayout {
  width: number;
  height: number;
  capped: boolean;
  bars: ChartBar[];
  barLeft: number;
  barRight: number;
  /** Top and bottom of the bar panel (where the 85% line is drawn). */
  barsTop: number;
  barsBottom: number;
  /** The x of the dashed 85% line in the bar panel. */
  goodLineX: number;
  trend: {
    left: number;
    right: number;
    top: number;
    bottom: number;
    goodLineY: number;
    points: { x: number; y: number | null }[];
  };
}

function isWarning(rate: number | null): boolean {
  return rate !== null && rate <= GOOD_ATTENDANCE_RATE + 1e-9;
}

function barCells(report: MonthlyReport): { cells: CellReport[]; capped: boolean } {
  if (report.cells.length <= MAX_CHART_BARS) return { cells: report.cells, capped: false };
  return { cells: [...report.cells].sort(compareAttention).slice(0, MAX_CHART_BARS), capped: true };
}

/** Where everything goes; pure arithmetic, no drawing. */
export function reportChartLayout(report: MonthlyReport): ReportChartLayout {
  const { cells, capped } = barCells(report);
  const rateToX = (rate: number): number => Math.round(BAR_LEFT + Math.min(1, Math.max(0, rate)) * (BAR_RIGHT - BAR_LEFT));
  const barsTop = TITLE_HEIGHT + (capped ? NOTE_HEIGHT : 0) + BAR_TOP_PADDING;
  const bars: ChartBar[] = cells.map((cell, index) => ({
    cellId: cell.cellId,
    name: cell.name,
    rate: cell.rate,
    top: barsTop + index * ROW_HEIGHT,
    height: ROW_HEIGHT,
    right: cell.rate === null ? BAR_LEFT : rateToX(cell.rate),
    warning: isWarning(cell.rate),
  }));
  const barsBottom = barsTop + Math.max(1, bars.length) * ROW_HEIGHT;
  const trendTop = barsBottom + AXIS_HEIGHT + PANEL_GAP + TREND_TITLE_HEIGHT;
  const trendBottom = trendTop + TREND_HEIGHT;
  const rateToY = (rate: number): number => Math.round(trendBottom - Math.min(1, Math.max(0, rate)) * TREND_HEIGHT);
  const count = report.trend.length;
  const firstX = TREND_LEFT + TREND_INSET;
  const lastX = TREND_RIGHT - TREND_INSET;
  const step = count > 1 ? (lastX - firstX) / (count - 1) : 0;
  const points = report.trend.map((month, index) => ({
    x: Math.round(count > 1 ? firstX + index * step : (firstX + lastX) / 2),
    y: month.rate === null ? null : rateToY(month.rate),
  }));
  return {
    width: CHART_WIDTH,
    height: trendBottom + TREND_BOTTOM_LABELS + MARGIN,
    capped,
    bars,
    barLeft: BAR_LEFT,
    barRight: BAR_RIGHT,
    barsTop,
    barsBottom,
    goodLineX: rateToX(GOOD_ATTENDANCE_RATE),
    trend: {
      left: TREND_LEFT,
      right: TREND_RIGHT,
      top: trendTop,
      bottom: trendBottom,
      goodLineY: rateToY(GOOD_ATTENDANCE_RATE),
      points,
    },
  };
}

function font(size: number, weight: "normal" | "bold" | "italic" = "normal"): string {
  const style = weight === "normal" ? "" : `${weight} `;
  return `${style}${size}px ${FONT_FAMILY}`;
}

/** Sets the largest font from `largest` down to `smallest` px in which the text fits `maxWidth`. */
function fitFont(
  ctx: SKRSContext2D,
  text: string,
  maxWidth: number,
  largest: number,
  smallest: number,
  weight: "normal" | "bold" | "italic",
): void {
  for (let size = largest; size >= smallest; size--) {
    ctx.font = font(size, weight);
    if (size === smallest || ctx.measureText(text).width <= maxWidth) return;
  }
}

/** Text with a white halo, legible over grid and dashed lines. */
function haloText(ctx: SKRSContext2D, text: string, x: number, y: number): void {
  ctx.save();
  ctx.strokeStyle = CHART_COLORS.background;
  ctx.lineWidth = 4;
  ctx.lineJoin = "round";
  ctx.strokeText(text, x, y);
  ctx.restore();
  ctx.fillText(text, x, y);
}

/** The text cut with "…" to fit `maxWidth`. */
function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = [...text];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (ctx.measureText(`${chars.slice(0, mid).join("")}…`).width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join("").trimEnd()}…`;
}

function dashedLine(ctx: SKRSContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.save();
  ctx.strokeStyle = CHART_COLORS.goodLine;
  ctx.lineWidth = 2;
  ctx.setLineDash([8, 5]);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
  ctx.restore();
}

function drawBars(ctx: SKRSContext2D, layout: ReportChartLayout, labels: ReportChartLabels, total: number): void {
  const rate = (value: number | null): string => formatRate(value, labels.locale ?? "vi");
  ctx.fillStyle = CHART_COLORS.text;
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  fitFont(ctx, labels.title, CHART_WIDTH - 2 * MARGIN, 22, 15, "bold");
  ctx.fillText(fitText(ctx, labels.title, CHART_WIDTH - 2 * MARGIN), MARGIN, 36);
  if (layout.capped) {
    ctx.font = font(15, "italic");
    ctx.fillStyle = CHART_COLORS.muted;
    const note =
      labels.cappedNote?.(layout.bars.length, total) ?? `Chỉ hiển thị ${layout.bars.length}/${total} chi bộ cần chú ý nhất`;
    ctx.fillText(fitText(ctx, note, CHART_WIDTH - 2 * MARGIN), MARGIN, TITLE_HEIGHT + 16);
  }

  // Grid and axis.
  ctx.font = font(13);
  ctx.textAlign = "center";
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const x = Math.round(BAR_LEFT + tick * (BAR_RIGHT - BAR_LEFT)) + 0.5;
    ctx.strokeStyle = CHART_COLORS.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, layout.barsTop - 6);
    ctx.lineTo(x, layout.barsBottom);
    ctx.stroke();
    ctx.fillStyle = CHART_COLORS.muted;
    ctx.fillText(`${tick * 100}%`, x, layout.barsBottom + 18);
  }
  ctx.fillStyle = CHART_COLORS.text;
  ctx.fillText(fitText(ctx, labels.rateAxis, BAR_RIGHT - BAR_LEFT), (BAR_LEFT + BAR_RIGHT) / 2, layout.barsBottom + 40);

  // Bars.
  for (const bar of layout.bars) {
    const y = bar.top + (bar.height - BAR_HEIGHT) / 2;
    const textY = bar.top + bar.height / 2 + 5;
    ctx.font = font(14);
    ctx.textAlign = "left";
    ctx.fillStyle = CHART_COLORS.text;
    ctx.fillText(fitText(ctx, bar.name, LABEL_WIDTH), MARGIN, textY);
    if (bar.rate === null) {
      ctx.strokeStyle = CHART_COLORS.empty;
      ctx.lineWidth = 1;
      ctx.strokeRect(BAR_LEFT + 0.5, y + 0.5, BAR_RIGHT - BAR_LEFT - 1, BAR_HEIGHT - 1);
    } else if (bar.right > BAR_LEFT) {
      ctx.fillStyle = bar.warning ? CHART_COLORS.warning : CHART_COLORS.good;
      ctx.fillRect(BAR_LEFT, y, bar.right - BAR_LEFT, BAR_HEIGHT);
    }
    ctx.font = font(14, bar.warning ? "bold" : "normal");
    ctx.fillStyle = bar.rate === null ? CHART_COLORS.muted : bar.warning ? CHART_COLORS.warning : CHART_COLORS.text;
    ctx.fillText(rate(bar.rate), BAR_RIGHT + 8, textY);
  }

  dashedLine(ctx, layout.goodLineX, layout.barsTop - 8, layout.goodLineX, layout.barsBottom);
  ctx.font = font(13, "bold");
  ctx.fillStyle = CHART_COLORS.goodLine;
  ctx.textAlign = "center";
  ctx.fillText(labels.goodLine, layout.goodLineX, layout.barsTop - 12);
}

function drawTrend(ctx: SKRSContext2D, layout: ReportChartLayout, report: MonthlyReport, labels: ReportChartLabels): void {
  const { left, right, top, bottom, goodLineY, points } = layout.trend;
  const rate = (value: number | null): string => formatRate(value, labels.locale ?? "vi");

  ctx.font = font(18, "bold");
  ctx.fillStyle = CHART_COLORS.text;
  ctx.textAlign = "left";
  ctx.fillText(fitText(ctx, labels.trendTitle, CHART_WIDTH - 2 * MARGIN), MARGIN, top - 22);

  ctx.font = font(13);
  ctx.textAlign = "right";
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = Math.round(bottom - tick * (bottom - top)) + 0.5;
    ctx.strokeStyle = CHART_COLORS.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.fillStyle = CHART_COLORS.muted;
    ctx.fillText(`${tick * 100}%`, left - 8, y + 4);
  }

  dashedLine(ctx, left, goodLineY, right, goodLineY);
  ctx.font = font(13, "bold");
  ctx.fillStyle = CHART_COLORS.goodLine;
  ctx.textAlign = "left";
  ctx.fillText(labels.goodLine, right + 6, goodLineY + 4);

  ctx.font = font(13);
  ctx.textAlign = "center";
  ctx.fillStyle = CHART_COLORS.text;
  report.trend.forEach((month, index) => {
    const point = points[index];
    if (point) ctx.fillText(labels.monthLabel(month.period), point.x, bottom + 22);
  });

  ctx.strokeStyle = CHART_COLORS.trend;
  ctx.lineWidth = 3;
  ctx.setLineDash([]);
  ctx.beginPath();
  let drawing = false;
  for (const point of points) {
    if (point.y === null) {
      drawing = false;
      continue;
    }
    if (drawing) ctx.lineTo(point.x, point.y);
    else ctx.moveTo(point.x, point.y);
    drawing = true;
  }
  ctx.stroke();

  report.trend.forEach((month, index) => {
    const point = points[index];
    if (!point || point.y === null) return;
    ctx.fillStyle = isWarning(month.rate) ? CHART_COLORS.warning : CHART_COLORS.trend;
    ctx.beginPath();
    ctx.arc(point.x, point.y, 5, 0, Math.PI * 2);
    ctx.fill();
    ctx.font = font(12);
    ctx.fillStyle = CHART_COLORS.text;
    // Labels sit on the side away from the 85% line: below a point under it, above one over it.
    const below = isWarning(month.rate) && point.y + 22 < bottom;
    haloText(ctx, rate(month.rate), point.x, below ? point.y + 20 : point.y - 10);
  });
}

/** The report's chart as a PNG. */
export function reportChartPng(report: MonthlyReport, labels: ReportChartLabels): Buffer {
  const layout = reportChartLayout(report);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = CHART_COLORS.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  drawBars(ctx, layout, labels, report.cells.length);
  drawTrend(ctx, layout, report, labels);
  return canvas.toBuffer("image/png");
}

/** Every key reportChartLabels reads. */
export const REPORT_CHART_KEYS = [
  "report.chart.title",
  "report.chart.rate_axis",
  "report.chart.good_line",
  "report.chart.trend_title",
  "report.chart.capped_note",
] as const;

/**
 * Labels from the locale ("report.chart.*"). The texts are drawn on an image, not parsed as HTML:
 * the month is the only parameter of the title and contains nothing i18next would escape.
 */
export function reportChartLabels(
  t: (key: string, params?: Record<string, unknown>) => string,
  report: MonthlyReport,
  locale: "vi" | "en" = "vi",
): ReportChartLabels {
  return {
    title: t("report.chart.title", { month: formatReportMonth(report.period) }),
    rateAxis: t("report.chart.rate_axis"),
    goodLine: t("report.chart.good_line"),
    trendTitle: t("report.chart.trend_title"),
    monthLabel: formatReportMonth,
    cappedNote: (shown, total) => t("report.chart.capped_note", { shown, total }),
    locale,
  };
}
