import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { block1Cell, marks, meeting, policeCell, roster, wardReport } from "../support/report-builders.js";
import { buildMonthlyReport, type ReportInput } from "../../src/domain/monthly-report.js";
import { reportXlsx, reportXlsxLabels, REPORT_XLSX_KEYS, type ReportXlsxLabels } from "../../src/render/report-xlsx.js";

/** khối 1 held 70/81 with a thematic meeting in October; khối 2 cancelled; the police cell has a 3-time absentee. */
function wardInput(): ReportInput {
  return wardReport([
    block1Cell(),
    {
      id: "c2",
      name: "Chi bộ khối 2",
      members: roster("b", 40),
      meetings: [
        meeting("b-oct", "2026-10-05T19:30", { records: marks("b", 0, 36, "present") }),
        meeting("b-nov", "2026-11-05T19:30", { status: "cancelled" }),
      ],
    },
    policeCell(),
  ]);
}

const VI: Record<string, string> = {
  "report.xlsx.sheet_summary": "Tổng hợp",
  "report.xlsx.sheet_attention": "Cần chú ý",
  "report.xlsx.sheet_trend": "Xu hướng 12 tháng",
  "report.xlsx.sheet_totals": "Toàn phường",
  "report.xlsx.cell": "Chi bộ",
  "report.xlsx.status": "Tình hình",
  "report.xlsx.date": "Ngày họp",
  "report.xlsx.minutes": "Thời lượng (phút)",
  "report.xlsx.present": "Có mặt",
  "report.xlsx.expected": "Phải dự",
  "report.xlsx.rate": "Tỷ lệ dự",
  "report.xlsx.excused": "Vắng có lý do",
  "report.xlsx.unexcused": "Vắng không lý do",
  "report.xlsx.rating": "Xếp loại",
  "report.xlsx.flags": "Lưu ý",
  "report.xlsx.members_unexcused_3": "ĐV vắng không lý do từ 3 lần/năm",
  "report.xlsx.members_unexcused_2": "ĐV vắng không lý do 2 lần/năm",
  "report.xlsx.members_excused_3_in_a_row": "ĐV vắng có lý do 3 lần liên tiếp",
  "report.xlsx.thematic": "Chuyên đề trong quý",
  "report.xlsx.status_held": "Đã họp",
  "report.xlsx.status_scheduled": "Đã thông báo",
  "report.xlsx.status_overdue": "Chưa kết thúc",
  "report.xlsx.status_not_held": "Chưa họp",
  "report.xlsx.status_cancelled": "Đã hủy, chưa họp",
  "report.xlsx.yes": "Có",
  "report.xlsx.no": "Chưa",
  "report.xlsx.rank": "STT",
  "report.xlsx.reasons": "Lý do",
  "report.xlsx.score": "Mức ưu tiên",
  "report.xlsx.ward": "Toàn Đảng bộ",
  "report.xlsx.item": "Chỉ tiêu",
  "report.xlsx.value": "Số liệu",
  "report.xlsx.period": "Tháng",
  "report.xlsx.cells": "Số chi bộ",
  "report.xlsx.held": "Đã họp",
  "report.xlsx.scheduled": "Đã thông báo, chưa kết thúc",
  "report.xlsx.not_held": "Chưa họp",
  "report.xlsx.below_85": "Chi bộ có tỷ lệ dự không trên 85%",
  "report.xlsx.needing_attention": "Chi bộ cần chú ý",
  "report.xlsx.reason_unexcused_3": "Có đảng viên vắng không lý do từ 3 lần trong năm",
  "report.xlsx.reason_below_85": "Tỷ lệ dự không trên 85%",
  "report.rating.good": "Tốt",
  "report.rating.fair": "Khá",
  "report.rating.average": "Trung bình",
  "report.rating.poor": "Kém",
  "report.flag.below_85": "tỷ lệ dự không trên 85%",
  "report.flag.unexcused_absence": "có đảng viên vắng không lý do",
  "report.flag.too_short": "thời lượng dưới quy định",
  "report.reason.not_held": "chưa tổ chức sinh hoạt thường kỳ",
  "report.reason.rating_poor": "xếp loại Kém",
  "report.reason.rating_average": "xếp loại Trung bình",
  "report.reason.no_thematic": "chưa sinh hoạt chuyên đề trong quý",
  "report.reason.scheduled_not_closed": "đã thông báo lịch nhưng chưa kết thúc buổi họp",
};

