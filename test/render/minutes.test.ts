import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MINUTES_LABELS, renderMinutesDocx, type MinutesInput } from "../../src/render/minutes.js";
import {
  child,
  elements,
  paragraphTexts,
  parseXml,
  readDocx,
  runFormatting,
  runsContaining,
  textOf,
  visibleText,
} from "../support/docx.js";

const EXCUSED = [
  { name: "Nguyễn Thị Hường", reason: "ốm, đang điều trị tại bệnh viện" },
  { name: "Trần Văn Định", reason: "đi công tác Đà Nẵng" },
  { name: "Lê Quang Hưng", reason: "chăm vợ sinh con" },
  { name: "Phạm Thị Thủy", reason: "về quê có việc gia đình" },
  { name: "Hoàng Văn Lũy", reason: "tuổi cao, sức yếu" },
  { name: "Vũ Thị Ngọc Ánh", reason: "trực cơ quan" },
  { name: "Đặng Đình Khôi", reason: "đi khám bệnh định kỳ" },
  { name: "Bùi Thị Yến", reason: "con ốm" },
  { name: "Đỗ Mạnh Trường", reason: "làm ca đêm" },
];

function meeting(overrides: Partial<MinutesInput> = {}): MinutesInput {
  return {
    committeeName: "Đảng bộ phường Đông Kinh",
    cellName: "Chi bộ khối 5",
    place: "Nhà văn hóa khối 5",
    locality: "Đông Kinh",
    date: "2026-03-05",
    actualStart: "19:30",
    actualEnd: "21:15",
    typeLabel: "thường kỳ",
    chair: "Nguyễn Văn Thắng",
    chairTitle: "Bí thư chi bộ",
    minuteTaker: "Lương Thị Mai",
    minuteTakerTitle: "Chi ủy viên",
    guests: [{ name: "Hà Minh Đức", title: "Đảng ủy viên, phụ trách chi bộ" }, { name: "Nông Thị Lụa" }],
    counts: { total: 106, official: 105, probationary: 1, exempt: 25, expected: 81, present: 70, rate: 70 / 81 },
    excused: EXCUSED,
    unexcused: ["Ngô Văn Tùng", "Mai Xuân Lộc"],
    agenda: [
      { title: "Khai mạc, báo cáo số lượng đảng viên dự họp", presenter: "Nguyễn Văn Thắng" },
      { title: "Thông tin thời sự; học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" },
      { title: "Đánh giá kết quả tháng 2, nhiệm vụ tháng 3", presenter: "Lương Thị Mai" },
    ],
    discussion: [
      { speaker: "Trịnh Văn Sơn", text: "Đề nghị tăng cường vệ sinh môi trường ngõ 12.\nCần vận động các hộ đóng góp." },
      { speaker: "Hà Minh Đức", text: "" },
    ],
    conclusion: "Chi bộ thống nhất các nhiệm vụ trọng tâm tháng 3; giao các tổ đảng triển khai.",
    resolution: "Thông qua nghị quyết tháng 3/2026.",
    vote: { for: 68, against: 1, abstain: 1, entitled: 70 },
    score: {
      parts: [
        { label: "Chuẩn bị", score: 14, max: 15 },
        { label: "Tham dự", score: 17.5, max: 20 },
        { label: "Tiến hành", score: 40, max: 45 },
        { label: "Kết thúc", score: 18, max: 20 },
      ],
      total: 89.5,
      ratingLabel: "Khá",
    },
    ...overrides,
  };
}

async function render(input: MinutesInput) {
  const docx = await readDocx(await renderMinutesDocx(input));
  return { ...docx, text: visibleText(docx.document), paragraphs: paragraphTexts(docx.document) };
}

