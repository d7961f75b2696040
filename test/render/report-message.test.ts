import { describe, expect, it } from "vitest";
import { at, block1Cell, marks, meeting, policeCell, roster, wardReport } from "../support/report-builders.js";
import { buildMonthlyReport, type MonthlyReport, type ReportInput } from "../../src/domain/monthly-report.js";
import { escapeHtml } from "../../src/render/html.js";
import { formatRate, reportMessage, REPORT_MESSAGE_KEYS, type ReportTranslate } from "../../src/render/report-message.js";

/** khối 1 held 70/81; khối 2 cancelled; the school announced but did not close; the police cell has a 3-time absentee. */
function wardInput(): ReportInput {
  return wardReport([
    block1Cell(),
    {
      id: "c2",
      name: "Chi bộ khối 2",
      members: roster("b", 40),
      meetings: [meeting("b-nov", "2026-11-05T19:30", { status: "cancelled" })],
    },
    {
      id: "c3",
      name: "Chi bộ Trường Tiểu học Đông Kinh",
      members: roster("s", 21),
      meetings: [meeting("s-nov", "2026-11-28T14:00", { status: "published" })],
    },
    policeCell(),
  ]);
}

/** The fake `t` of the brief: the key and its parameters, so the test sees exactly what is asked for. */
const keyT: ReportTranslate = (key, params) => `${key}${params === undefined ? "" : JSON.stringify(params)}`;

/** The suggested Vietnamese texts, interpolated the way i18next does with the bot's escape: {{x}} escaped, {{- x}} not. */
const VI: Record<string, string> = {
  "report.title": "📊 <b>Báo cáo sinh hoạt chi bộ tháng {{month}}</b> — {{- committee}}",
  "report.title_no_committee": "📊 <b>Báo cáo sinh hoạt chi bộ tháng {{month}}</b>",
  "report.attention_title": "⚠️ <b>Cần chú ý ({{count}} chi bộ)</b>",
  "report.attention_line": "{{index}}. <b>{{- name}}</b>: {{- reasons}}",
  "report.attention_none": "Không có chi bộ nào cần chú ý.",
  "report.reason.not_held": "chưa tổ chức sinh hoạt thường kỳ",
  "report.reason.unexcused_3": "{{count}} đảng viên vắng không lý do từ 3 lần trong năm (xem xét xóa tên)",
  "report.reason.below_85": "tỷ lệ dự {{rate}}, không trên 85%",
  "report.reason.rating_poor": "xếp loại Kém",
  "report.reason.rating_average": "xếp loại Trung bình",
  "report.reason.no_thematic": "chưa sinh hoạt chuyên đề trong quý",
  "report.reason.scheduled_not_closed": "đã thông báo lịch nhưng chưa kết thúc buổi họp",
  "report.cells_title": "📋 <b>Từng chi bộ ({{count}})</b>",
  "report.cell_held":
    "✅ <b>{{- name}}</b>: họp {{date}}, {{minutes}} phút; có mặt {{present}}/{{expected}} ({{rate}}); vắng có lý do {{excused}}, không lý do {{unexcused}}; xếp loại {{rating}}",
  "report.cell_held_no_length":
    "✅ <b>{{- name}}</b>: họp {{date}}; có mặt {{present}}/{{expected}} ({{rate}}); vắng có lý do {{excused}}, không lý do {{unexcused}}; xếp loại {{rating}}",
  "report.cell_scheduled": "🕒 <b>{{- name}}</b>: đã thông báo họp ngày {{date}}",
  "report.cell_overdue": "🕒 <b>{{- name}}</b>: lịch họp {{date}} đã qua nhưng chưa kết thúc buổi họp",
  "report.cell_not_held": "❌ <b>{{- name}}</b>: chưa tổ chức sinh hoạt thường kỳ",
  "report.cell_cancelled": "❌ <b>{{- name}}</b>: buổi sinh hoạt đã hủy, chưa tổ chức lại",
  "report.cell_flags": "    <i>Lưu ý: {{- flags}}</i>",
  "report.cell_members": "    Vắng không lý do trong năm: {{unexcused3}} đồng chí từ 3 lần, {{unexcused2}} đồng chí 2 lần",
  "report.cell_excused_in_a_row": "    {{count}} đồng chí vắng có lý do 3 lần liên tiếp",
  "report.cell_thematic_yes": "    Đã sinh hoạt chuyên đề quý {{quarter}}",
  "report.cell_thematic_no": "    Chưa sinh hoạt chuyên đề quý {{quarter}}",
  "report.flag.below_85": "tỷ lệ dự không trên 85%",
  "report.flag.unexcused_absence": "có đảng viên vắng không lý do",
  "report.flag.too_short": "thời lượng dưới quy định",
  "report.rating.good": "Tốt",
  "report.rating.fair": "Khá",
  "report.rating.average": "Trung bình",
  "report.rating.poor": "Kém",
  "report.rating.none": "chưa chấm",
  "report.totals_title": "🏛 <b>Toàn Đảng bộ</b>",
  "report.totals_cells": "Số chi bộ: {{cells}}; đã họp {{held}}, đã thông báo chưa kết thúc {{scheduled}}, chưa họp {{notHeld}}",
  "report.totals_attendance":
    "Có mặt {{present}}/{{expected}} đảng viên phải dự: <b>{{rate}}</b>; {{below85}} chi bộ không trên 85%",
  "report.totals_absences": "Vắng có lý do {{excused}}, vắng không lý do {{unexcused}}",
  "report.totals_members":
    "Đảng viên vắng không lý do trong năm: {{unexcused3}} từ 3 lần, {{unexcused2}} 2 lần; {{excused3InARow}} vắng có lý do 3 lần liên tiếp",
  "report.totals_thematic": "Sinh hoạt chuyên đề quý {{quarter}}: {{count}}/{{cells}} chi bộ",
};

