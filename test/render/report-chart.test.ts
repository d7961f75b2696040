import { writeFileSync } from "node:fs";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import type { AttendanceStatus } from "../../src/domain/attendance.js";
import { localToUtc } from "../../src/domain/dates.js";
import {
  buildMonthlyReport,
  type MonthlyReport,
  type ReportCellInput,
  type ReportMeetingInput,
} from "../../src/domain/monthly-report.js";
import {
  CHART_COLORS,
  CHART_WIDTH,
  MAX_CHART_BARS,
  reportChartLabels,
  reportChartLayout,
  reportChartPng,
  type ReportChartLabels,
} from "../../src/render/report-chart.js";

const HANOI = "Asia/Ho_Chi_Minh";
const at = (local: string): Date => localToUtc(local, HANOI);

const WARD_CELLS = [
  "Chi bộ khối 7+10",
  "Chi bộ Trường Mầm non 02/9",
  "Chi bộ khối 1",
  "Chi bộ khối 2",
  "Chi bộ khối 3",
  "Chi bộ khối 4",
  "Chi bộ khối 5",
  "Chi bộ khối 6",
  "Chi bộ khối 8",
  "Chi bộ khối 9",
  "Chi bộ khối 11",
  "Chi bộ Trường Tiểu học Đông Kinh",
  "Chi bộ Công an phường",
  "Chi bộ Quân sự phường",
];

function meeting(id: string, local: string, expected: number, present: number): ReportMeetingInput {
  const startsAt = at(local);
  const records = Array.from({ length: expected }, (_, i) => ({
    memberId: `${id.split("-")[0]}m${i}`,
    status: (i < present ? "present" : i % 2 ? "excused" : "unexcused") as AttendanceStatus,
  }));
  return {
    id,
    code: "K7A",
    type: "regular",
    status: "closed",
    startsAt,
    durationMinutes: 90,
    actualStart: startsAt,
    actualEnd: new Date(startsAt.getTime() + 95 * 60_000),
    rating: "fair",
    records,
  };
}

/**
 * The 14 cells of Đông Kinh for November 2026: khối 2 did not meet, the others between 60% and
 * 100% (khối 1: 70/81), each with a regular meeting in most of the 12 months before.
 */
function wardReport(cellCount = WARD_CELLS.length): MonthlyReport {
  const months = Array.from({ length: 12 }, (_, k) => (k === 0 ? "2025-12" : `2026-${String(k).padStart(2, "0")}`));
  const cells: ReportCellInput[] = Array.from({ length: cellCount }, (_, c) => {
    const name = WARD_CELLS[c] ?? `Chi bộ tổ dân phố số ${c + 1}`;
    const expected = c === 2 ? 81 : 14 + ((c * 17) % 60);
    const members = Array.from({ length: expected }, (_, i) => ({ id: `c${c}m${i}`, membership: "active" as const }));
    const meetings: ReportMeetingInput[] = [];
    months.forEach((month, k) => {
      if (c === 3 && month === "2026-11") return; // khối 2 did not meet
      if ((c + k) % 7 === 0 && month !== "2026-11") return; // the odd missed month
      const present = c === 2 && month === "2026-11" ? 70 : Math.round(expected * (0.6 + (((c * 5 + k * 3) % 9) / 8) * 0.4));
      meetings.push(meeting(`c${c}-${month}`, `${month}-05T19:30`, expected, present));
    });
    return { id: `c${c}`, name, members, meetings };
  });
  return buildMonthlyReport({
    committeeName: "Đảng bộ phường Đông Kinh",
    period: "2026-11",
    timeZone: HANOI,
    now: at("2026-12-02T10:00"),
    cells,
  });
}

const LABELS: ReportChartLabels = {
  title: "Tỷ lệ đảng viên dự sinh hoạt chi bộ tháng 11/2026 — Đảng bộ phường Đông Kinh",
  rateAxis: "Tỷ lệ có mặt / phải dự",
  goodLine: "85%",
  trendTitle: "Tỷ lệ dự toàn Đảng bộ, 12 tháng gần nhất",
  monthLabel: (period) => `${period.slice(5)}/${period.slice(2, 4)}`,
};

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number];
}