function bigMeeting(): MinutesInput {
  const names = Array.from({ length: 135 }, (_, i) => `Nguyễn Thị Đảng Viên Số ${i + 1}`);
  return meeting({
    counts: { total: 135, official: 134, probationary: 1, exempt: 0, expected: 135, present: 0, rate: 0 },
    excused: names.map((name, i) => ({ name, reason: `lý do thứ ${i + 1}: ${"đi công tác xa, ".repeat(5)}<&>` })),
    unexcused: names.slice(0, 20),
    agenda: Array.from({ length: 30 }, (_, i) => ({ title: `Nội dung thứ ${i + 1} & "bàn" <kỹ>`, presenter: names[i] ?? "" })),
    discussion: names.map((speaker, i) => ({ speaker, text: `Ý kiến ${i + 1}: ${"Tôi đồng ý với dự thảo. ".repeat(20)}` })),
    conclusion: "Kết luận dài. ".repeat(215).slice(0, 3000),
  });
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

const office = onPath("soffice") ?? onPath("libreoffice");

describe("renderMinutesDocx", () => {
  it("gives the secretary a real .docx: a zip with [Content_Types].xml and word/document.xml, every XML part well-formed", async () => {
    const bytes = await renderMinutesDocx(meeting());
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
    const docx = await readDocx(bytes);
    expect(docx.files).toContain("[Content_Types].xml");
    expect(docx.files).toContain("word/document.xml");
    expect(docx.files).toContain("word/styles.xml");
    for (const name of docx.files.filter((f) => f.endsWith(".xml") || f.endsWith(".rels"))) {
      parseXml(await docx.part(name));
    }
    expect(await docx.part("[Content_Types].xml")).toContain("wordprocessingml.document.main+xml");
  });

  it("gives the secretary the usual header: committee and cell upper-case with '*', the Party's name underlined, place and date in italics", async () => {
    const { document, paragraphs } = await render(meeting());
    const table = elements(document, "w:tbl")[0];
    expect(table).toBeDefined();
    const cells = elements(table!, "w:tc").map((cell) => paragraphTexts(cell));
    expect(cells).toEqual([
      ["ĐẢNG BỘ PHƯỜNG ĐÔNG KINH", "CHI BỘ KHỐI 5", "*"],
      ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "Đông Kinh, ngày 05 tháng 3 năm 2026"],
    ]);
    const borders = child(child(table!, "w:tblPr")!, "w:tblBorders")!;
    for (const side of elements(borders, "w:top").concat(elements(borders, "w:insideVertical"))) {
      expect(side.attributes["w:val"]).toBe("none");
    }
    const party = runsContaining(document, "ĐẢNG CỘNG SẢN VIỆT NAM")[0]!;
    expect(runFormatting(party)).toContain("w:u");
    expect(runFormatting(party)).toContain("w:b");
    expect(runFormatting(runsContaining(document, "Đông Kinh, ngày 05 tháng 3 năm 2026")[0]!)).toContain("w:i");
    expect(runFormatting(runsContaining(document, "CHI BỘ KHỐI 5")[0]!)).toContain("w:b");
    expect(paragraphs.indexOf("ĐẢNG BỘ PHƯỜNG ĐÔNG KINH")).toBe(0);
  });

  it("gives a cell without committee just its own name, and never doubles the 'Chi bộ' / 'Đảng bộ' prefix", async () => {
    const alone = await render(meeting({ committeeName: null, cellName: "Trường Mầm non 02/9" }));
    expect(alone.paragraphs.slice(0, 2)).toEqual(["CHI BỘ TRƯỜNG MẦM NON 02/9", "*"]);
    expect(alone.text).not.toContain("ĐẢNG BỘ");
    const bare = await render(meeting({ committeeName: "phường Đông Kinh", cellName: "khối 7+10" }));
    expect(bare.paragraphs.slice(0, 2)).toEqual(["ĐẢNG BỘ PHƯỜNG ĐÔNG KINH", "CHI BỘ KHỐI 7+10"]);
  });

  it("gives the title, the subtitle with type and month, and the draft note in italics", async () => {
    const { document, paragraphs } = await render(meeting());
    expect(paragraphs).toContain("BIÊN BẢN");
    expect(paragraphs).toContain("Sinh hoạt chi bộ thường kỳ tháng 3/2026");
    const note = "(Bản dự thảo do Chibo tạo — bản chính thức ghi vào sổ biên bản và Sổ tay đảng viên)";
    expect(paragraphs).toContain(note);
    expect(runFormatting(runsContaining(document, note)[0]!)).toContain("w:i");
    const held = await render(meeting({ date: "2026-04-02", period: { month: 3, year: 2026 } }));
    expect(held.paragraphs).toContain("Sinh hoạt chi bộ thường kỳ tháng 3/2026");
    expect(held.text).toContain("ngày 02 tháng 4 năm 2026");
  });

  it("gives section I with actual start and end times and the place", async () => {
    const { paragraphs } = await render(meeting());
    expect(paragraphs).toContain("I. THỜI GIAN, ĐỊA ĐIỂM");
    expect(paragraphs).toContain(
      "- Thời gian: bắt đầu lúc 19 giờ 30 phút, ngày 05 tháng 3 năm 2026; kết thúc lúc 21 giờ 15 phút.",
    );
    expect(paragraphs).toContain("- Địa điểm: Nhà văn hóa khối 5.");
    const february = await render(meeting({ date: "2026-02-14" }));
    expect(february.text).toContain("ngày 14 tháng 02 năm 2026");
  });

  it("gives section II: chair, minute-taker, guests with titles, members by status, present/expected with the rate in Vietnamese", async () => {
    const { paragraphs, text } = await render(meeting());
    expect(paragraphs).toContain("- Chủ trì: Đ/c Nguyễn Văn Thắng, Bí thư chi bộ.");
    expect(paragraphs).toContain("- Thư ký: Đ/c Lương Thị Mai, Chi ủy viên.");
    expect(paragraphs).toContain("+ Đ/c Hà Minh Đức, Đảng ủy viên, phụ trách chi bộ");
    expect(paragraphs).toContain("+ Đ/c Nông Thị Lụa");
    expect(text).toContain("Tổng số đảng viên của chi bộ: 106 đồng chí (chính thức: 105, dự bị: 1)");
    expect(text).toContain("miễn công tác và sinh hoạt đảng: 25 đồng chí");
    expect(text).toContain("Số đảng viên phải dự: 81 đồng chí; có mặt 70/81 đồng chí (86,4%).");
    expect(paragraphs).toContain("- Khách mời:");
    const noGuests = await render(meeting({ guests: [], counts: { ...meeting().counts, rate: null } }));
    expect(noGuests.paragraphs).toContain("- Khách mời: không có.");
    expect(noGuests.text).toContain("có mặt 70/81 đồng chí.");
    const full = await render(meeting({ counts: { ...meeting().counts, present: 81, rate: 1 } }));
    expect(full.text).toContain("có mặt 81/81 đồng chí (100%).");
  });

  it("gives each excused absentee with the reason, and the unexcused by name", async () => {
    const { paragraphs } = await render(meeting());
    expect(paragraphs).toContain("- Vắng có lý do: 9 đồng chí:");
    for (const { name, reason } of EXCUSED) expect(paragraphs).toContain(`+ Đ/c ${name}: ${reason}`);
    expect(paragraphs).toContain("- Vắng không lý do: 2 đồng chí: Đ/c Ngô Văn Tùng, Đ/c Mai Xuân Lộc.");
    const none = await render(meeting({ excused: [], unexcused: [] }));
    expect(none.paragraphs).toContain("- Vắng có lý do: 0 đồng chí.");
    expect(none.paragraphs).toContain("- Vắng không lý do: 0 đồng chí.");
    const noReason = await render(meeting({ excused: [{ name: "Đ/c Bùi Thị Yến", reason: " " }] }));
    expect(noReason.paragraphs).toContain("+ Đ/c Bùi Thị Yến: ……………………");
  });

  it("gives section III: the agenda numbered with presenters, then 'Đ/c speaker: text', dotted lines where nothing was noted", async () => {
    const { paragraphs, document } = await render(meeting());
    expect(paragraphs).toContain("III. NỘI DUNG");
    expect(paragraphs).toContain("1. Khai mạc, báo cáo số lượng đảng viên dự họp (Đ/c Nguyễn Văn Thắng trình bày)");
    expect(paragraphs).toContain("2. Thông tin thời sự; học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh");
    expect(paragraphs).toContain("3. Đánh giá kết quả tháng 2, nhiệm vụ tháng 3 (Đ/c Lương Thị Mai trình bày)");
    expect(paragraphs).toContain("Đ/c Trịnh Văn Sơn: Đề nghị tăng cường vệ sinh môi trường ngõ 12.");
    expect(paragraphs).toContain("Cần vận động các hộ đóng góp.");
    expect(runFormatting(runsContaining(document, "Đ/c Trịnh Văn Sơn:")[0]!)).toContain("w:b");
    const empty = paragraphs.findIndex((p) => /^Đ\/c Hà Minh Đức: …{10,}$/.test(p));
    expect(empty).toBeGreaterThan(0);
    expect(paragraphs[empty + 1]).toMatch(/^…{20,}$/);
    expect(paragraphs[empty + 2]).toMatch(/^…{20,}$/);

    const blank = await render(meeting({ agenda: [], discussion: [] }));
    const heading = blank.paragraphs.indexOf("Ý kiến thảo luận:");
    expect(blank.paragraphs.slice(heading + 1, heading + 9).every((p) => /^…{20,}$/.test(p))).toBe(true);
  });

  it("gives section IV with the chair's conclusion, or dotted lines to write it by hand", async () => {
    const { paragraphs } = await render(meeting());
    const at = paragraphs.indexOf("IV. KẾT LUẬN CỦA CHỦ TRÌ");
    expect(paragraphs[at + 1]).toBe("Chi bộ thống nhất các nhiệm vụ trọng tâm tháng 3; giao các tổ đảng triển khai.");
    const none = await render(meeting({ conclusion: undefined }));
    const at2 = none.paragraphs.indexOf("IV. KẾT LUẬN CỦA CHỦ TRÌ");
    expect(none.paragraphs.slice(at2 + 1, at2 + 6).every((p) => /^…{20,}$/.test(p))).toBe(true);
    expect(none.paragraphs[at2 + 6]).toBe("V. BIỂU QUYẾT");
  });

  it("gives section V: the resolution and for / against / not voting with % of those entitled", async () => {
    const { paragraphs } = await render(meeting());
    expect(paragraphs).toContain("Thông qua nghị quyết tháng 3/2026.");
    expect(paragraphs).toContain("Số đảng viên có quyền biểu quyết: 70 đồng chí. Kết quả biểu quyết:");
    expect(paragraphs).toContain("- Tán thành: 68/70 đồng chí (97,1%).");
    expect(paragraphs).toContain("- Không tán thành: 1/70 đồng chí (1,4%).");
    expect(paragraphs).toContain("- Không biểu quyết: 1/70 đồng chí (1,4%).");
    const none = await render(meeting({ vote: undefined, resolution: undefined }));
    expect(none.paragraphs).toContain("- Tán thành: ……………………/…………………… đồng chí.");
    expect(none.text).not.toContain("Nội dung nghị quyết");
  });

  it("gives section VI: each rubric part's score, the total and the rating", async () => {
    const { paragraphs } = await render(meeting());
    expect(paragraphs).toContain("VI. ĐÁNH GIÁ, XẾP LOẠI");
    expect(paragraphs).toContain("- Chuẩn bị: 14/15 điểm.");
    expect(paragraphs).toContain("- Tham dự: 17,5/20 điểm.");
    expect(paragraphs).toContain("- Tiến hành: 40/45 điểm.");
    expect(paragraphs).toContain("- Kết thúc: 18/20 điểm.");
    expect(paragraphs).toContain("- Tổng điểm: 89,5/100 điểm.");
    expect(paragraphs).toContain("- Xếp loại: Khá.");
    const none = await render(meeting({ score: undefined }));
    expect(none.paragraphs).toContain("- Tổng điểm: ……………………/100 điểm.");
    expect(none.paragraphs).toContain("- Xếp loại: …………………….");
  });

  it("gives the closing line and two signature columns, minute-taker left and chair right, names under the space to sign", async () => {
    const { document, paragraphs } = await render(meeting({ chair: "Đ/c Nguyễn Văn Thắng" }));
    expect(paragraphs).toContain("Buổi sinh hoạt kết thúc lúc 21 giờ 15 phút cùng ngày.");
    const signatures = elements(document, "w:tbl").at(-1)!;
    const [left, right] = elements(signatures, "w:tc").map((cell) => paragraphTexts(cell).filter((p) => p !== ""));
    expect(left).toEqual(["THƯ KÝ", "(Ký, ghi rõ họ tên)", "Lương Thị Mai"]);
    expect(right).toEqual(["CHỦ TRÌ", "(Ký, ghi rõ họ tên)", "Nguyễn Văn Thắng"]);
    expect(elements(signatures, "w:p").length).toBeGreaterThanOrEqual(14); // blank lines to sign on
    const open = await render(meeting({ actualEnd: null }));
    expect(open.paragraphs).toContain("Buổi sinh hoạt kết thúc lúc …………………… cùng ngày.");
  });

  it("gives Times New Roman 13 pt on A4 with margins 2 cm and 3 cm on the left", async () => {
    const docx = await readDocx(await renderMinutesDocx(meeting()));
    const styles = parseXml(await docx.part("word/styles.xml"));
    const defaults = elements(styles, "w:rPrDefault")[0]!;
    expect(elements(defaults, "w:rFonts")[0]?.attributes["w:ascii"]).toBe("Times New Roman");
    expect(elements(defaults, "w:rFonts")[0]?.attributes["w:hAnsi"]).toBe("Times New Roman");
    expect(elements(defaults, "w:sz")[0]?.attributes["w:val"]).toBe("26");
    expect(elements(defaults, "w:lang")[0]?.attributes["w:val"]).toBe("vi-VN");
    const section = elements(docx.document, "w:sectPr").at(-1)!;
    expect(child(section, "w:pgSz")?.attributes).toMatchObject({ "w:w": "11906", "w:h": "16838" });
    expect(child(section, "w:pgMar")?.attributes).toMatchObject({
      "w:top": "1134",
      "w:bottom": "1134",
      "w:right": "1134",
      "w:left": "1701",
    });
  });

  it("keeps Vietnamese diacritics exactly, in NFC, even when the input was typed decomposed (NFD)", async () => {
    const names = ["Nguyễn Thị Thủy", "Đặng Ngọc Ẩn", "Lưu Quý Ưởng", "Hồ Thị Kỳ Duyên"];
    const nfd = names.map((n) => n.normalize("NFD"));
    expect(nfd[0]).not.toBe(names[0]);
    const { text, documentXml } = await render(
      meeting({ chair: nfd[0]!, unexcused: nfd.slice(1), place: "Hội trường tổ dân phố số 3".normalize("NFD") }),
    );
    for (const name of names) expect(text).toContain(name);
    expect(text).toContain("Hội trường tổ dân phố số 3");
    expect(text).toBe(text.normalize("NFC"));
    expect(documentXml).toBe(documentXml.normalize("NFC"));
    expect(text).toContain("ĐẢNG BỘ PHƯỜNG ĐÔNG KINH");
  });

  it("keeps what members type as text: '<', '&', quotes and '{placeholders}' are escaped in the XML and intact on the page", async () => {
    const speech = `Theo "Chỉ thị 05" & Nghị quyết <số 12>: thu 'đảng phí' {d}/{m} <w:t>x</w:t> ]]>`;
    const { documentXml, paragraphs, text } = await render(
      meeting({
        discussion: [{ speaker: `Trần "Út" <Em> & Co`, text: speech }],
        conclusion: "a < b && c > d",
        place: 'Nhà văn hóa <khối 5> & "sân"',
      }),
    );
    expect(paragraphs).toContain(`Đ/c Trần "Út" <Em> & Co: ${speech}`);
    expect(paragraphs).toContain("a < b && c > d");
    expect(text).toContain('- Địa điểm: Nhà văn hóa <khối 5> & "sân".');
    expect(documentXml).toContain("&lt;w:t&gt;x&lt;/w:t&gt;");
    expect(documentXml).toContain("a &lt; b &amp;&amp; c &gt; d");
    expect(documentXml).not.toContain("<Em>");
    expect(documentXml).not.toContain("<khối 5>");
  });

  it("drops characters a .docx cannot carry (control characters, lone surrogates) instead of breaking the file", async () => {
    const { text } = await render(
      meeting({ conclusion: "bell\u0007 nul\u0000 vt\u000B lone\uD800 ok 👍 \uFFFE end", cellName: "khối\u0001 5" }),
    );
    expect(text).toContain("bell nul vt lone ok 👍 end");
    expect(text).toContain("CHI BỘ KHỐI 5");
  });

  it("gives a valid document for a big cell: 135 absentees with reasons, 30 agenda items, 135 speeches, a 3,000-character conclusion", async () => {
    const input = bigMeeting();
    expect(input.conclusion).toHaveLength(3000);
    const { paragraphs, text } = await render(input);
    expect(paragraphs).toContain("- Vắng có lý do: 135 đồng chí:");
    expect(paragraphs.filter((p) => p.startsWith("+ Đ/c Nguyễn Thị Đảng Viên Số "))).toHaveLength(135);
    expect(paragraphs).toContain('30. Nội dung thứ 30 & "bàn" <kỹ> (Đ/c Nguyễn Thị Đảng Viên Số 30 trình bày)');
    expect(paragraphs).toContain(input.conclusion!.trim());
    expect(text).toContain("Buổi sinh hoạt kết thúc lúc 21 giờ 15 phút cùng ngày.");
  });

  it("gives a well-formed document whatever the members typed (random text in every field)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.string({ unit: "grapheme", maxLength: 200 }),
        async (name, text) => {
          const input = meeting({
            committeeName: name,
            cellName: name,
            place: text,
            chair: name,
            guests: [{ name, title: text }],
            excused: [{ name, reason: text }],
            unexcused: [name],
            agenda: [{ title: text, presenter: name }],
            discussion: [{ speaker: name, text }],
            conclusion: text,
            resolution: text,
          });
          const { paragraphs } = await render(input); // parseXml throws on anything malformed
          const line = text.normalize("NFC").replace(/\s+/g, " ").trim();
          if (line !== "" && !/[\r\n\u2028\u2029\uFFFE\uFFFF]/.test(text)) expect(paragraphs).toContain(line);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("uses the labels of the bot's locale when given", async () => {
    const { paragraphs } = await render(
      meeting({
        labels: {
          ...DEFAULT_MINUTES_LABELS,
          sectionTime: "I. TIME AND PLACE",
          decimalSeparator: ".",
          presence: "- Expected: {expected}; present {present}{percent}.",
          countOf: "{count} of {of}",
        },
      }),
    );
    expect(paragraphs).toContain("I. TIME AND PLACE");
    expect(paragraphs).toContain("- Expected: 81; present 70 of 81 (86.4%).");
    expect(paragraphs).toContain("II. THÀNH PHẦN");
  });

  it("refuses a malformed date or time instead of printing a wrong record", async () => {
    await expect(renderMinutesDocx(meeting({ date: "2026-02-30" }))).rejects.toThrow(RangeError);
    await expect(renderMinutesDocx(meeting({ date: "05/03/2026" }))).rejects.toThrow(RangeError);
    await expect(renderMinutesDocx(meeting({ actualStart: "25:00" }))).rejects.toThrow(RangeError);
  });

  it.skipIf(office === undefined)(
    "gives a file LibreOffice converts to PDF",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "chibo-minutes-"));
      try {
        writeFileSync(join(dir, "bien-ban.docx"), await renderMinutesDocx(bigMeeting()));
        const result = spawnSync(
          office!,
          [
            `-env:UserInstallation=file://${join(dir, "profile")}`,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dir,
            join(dir, "bien-ban.docx"),
          ],
          { timeout: 120_000, encoding: "utf8" },
        );
        expect(result.status, result.stderr).toBe(0);
        expect(readFileSync(join(dir, "bien-ban.pdf")).subarray(0, 5).toString("latin1")).toBe("%PDF-");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

describe("test/support/docx parseXml", () => {
  it("rejects what Word would refuse to open", () => {
    for (const bad of [
      "<a><b></a></b>",
      "<a>x & y</a>",
      "<a>x < y</a>",
      '<a b="1" b="2"/>',
      "<a>",
      "<a/><b/>",
      "<a>&nbsp;</a>",
      "<a>\u0001</a>",
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });

  it("reads what is well-formed, with entities decoded", () => {
    const root = parseXml(
      `<?xml version="1.0"?><w:p a='x&gt;"'><w:r><w:t>a &lt;b&gt; &amp; &#233;&#x1F44D;</w:t><w:tab/></w:r></w:p>`,
    );
    expect(root.attributes.a).toBe('x>"');
    expect(textOf(root)).toBe("a <b> & é👍\t");
  });
});