const viT: ReportTranslate = (key, params = {}) => {
  const template = VI[key];
  if (template === undefined) throw new Error(`missing key ${key}`);
  return template.replace(/\{\{(-)?\s*(\w+)\}\}/g, (_, raw: string | undefined, name: string) => {
    const value = String(params[name] ?? "");
    return raw ? value : escapeHtml(value);
  });
};

/** Telegram's HTML: only b, i, code, each closed in the same message. */
function expectWellFormed(message: string): void {
  const stack: string[] = [];
  for (const match of message.matchAll(/<(\/?)([^>]*)>/g)) {
    const [, closing, name = ""] = match;
    expect(["b", "i", "code"]).toContain(name);
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(message.replace(/<\/?(?:b|i|code)>/g, "")).not.toMatch(/[<>]/);
  expect(message.replace(/&(?:lt|gt|amp|quot);/g, "")).not.toMatch(/&/);
}

describe("the rate as the committee reads it", () => {
  it("70 of 81 is 86,4% in Vietnamese and 86.4% in English", () => {
    expect(formatRate(70 / 81, "vi")).toBe("86,4%");
    expect(formatRate(70 / 81, "en")).toBe("86.4%");
  });

  it("whole, zero, exactly 85% and no rate", () => {
    expect(formatRate(1, "vi")).toBe("100,0%");
    expect(formatRate(0, "vi")).toBe("0,0%");
    expect(formatRate(17 / 20, "vi")).toBe("85,0%");
    expect(formatRate(0.8875, "vi")).toBe("88,8%");
    expect(formatRate(null, "vi")).toBe("—");
  });
});

describe("the report message, by key", () => {
  const report = buildMonthlyReport(wardInput());
  const messages = reportMessage(keyT, report, { maxLength: 4096 });
  const text = messages.join("\n");

  it("fits one Telegram message and uses only the listed keys", () => {
    expect(messages).toHaveLength(1);
    const used = new Set([...text.matchAll(/report\.[a-z_0-9.]+?(?=\{|$|\n)/gm)].map((m) => m[0]));
    for (const key of used) expect(REPORT_MESSAGE_KEYS as readonly string[]).toContain(key);
  });

  it("every key it asks for is listed, and every listed key has a Vietnamese text here", () => {
    const asked = new Set<string>();
    const recording: ReportTranslate = (key, params) => {
      asked.add(key);
      return keyT(key, params);
    };
    const input = wardInput();
    input.committeeName = null;
    input.now = at("2026-11-20T10:00"); // the school's meeting is still ahead
    const short = input.cells[0]?.meetings[1];
    if (short) short.actualEnd = null; // closed without an end time: no length
    reportMessage(recording, report, { maxLength: 4096 });
    reportMessage(recording, buildMonthlyReport(input), { maxLength: 4096 });
    const listed: readonly string[] = REPORT_MESSAGE_KEYS;
    for (const key of asked) expect(listed).toContain(key);
    expect(new Set(Object.keys(VI))).toEqual(new Set(listed));
  });

  it("the title names the committee and the month", () => {
    expect(text.split("\n")[0]).toBe('report.title{"committee":"Đảng bộ phường Đông Kinh","month":"11/2026"}');
  });

  it("attention comes first, then every cell, then the totals", () => {
    const attention = text.indexOf("report.attention_title");
    const cells = text.indexOf("report.cells_title");
    const totals = text.indexOf("report.totals_title");
    expect(attention).toBeGreaterThan(0);
    expect(cells).toBeGreaterThan(attention);
    expect(totals).toBeGreaterThan(cells);
    const attentionLines = text.split("\n").filter((line) => line.startsWith("report.attention_line"));
    expect(attentionLines).toEqual([
      'report.attention_line{"index":1,"name":"Chi bộ khối 2","reasons":"report.reason.not_held"}',
      'report.attention_line{"index":2,"name":"Chi bộ Công an phường","reasons":"report.reason.unexcused_3{\\"count\\":1}; report.reason.below_85{\\"rate\\":\\"78,6%\\"}; report.reason.rating_average"}',
      'report.attention_line{"index":3,"name":"Chi bộ Trường Tiểu học Đông Kinh","reasons":"report.reason.scheduled_not_closed"}',
    ]);
  });

  it("the held meeting's line carries date, length, 70/81, 86,4%, absences and rating", () => {
    const line = text.split("\n").find((l) => l.startsWith("report.cell_held") && l.includes("khối 1"));
    expect(line).toBe(
      'report.cell_held{"name":"Chi bộ khối 1","date":"05/11/2026","present":70,"expected":81,"rate":"86,4%","excused":6,"unexcused":5,"rating":"report.rating.fair","code":"K7A","minutes":95}',
    );
  });

  it("the not-held, cancelled and unclosed cells say so", () => {
    expect(text).toContain('report.cell_cancelled{"name":"Chi bộ khối 2"}');
    expect(text).toContain('report.cell_overdue{"name":"Chi bộ Trường Tiểu học Đông Kinh","date":"28/11/2026","code":"K7A"}');
    expect(text).toContain('report.cell_members{"unexcused3":1,"unexcused2":1}');
    expect(text).toContain(
      'report.cell_flags{"flags":"report.flag.below_85; report.flag.unexcused_absence; report.flag.too_short"}',
    );
  });

  it("the totals give 81 of 95 expected, 85,3%", () => {
    expect(text).toContain('report.totals_attendance{"present":81,"expected":95,"rate":"85,3%","below85":1}');
    expect(text).toContain('report.totals_cells{"cells":4,"held":2,"scheduled":1,"notHeld":1}');
  });

  it("names are escaped before they reach the text", () => {
    const input = wardInput();
    const first = input.cells[0];
    if (first) first.name = 'Chi bộ <b>"A&B"</b>';
    input.committeeName = "Đảng bộ <script>";
    const escaped = reportMessage(keyT, buildMonthlyReport(input), { maxLength: 4096 }).join("\n");
    expect(escaped).not.toContain("<b>");
    expect(escaped).not.toContain("<script>");
    expect(escaped).toContain("Chi bộ &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
    expect(escaped).toContain("Đảng bộ &lt;script&gt;");
  });
});

describe("the report message in Vietnamese", () => {
  const report = buildMonthlyReport(wardInput());

  it("reads as the committee expects", () => {
    const [message, ...rest] = reportMessage(viT, report, { maxLength: 4096 });
    expect(rest).toEqual([]);
    expect(message).toBe(
      [
        "📊 <b>Báo cáo sinh hoạt chi bộ tháng 11/2026</b> — Đảng bộ phường Đông Kinh",
        "",
        "⚠️ <b>Cần chú ý (3 chi bộ)</b>",
        "1. <b>Chi bộ khối 2</b>: chưa tổ chức sinh hoạt thường kỳ",
        "2. <b>Chi bộ Công an phường</b>: 1 đảng viên vắng không lý do từ 3 lần trong năm (xem xét xóa tên); tỷ lệ dự 78,6%, không trên 85%; xếp loại Trung bình",
        "3. <b>Chi bộ Trường Tiểu học Đông Kinh</b>: đã thông báo lịch nhưng chưa kết thúc buổi họp",
        "",
        "📋 <b>Từng chi bộ (4)</b>",
        "✅ <b>Chi bộ Công an phường</b>: họp 10/11/2026, 80 phút; có mặt 11/14 (78,6%); vắng có lý do 0, không lý do 3; xếp loại Trung bình",
        "    <i>Lưu ý: tỷ lệ dự không trên 85%; có đảng viên vắng không lý do; thời lượng dưới quy định</i>",
        "    Vắng không lý do trong năm: 1 đồng chí từ 3 lần, 1 đồng chí 2 lần",
        "    Chưa sinh hoạt chuyên đề quý 4",
        "✅ <b>Chi bộ khối 1</b>: họp 05/11/2026, 95 phút; có mặt 70/81 (86,4%); vắng có lý do 6, không lý do 5; xếp loại Khá",
        "    <i>Lưu ý: có đảng viên vắng không lý do</i>",
        "    Đã sinh hoạt chuyên đề quý 4",
        "❌ <b>Chi bộ khối 2</b>: buổi sinh hoạt đã hủy, chưa tổ chức lại",
        "    Chưa sinh hoạt chuyên đề quý 4",
        "🕒 <b>Chi bộ Trường Tiểu học Đông Kinh</b>: lịch họp 28/11/2026 đã qua nhưng chưa kết thúc buổi họp",
        "    Chưa sinh hoạt chuyên đề quý 4",
        "",
        "🏛 <b>Toàn Đảng bộ</b>",
        "Số chi bộ: 4; đã họp 2, đã thông báo chưa kết thúc 1, chưa họp 1",
        "Có mặt 81/95 đảng viên phải dự: <b>85,3%</b>; 1 chi bộ không trên 85%",
        "Vắng có lý do 6, vắng không lý do 8",
        "Đảng viên vắng không lý do trong năm: 1 từ 3 lần, 1 2 lần; 0 vắng có lý do 3 lần liên tiếp",
        "Sinh hoạt chuyên đề quý 4: 1/4 chi bộ",
      ].join("\n"),
    );
    expectWellFormed(message ?? "");
  });

  it("a cell name with HTML in it shows as text, not markup", () => {
    const input = wardInput();
    const first = input.cells[0];
    if (first) first.name = "Chi bộ <i>khối 1</i> & 2";
    const [message = ""] = reportMessage(viT, buildMonthlyReport(input), { maxLength: 4096 });
    expect(message).toContain("<b>Chi bộ &lt;i&gt;khối 1&lt;/i&gt; &amp; 2</b>");
    expectWellFormed(message);
  });

  it("when nothing needs attention, it says so", () => {
    const input = wardInput();
    input.cells = input.cells.slice(0, 1);
    const [message = ""] = reportMessage(viT, buildMonthlyReport(input), { maxLength: 4096 });
    expect(message).toContain("⚠️ <b>Cần chú ý (0 chi bộ)</b>\nKhông có chi bộ nào cần chú ý.");
  });
});

describe("a long report in several messages", () => {
  function bigReport(cells: number): MonthlyReport {
    const input = wardInput();
    input.cells = Array.from({ length: cells }, (_, c) => ({
      id: `c${c}`,
      name: `Chi bộ khối ${c + 1} <phường> & "Đông Kinh"`,
      members: roster(`c${c}m`, 20),
      meetings:
        c % 3 === 0 ? [] : [meeting(`c${c}n`, "2026-11-05T19:30", { records: marks(`c${c}m`, 0, 15 + (c % 6), "present") })],
    }));
    return buildMonthlyReport(input);
  }

  it.each([4096, 2000, 300])("every message fits %i characters, tags are closed and nothing is lost", (maxLength) => {
    const report = bigReport(120);
    const messages = reportMessage(viT, report, { maxLength });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.length).toBeLessThanOrEqual(maxLength);
      expect(message.trim()).not.toBe("");
      expectWellFormed(message);
    }
    const whole = reportMessage(viT, report, { maxLength: 1_000_000 });
    expect(whole).toHaveLength(1);
    const lines = (whole[0] ?? "").split("\n").filter((line) => line !== "");
    expect(
      messages
        .join("\n")
        .split("\n")
        .filter((line) => line !== ""),
    ).toEqual(lines);
  });

  it("a cell's lines stay together in one message", () => {
    const messages = reportMessage(viT, bigReport(120), { maxLength: 2000 });
    for (const message of messages) expect(message.split("\n")[0]).not.toMatch(/^ {4}/);
  });

  it("a name longer than a whole message is cut outside tags and entities", () => {
    const input = wardInput();
    const first = input.cells[0];
    if (first) first.name = `Chi bộ ${"Đông Kinh & <khối> ".repeat(300)}`;
    const messages = reportMessage(viT, buildMonthlyReport(input), { maxLength: 2000 });
    for (const message of messages) {
      expect(message.length).toBeLessThanOrEqual(2000);
      expectWellFormed(message);
    }
    const joined = messages.join("");
    expect(joined.replace(/<\/?b>/g, "")).toContain("Đông Kinh &amp; &lt;khối&gt; ".repeat(50));
  });

  it("a maximum length too small for any line is refused", () => {
    expect(() => reportMessage(viT, bigReport(1), { maxLength: 10 })).toThrow(RangeError);
  });
});