function viT(key: string): string {
  const text = VI[key];
  if (text === undefined) throw new Error(`missing key ${key}`);
  return text;
}

const LABELS: ReportXlsxLabels = reportXlsxLabels(viT);

async function readBack(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

function rowValues(ws: ExcelJS.Worksheet, row: number): unknown[] {
  const values = ws.getRow(row).values;
  return Array.isArray(values) ? values.slice(1) : [];
}

describe("the workbook the committee's staff open", () => {
  const report = buildMonthlyReport(wardInput());

  it("has the four views, in order", async () => {
    const workbook = await readBack(await reportXlsx(report, LABELS));
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(["Tổng hợp", "Cần chú ý", "Xu hướng 12 tháng", "Toàn phường"]);
  });

  it("every sheet has a bold, frozen header row and set column widths", async () => {
    const workbook = await readBack(await reportXlsx(report, LABELS));
    for (const ws of workbook.worksheets) {
      expect(ws.getRow(1).font?.bold).toBe(true);
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(8);
    }
    expect(sheet(workbook, "Tổng hợp").getColumn(1).width).toBe(36);
  });

  it("the summary row of khối 1: held on 05/11/2026, 95 minutes, 70 of 81, 86.4% as a percentage, rated Khá", async () => {
    const ws = sheet(await readBack(await reportXlsx(report, LABELS)), "Tổng hợp");
    expect(rowValues(ws, 1)).toEqual([
      "Chi bộ",
      "Tình hình",
      "Ngày họp",
      "Thời lượng (phút)",
      "Có mặt",
      "Phải dự",
      "Tỷ lệ dự",
      "Vắng có lý do",
      "Vắng không lý do",
      "Xếp loại",
      "Lưu ý",
      "ĐV vắng không lý do từ 3 lần/năm",
      "ĐV vắng không lý do 2 lần/năm",
      "Chuyên đề trong quý",
    ]);
    const row = ws.getRow(3);
    expect(row.getCell(1).value).toBe("Chi bộ khối 1");
    expect(row.getCell(2).value).toBe("Đã họp");
    expect(row.getCell(3).value).toEqual(new Date(Date.UTC(2026, 10, 5)));
    expect(row.getCell(3).numFmt).toBe("dd/mm/yyyy");
    expect(row.getCell(4).value).toBe(95);
    expect(row.getCell(5).value).toBe(70);
    expect(row.getCell(6).value).toBe(81);
    expect(row.getCell(7).value).toBeCloseTo(70 / 81, 10);
    expect(row.getCell(7).numFmt).toBe("0.0%");
    expect(row.getCell(8).value).toBe(6);
    expect(row.getCell(9).value).toBe(5);
    expect(row.getCell(10).value).toBe("Khá");
    expect(row.getCell(11).value).toBe("có đảng viên vắng không lý do");
    expect(row.getCell(14).value).toBe("Có");
  });

  it("the cancelled cell shows no attendance, and the police cell its flagged members", async () => {
    const ws = sheet(await readBack(await reportXlsx(report, LABELS)), "Tổng hợp");
    expect(ws.getRow(2).getCell(1).value).toBe("Chi bộ Công an phường");
    expect(ws.getRow(2).getCell(12).value).toBe(1);
    expect(ws.getRow(2).getCell(13).value).toBe(1);
    expect(ws.getRow(2).getCell(14).value).toBe("Chưa");
    const cancelled = ws.getRow(4);
    expect(cancelled.getCell(1).value).toBe("Chi bộ khối 2");
    expect(cancelled.getCell(2).value).toBe("Đã hủy, chưa họp");
    expect(cancelled.getCell(3).value).toBeNull();
    expect(cancelled.getCell(7).value).toBeNull();
    expect(ws.rowCount).toBe(4);
  });

  it("the attention sheet lists the cells most in need first, with reasons", async () => {
    const ws = sheet(await readBack(await reportXlsx(report, LABELS)), "Cần chú ý");
    expect(rowValues(ws, 1)).toEqual(["STT", "Chi bộ", "Lý do", "Tỷ lệ dự", "Mức ưu tiên"]);
    expect(rowValues(ws, 2)).toEqual([1, "Chi bộ khối 2", "chưa tổ chức sinh hoạt thường kỳ", undefined, 1024]);
    const police = rowValues(ws, 3);
    expect(police.slice(0, 3)).toEqual([
      2,
      "Chi bộ Công an phường",
      "Có đảng viên vắng không lý do từ 3 lần trong năm; Tỷ lệ dự không trên 85%; xếp loại Trung bình",
    ]);
    expect(police[3]).toBeCloseTo(11 / 14, 10);
    expect(ws.rowCount).toBe(3);
  });

  it("the trend sheet has a column per month, a row per cell and the ward-wide row", async () => {
    const ws = sheet(await readBack(await reportXlsx(report, LABELS)), "Xu hướng 12 tháng");
    const header = rowValues(ws, 1);
    expect(header[0]).toBe("Chi bộ");
    expect(header[1]).toBe("12/2025");
    expect(header[12]).toBe("11/2026");
    expect(ws.getRow(2).getCell(1).value).toBe("Chi bộ Công an phường");
    expect(ws.getRow(2).getCell(5).value).toBeCloseTo(13 / 14, 10); // March 2026
    expect(ws.getRow(2).getCell(6).value).toBeNull(); // April: no meeting
    expect(ws.getRow(4).getCell(12).value).toBeCloseTo(36 / 40, 10); // khối 2 in October
    const ward = ws.getRow(5);
    expect(ward.getCell(1).value).toBe("Toàn Đảng bộ");
    expect(ward.font?.bold).toBe(true);
    expect(ward.getCell(13).value).toBeCloseTo(81 / 95, 10);
    expect(ward.getCell(13).numFmt).toBe("0.0%");
  });

  it("the totals sheet gives the ward-wide figures", async () => {
    const ws = sheet(await readBack(await reportXlsx(report, LABELS)), "Toàn phường");
    const values = new Map<unknown, unknown>();
    for (let row = 2; row <= ws.rowCount; row++) values.set(ws.getRow(row).getCell(1).value, ws.getRow(row).getCell(2).value);
    expect(values.get("Tháng")).toBe("11/2026");
    expect(values.get("Số chi bộ")).toBe(3);
    expect(values.get("Đã họp")).toBe(2);
    expect(values.get("Chưa họp")).toBe(1);
    expect(values.get("Có mặt")).toBe(81);
    expect(values.get("Phải dự")).toBe(95);
    expect(values.get("Tỷ lệ dự")).toBeCloseTo(81 / 95, 10);
    expect(values.get("ĐV vắng không lý do từ 3 lần/năm")).toBe(1);
    expect(values.get("Chi bộ cần chú ý")).toBe(2);
  });

  it("reads every label from the locale keys it lists", () => {
    const asked = new Set<string>();
    reportXlsxLabels((key) => {
      asked.add(key);
      return key;
    });
    for (const key of asked) {
      if (key.startsWith("report.xlsx.")) expect(REPORT_XLSX_KEYS as readonly string[]).toContain(key);
    }
    for (const key of REPORT_XLSX_KEYS) expect(asked).toContain(key);
  });

  it("sheet names Excel would refuse are cleaned", async () => {
    const labels = {
      ...LABELS,
      sheets: { summary: "Tổng hợp: tháng 11/2026 [bản nháp] rất dài quá", attention: "", trend: "x", totals: "X" },
    };
    const workbook = await readBack(await reportXlsx(report, labels));
    const names = workbook.worksheets.map((ws) => ws.name);
    expect(names[0]).toBe("Tổng hợp tháng 11 2026 bản nháp");
    expect(names[1]).toBe("Attention");
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(4);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(31);
  });
});