async function decode(png: Buffer): Promise<Pixels> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  return {
    width: image.width,
    height: image.height,
    at: (x, y) => {
      const i = (Math.round(y) * image.width + Math.round(x)) * 4;
      return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    },
  };
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function near(pixel: [number, number, number], hex: string, tolerance = 12): boolean {
  const target = rgb(hex);
  return pixel.every((value, i) => Math.abs(value - (target[i] ?? 0)) <= tolerance);
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("the chart the committee receives with the report", () => {
  const report = wardReport();
  const png = reportChartPng(report, LABELS);
  const layout = reportChartLayout(report);

  it("is a PNG about 1000 px wide, tall enough for 14 bars, under 1 MB", () => {
    writeFileSync("/tmp/report-chart-example.png", png);
    const size = pngSize(png);
    expect(size.width).toBe(CHART_WIDTH);
    expect(size.height).toBe(layout.height);
    expect(size.height).toBeGreaterThan(14 * 20);
    expect(size.height).toBeLessThan(2000);
    expect(png.length).toBeLessThan(1024 * 1024);
    expect(layout.bars).toHaveLength(14);
    expect(layout.capped).toBe(false);
  });

  it("draws the dashed 85% line across the bars", async () => {
    const pixels = await decode(png);
    let red = 0;
    let total = 0;
    for (let y = layout.barsTop; y < layout.barsBottom; y++) {
      total++;
      if (near(pixels.at(layout.goodLineX - 1, y), CHART_COLORS.goodLine)) red++;
    }
    expect(red / total).toBeGreaterThan(0.4); // dashes of 8 px every 13 px
    expect(red / total).toBeLessThan(0.9); // dashed, not solid
    expect(near(pixels.at(layout.goodLineX + 30, layout.barsTop - 2), CHART_COLORS.background)).toBe(true);
  });

  it("draws khối 1's 86,4% bar in green and a bar below 85% in the warning colour", async () => {
    const pixels = await decode(png);
    const block1 = layout.bars.find((bar) => bar.name === "Chi bộ khối 1");
    expect(block1?.rate).toBeCloseTo(70 / 81, 10);
    expect(block1?.warning).toBe(false);
    const middle = (bar: { top: number; height: number }): number => bar.top + bar.height / 2;
    if (!block1) throw new Error("no bar");
    expect(near(pixels.at(layout.barLeft + 20, middle(block1)), CHART_COLORS.good)).toBe(true);
    expect(near(pixels.at(block1.right - 3, middle(block1)), CHART_COLORS.good)).toBe(true);
    expect(near(pixels.at(block1.right + 3, middle(block1)), CHART_COLORS.background)).toBe(true);

    const low = layout.bars.find((bar) => bar.warning);
    if (!low) throw new Error("no bar below 85%");
    expect(near(pixels.at(layout.barLeft + 20, middle(low)), CHART_COLORS.warning)).toBe(true);
  });

  it("shows the cell that did not meet as an empty outlined bar", async () => {
    const pixels = await decode(png);
    const block2 = layout.bars.find((bar) => bar.name === "Chi bộ khối 2");
    if (!block2) throw new Error("no bar");
    expect(block2.rate).toBeNull();
    const middle = block2.top + block2.height / 2;
    expect(near(pixels.at(layout.barLeft + 20, middle), CHART_COLORS.background)).toBe(true);
    const top = Math.floor(block2.top + (block2.height - 18) / 2);
    expect(near(pixels.at(layout.barLeft + 100, top), CHART_COLORS.empty, 40)).toBe(true);
  });

  it("draws the 12-month line with the 85% line under it", async () => {
    const pixels = await decode(png);
    const { left, right, goodLineY, points } = layout.trend;
    let red = 0;
    for (let x = left; x < right; x++) if (near(pixels.at(x, goodLineY - 1), CHART_COLORS.goodLine)) red++;
    expect(red / (right - left)).toBeGreaterThan(0.4);
    expect(points).toHaveLength(12);
    const november = points[11];
    if (!november || november.y === null) throw new Error("no November point");
    const colour = pixels.at(november.x, november.y);
    expect(near(colour, CHART_COLORS.trend) || near(colour, CHART_COLORS.warning)).toBe(true);
    expect(november.y).toBeLessThan(layout.trend.bottom);
    expect(november.y).toBeGreaterThan(layout.trend.top);
  });

  it("draws Vietnamese letters with their marks (not as missing-glyph boxes)", async () => {
    const strip = async (title: string): Promise<string> => {
      const pixels = await decode(reportChartPng(report, { ...LABELS, title }));
      const values: number[] = [];
      for (let y = 8; y < 46; y++) for (let x = 20; x < 200; x++) values.push(...pixels.at(x, y));
      return values.join(",");
    };
    const vietnamese = await strip("ộ ữ Đ ặ ề");
    expect(vietnamese).not.toBe(await strip("\uE000 \uE000 \uE000 \uE000 \uE000"));
    expect(vietnamese).not.toBe(await strip("o u D a e"));
  });

  it("takes its labels from the locale", () => {
    const keys: string[] = [];
    const labels = reportChartLabels((key, params) => {
      keys.push(key);
      return `${key}${JSON.stringify(params ?? {})}`;
    }, report);
    expect(labels.title).toBe('report.chart.title{"month":"11/2026"}');
    expect(labels.cappedNote?.(40, 500)).toBe('report.chart.capped_note{"shown":40,"total":500}');
    expect(labels.monthLabel("2026-01")).toBe("01/2026");
  });
});

describe("a committee with 500 cells", () => {
  it("shows the 40 cells needing attention most, says so, and stays a small PNG", async () => {
    const report = wardReport(500);
    const layout = reportChartLayout(report);
    expect(layout.capped).toBe(true);
    expect(layout.bars).toHaveLength(MAX_CHART_BARS);
    expect(layout.bars[0]?.name).toBe("Chi bộ khối 2"); // the one that did not meet
    const png = reportChartPng(report, { ...LABELS, cappedNote: (shown, total) => `Chỉ hiển thị ${shown}/${total} chi bộ` });
    const size = pngSize(png);
    expect(size.width).toBe(CHART_WIDTH);
    expect(size.height).toBe(layout.height);
    expect(size.height).toBeLessThan(2500);
    expect(png.length).toBeLessThan(1024 * 1024);
    const pixels = await decode(png);
    let ink = 0;
    for (let x = 20; x < 300; x++) if (!near(pixels.at(x, 56 + 12), CHART_COLORS.background, 30)) ink++;
    expect(ink).toBeGreaterThan(5); // the note under the title
  });

  it("a ward without cells still draws", () => {
    const report = buildMonthlyReport({ committeeName: null, period: "2026-11", timeZone: HANOI, now: new Date(), cells: [] });
    expect(pngSize(reportChartPng(report, LABELS)).width).toBe(CHART_WIDTH);
  });
});
