import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_ROSTER_ROWS,
  ROSTER_FATAL_CODES,
  ROSTER_PROBLEM_CODES,
  ROW_SKIPPING_PROBLEM_CODES,
  countRoster,
  parseRosterCsv,
  parseRosterFile,
  parseRosterLines,
  planRosterImport,
  type RosterParseResult,
  type RosterRow,
} from "../../src/domain/roster-import.js";
import { normalizeName } from "../../src/domain/roster.js";
import {
  STANDARD_HEADER,
  concatBytes,
  existingMember,
  fixtureBytes,
  fixtureText,
  membersFromRows,
  plainCsvTable,
  pseudoRandomBytes,
  rosterRow,
  rowsToTable,
  toCsv,
  wardCells,
  withoutRowNumbers,
  xlsxBytes,
  zipWithOneFile,
  type XlsxCell,
} from "../support/roster-files.js";

const CELL_01 = fixtureText("cell-01.csv");
const CELL_01_TABLE = plainCsvTable(CELL_01);
const CELL_01_ROWS = parseRosterCsv(CELL_01).rows;

/** A small roster in the standard layout, with the header first. */
function csvOf(rows: string[][], header = STANDARD_HEADER): string {
  return toCsv([header, ...rows]);
}

function codes(result: RosterParseResult): string[] {
  return result.problems.map((problem) => problem.code);
}

describe("the ward's own roster files", () => {
  it.each(wardCells().map((cell) => [cell.roster, cell] as const))(
    "%s reads with no problems and the counts the committee expects",
    (file, cell) => {
      const result = parseRosterCsv(fixtureText(file));
      expect(result.fatal).toBeUndefined();
      expect(result.problems).toEqual([]);
      expect(result.format).toBe("csv");
      const counts = countRoster(result.rows);
      expect({ members: counts.total, probationary: counts.probationary, exempt: counts.exempt }).toEqual({
        members: cell.members,
        probationary: cell.probationary,
        exempt: cell.exempt,
      });
    },
  );

  it.each(wardCells().map((cell) => [cell.roster] as const))("%s keeps every name exactly as written, in NFC", (file) => {
    const text = fixtureText(file);
    const written = plainCsvTable(text)
      .slice(1)
      .map((cells) => cells[1]);
    const rows = parseRosterCsv(text).rows;
    expect(rows.map((row) => row.fullName)).toEqual(written);
    for (const row of rows) expect(row.fullName.normalize("NFC")).toBe(row.fullName);
  });

  it("gives each member the row number the secretary sees in Excel", () => {
    const [first, second] = CELL_01_ROWS;
    expect(first).toEqual({
      rowNumber: 2,
      fullName: "Hứa Minh Đạt",
      birthYear: 1963,
      gender: "male",
      status: "official",
      exempt: false,
      exemptSince: null,
      role: "secretary",
      group: "Tổ 1",
    });
    expect(second).toMatchObject({ rowNumber: 3, fullName: "Hoàng Xuân Quân", exempt: true, role: "member" });
    expect(CELL_01_ROWS.at(-1)?.rowNumber).toBe(136);
  });
});

describe("the same roster laid out differently", () => {
  it.each([
    ["semicolons (Excel in the Vietnamese locale)", ";"],
    ["tabs", "\t"],
  ])("reads a file separated by %s like the comma one", (_label, delimiter) => {
    expect(parseRosterCsv(toCsv(CELL_01_TABLE, { delimiter })).rows).toEqual(CELL_01_ROWS);
  });

  it("reads columns in any order", () => {
    const order = [7, 3, 1, 6, 0, 5, 2, 4];
    const shuffled = CELL_01_TABLE.map((cells) => order.map((index) => cells[index] ?? ""));
    expect(parseRosterCsv(toCsv(shuffled)).rows).toEqual(CELL_01_ROWS);
  });

  it.each([
    [["stt", "HO VA TEN", "Nam sinh", "gioi tinh", " LOAI  DANG VIEN ", "mien sinh hoat", "chuc vu", "To dang"]],
    [["TT", "Họ tên", "NS", "Giới", "Loại ĐV", "Miễn SH", "Chức vụ", "Tổ"]],
    [["No", "Tên", "Ngày sinh", "Phái", "loại đảng viên", "Miễn", "Chức danh", "Tổ Đảng"]],
    [["#", "Full name", "Birth year", "Gender", "Status", "Exempt", "Role", "Group"]],
  ])("recognises the header %j", (header) => {
    const table = [header, ...CELL_01_TABLE.slice(1)];
    expect(parseRosterCsv(toCsv(table)).rows).toEqual(CELL_01_ROWS);
  });

  it("skips the title rows above the header and still counts them in row numbers", () => {
    const titled = [["ĐẢNG BỘ PHƯỜNG ĐÔNG KINH"], ["DANH SÁCH ĐẢNG VIÊN CHI BỘ KHỐI 7+10"], [""], ...CELL_01_TABLE];
    const rows = parseRosterCsv(toCsv(titled)).rows;
    expect(withoutRowNumbers(rows)).toEqual(withoutRowNumbers(CELL_01_ROWS));
    expect(rows[0]?.rowNumber).toBe(5);
  });

  it("reads quoted fields holding commas, doubled quotes and line breaks", () => {
    const text = csvOf([
      ["1", 'Nguyễn Văn "Út"', "1950", "Nam", "Chính thức", "", "Chi ủy viên, Tổ trưởng", "Tổ 1, khu A"],
      ["2", "Trần Thị\nBình", "1960", "Nữ", "Dự bị", "", "Đảng viên", ""],
    ]);
    expect(text).toContain('"Nguyễn Văn ""Út"""');
    const result = parseRosterCsv(text);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((row) => [row.rowNumber, row.fullName, row.role, row.group])).toEqual([
      [2, 'Nguyễn Văn "Út"', "committee_member", "Tổ 1, khu A"],
      [3, "Trần Thị Bình", "member", null],
    ]);
  });

  it.each([
    ["CRLF", "\r\n"],
    ["LF", "\n"],
    ["CR (old Mac)", "\r"],
  ])("reads %s line endings", (_label, eol) => {
    expect(parseRosterCsv(toCsv(CELL_01_TABLE, { eol })).rows).toEqual(CELL_01_ROWS);
  });

  it("reads a file without a byte-order mark", () => {
    expect(parseRosterCsv(toCsv(CELL_01_TABLE, { bom: false })).rows).toEqual(CELL_01_ROWS);
  });

  it("turns decomposed (NFD) diacritics into the usual NFC names", () => {
    const rows = parseRosterCsv(CELL_01.normalize("NFD")).rows;
    expect(rows).toEqual(CELL_01_ROWS);
  });

  it("ignores empty rows, rows with only a number and trailing empty lines without a word", () => {
    const text = `${csvOf([
      ["1", "Nguyễn Văn An", "1960", "Nam", "Chính thức", "", "Bí thư", ""],
      ["", "", "", "", "", "", "", ""],
      ["2", "", "", "", "", "", "", ""],
      ["3", "Lê Thị Hoa", "1970", "Nữ", "Chính thức", "", "", ""],
    ])},,,,,,,\r\n\r\n\r\n`;
    const result = parseRosterCsv(text);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((row) => [row.rowNumber, row.fullName])).toEqual([
      [2, "Nguyễn Văn An"],
      [5, "Lê Thị Hoa"],
    ]);
  });

  it("ignores the (1) (2) (3) column-numbering row printed under some headers", () => {
    const text = csvOf([
      ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
      ["1", "Nguyễn Văn An", "1960", "Nam", "Chính thức", "", "", ""],
    ]);
    const result = parseRosterCsv(text);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((row) => row.rowNumber)).toEqual([3]);
  });

  it("reads a form whose status and gender are ticked under Chính thức/Dự bị and Nam/Nữ", () => {
    const text = toCsv([
      ["STT", "Họ và tên", "Giới tính", "", "Loại đảng viên", "", "Tổ đảng"],
      ["", "", "Nam", "Nữ", "Chính thức", "Dự bị", ""],
      ["1", "Nguyễn Văn An", "1960", "", "x", "", "Tổ 1"],
      ["2", "Lê Thị Hoa", "", "x", "", "x", "Tổ 2"],
    ]);
    const result = parseRosterCsv(text);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((row) => [row.rowNumber, row.gender, row.birthYear, row.status])).toEqual([
      [3, "male", 1960, "official"],
      [4, "female", null, "probationary"],
    ]);
  });

  it("joins the family and given name when they are in separate columns", () => {
    const text = toCsv([
      ["STT", "Họ và tên đệm", "Tên", "Loại đảng viên"],
      ["1", "Nguyễn Văn", "An", "Chính thức"],
    ]);
    expect(parseRosterCsv(text).rows[0]?.fullName).toBe("Nguyễn Văn An");
  });

  it("reads a birth date where the file has one instead of a year", () => {
    const text = toCsv([
      ["Họ và tên", "Ngày sinh", "Loại đảng viên"],
      ["Nguyễn Văn An", "12/03/1960", "CT"],
      ["Lê Thị Hoa", "1971-05-30", "DB"],
    ]);
    expect(parseRosterCsv(text).rows.map((row) => row.birthYear)).toEqual([1960, 1971]);
  });

  it.each([
    ["x", true, null],
    ["X", true, null],
    ["có", true, null],
    ["✓", true, null],
    ["1", true, null],
    ["miễn", true, null],
    ["01/03/2024", true, "2024-03-01"],
    ["1/3/2024", true, "2024-03-01"],
    ["miễn từ 15.06.2023", true, "2023-06-15"],
    ["3/2024", true, "2024-03-01"],
    ["2024-03-01", true, "2024-03-01"],
    ["", false, null],
    ["không", false, null],
    ["0", false, null],
    ["-", false, null],
  ])("reads the exemption mark %j as exempt=%s since %s", (mark, exempt, since) => {
    const result = parseRosterCsv(csvOf([["1", "Nguyễn Văn An", "1940", "Nam", "Chính thức", mark, "", ""]]));
    expect(result.problems).toEqual([]);
    expect(result.rows[0]).toMatchObject({ exempt, exemptSince: since });
  });

  it("tidies group names so Tổ 1, tổ đảng 1 and 1 are one group", () => {
    const text = csvOf([
      ["1", "Nguyễn Văn An", "", "", "Chính thức", "", "", "Tổ 1"],
      ["2", "Lê Thị Hoa", "", "", "Chính thức", "", "", "tổ đảng 1"],
      ["3", "Trần Văn Bình", "", "", "Chính thức", "", "", "1"],
      ["4", "Phạm Thị Mai", "", "", "Chính thức", "", "", "Khu tập thể"],
    ]);
    const rows = parseRosterCsv(text).rows;
    expect(rows.map((row) => row.group)).toEqual(["Tổ 1", "Tổ 1", "Tổ 1", "Khu tập thể"]);
    expect(countRoster(rows).groups).toBe(2);
  });
});

describe("what the secretary is told about a file with mistakes", () => {
  it("refuses a file without a status column, naming the missing column", () => {
    const table = CELL_01_TABLE.map((cells) => cells.filter((_cell, index) => index !== 4));
    expect(parseRosterCsv(toCsv(table))).toEqual({
      rows: [],
      problems: [],
      fatal: { code: "missing_columns", columns: ["status"] },
      format: "csv",
    });
  });

  it("names both required columns when neither is there", () => {
    const result = parseRosterCsv(
      toCsv([
        ["STT", "Năm sinh", "Giới tính"],
        ["1", "1960", "Nam"],
      ]),
    );
    expect(result.fatal).toEqual({ code: "missing_columns", columns: ["fullName", "status"] });
  });

  it("says a text with no recognisable header is not a table", () => {
    expect(parseRosterCsv("Kính gửi chi bộ,\nđây là danh sách.\n").fatal).toEqual({ code: "not_a_table" });
  });

  it("points at the row, column and word of an unknown status, and leaves that row out", () => {
    const result = parseRosterCsv(
      csvOf([
        ["1", "Nguyễn Văn An", "1960", "Nam", "Chính thức", "", "", ""],
        ["2", "Lê Thị Hoa", "1970", "Nữ", "Chuyển đi", "", "", ""],
      ]),
    );
    expect(result.rows.map((row) => row.fullName)).toEqual(["Nguyễn Văn An"]);
    expect(result.problems).toEqual([
      { rowNumber: 3, code: "unknown_status", column: "Loại đảng viên", value: "Chuyển đi", name: "Lê Thị Hoa" },
    ]);
  });

  it("leaves out a row whose status cell is empty, saying so", () => {
    const result = parseRosterCsv(csvOf([["1", "Nguyễn Văn An", "1960", "Nam", "", "", "", ""]]));
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([{ rowNumber: 2, code: "missing_status", column: "Loại đảng viên", name: "Nguyễn Văn An" }]);
  });

  it("keeps a member with an unknown role as a plain member and says which word it did not know", () => {
    const result = parseRosterCsv(csvOf([["1", "Nguyễn Văn An", "1960", "Nam", "Chính thức", "", "Bí thư Đoàn", ""]]));
    expect(result.rows[0]?.role).toBe("member");
    expect(result.problems).toEqual([
      { rowNumber: 2, code: "unknown_role", column: "Chức vụ", value: "Bí thư Đoàn", name: "Nguyễn Văn An" },
    ]);
  });

  it("keeps a member whose birth year, gender or exemption mark cannot be read, with those left blank", () => {
    const result = parseRosterCsv(csvOf([["1", "Nguyễn Văn An", "196O", "Nam giới?", "Chính thức", "hỏi lại", "", ""]]));
    expect(result.rows[0]).toMatchObject({ birthYear: null, gender: null, exempt: false });
    expect(result.problems.map((p) => [p.code, p.column, p.value])).toEqual([
      ["bad_birth_year", "Năm sinh", "196O"],
      ["unknown_gender", "Giới tính", "Nam giới?"],
      ["bad_exempt_value", "Miễn sinh hoạt", "hỏi lại"],
    ]);
  });

  it("treats a malformed exemption date as exempt with the date unknown, and says so", () => {
    const result = parseRosterCsv(csvOf([["1", "Nguyễn Văn An", "1940", "Nam", "Chính thức", "31/02/2024", "", ""]]));
    expect(result.rows[0]).toMatchObject({ exempt: true, exemptSince: null });
    expect(codes(result)).toEqual(["bad_exempt_value"]);
  });

  it("rejects birth years in the future or before 1900", () => {
    const result = parseRosterCsv(
      csvOf([
        ["1", "Nguyễn Văn An", "1899", "", "Chính thức", "", "", ""],
        ["2", "Lê Thị Hoa", String(new Date().getUTCFullYear() + 1), "", "Chính thức", "", "", ""],
      ]),
    );
    expect(codes(result)).toEqual(["bad_birth_year", "bad_birth_year"]);
    expect(result.rows.map((row) => row.birthYear)).toEqual([null, null]);
  });

  it("leaves out a row with data but no name", () => {
    const result = parseRosterCsv(csvOf([["7", "", "1960", "Nam", "Chính thức", "", "", ""]]));
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([{ rowNumber: 2, code: "empty_name", column: "Họ và tên" }]);
  });

  it("leaves out a 'name' with no letters in it, or one too long to be a name", () => {
    const result = parseRosterCsv(
      csvOf([
        ["1", "12345", "", "", "Chính thức", "", "", ""],
        ["2", "Nguyễn ".repeat(30), "", "", "Chính thức", "", "", ""],
      ]),
    );
    expect(result.rows).toEqual([]);
    expect(codes(result)).toEqual(["bad_name", "bad_name"]);
  });

  it("keeps the first of two rows with the same name (whatever the case or spacing) and flags the second", () => {
    const result = parseRosterCsv(
      csvOf([
        ["1", "Nguyễn Văn An", "1960", "Nam", "Chính thức", "", "", ""],
        ["2", "Lê Thị Hoa", "1970", "Nữ", "Chính thức", "", "", ""],
        ["3", "NGUYỄN  VĂN AN", "1961", "Nam", "Dự bị", "", "", ""],
      ]),
    );
    expect(result.rows.map((row) => [row.fullName, row.birthYear])).toEqual([
      ["Nguyễn Văn An", 1960],
      ["Lê Thị Hoa", 1970],
    ]);
    expect(result.problems).toEqual([
      {
        rowNumber: 4,
        code: "duplicate_name",
        column: "Họ và tên",
        value: "NGUYỄN VĂN AN",
        name: "NGUYỄN VĂN AN",
        duplicateOf: 2,
      },
    ]);
  });

  it("publishes every code it can produce, and which ones leave the row out", () => {
    expect(ROSTER_PROBLEM_CODES).toEqual([
      "empty_name",
      "bad_name",
      "missing_status",
      "unknown_status",
      "duplicate_name",
      "unknown_role",
      "bad_birth_year",
      "unknown_gender",
      "bad_exempt_value",
      "unknown_value",
    ]);
    expect([...ROW_SKIPPING_PROBLEM_CODES]).toEqual([
      "empty_name",
      "bad_name",
      "missing_status",
      "unknown_status",
      "duplicate_name",
    ]);
    expect(ROSTER_FATAL_CODES).toEqual([
      "missing_columns",
      "not_a_table",
      "binary_file",
      "too_many_rows",
      "empty",
      "unreadable_xlsx",
      "xls_not_supported",
    ]);
  });
});

describe("size limits", () => {
  function bigRoster(count: number): string {
    const rows = Array.from({ length: count }, (_, i) => [
      String(i + 1),
      `Đảng Viên Số ${i + 1}`,
      "1970",
      "Nam",
      "Chính thức",
      "",
      "",
      "",
    ]);
    return csvOf(rows);
  }

  it("refuses 5,000 rows quickly, naming the limit", () => {
    const text = bigRoster(5000);
    const started = performance.now();
    const result = parseRosterCsv(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result).toEqual({ rows: [], problems: [], fatal: { code: "too_many_rows", limit: MAX_ROSTER_ROWS }, format: "csv" });
  });

  it("accepts a roster of exactly the limit", () => {
    const result = parseRosterCsv(bigRoster(MAX_ROSTER_ROWS));
    expect(result.fatal).toBeUndefined();
    expect(result.rows).toHaveLength(MAX_ROSTER_ROWS);
  });

  it("refuses 5,000 pasted lines too", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `Đảng Viên Số ${i + 1}`).join("\n");
    expect(parseRosterLines(lines).fatal).toEqual({ code: "too_many_rows", limit: MAX_ROSTER_ROWS });
  });

  it("says an empty file or one with only a header is empty", () => {
    expect(parseRosterCsv("").fatal).toEqual({ code: "empty" });
    expect(parseRosterCsv("\uFEFF\r\n ;;; \r\n").fatal).toEqual({ code: "empty" });
    expect(parseRosterCsv(csvOf([])).fatal).toEqual({ code: "empty" });
  });
});

describe("uploaded files", () => {
  it("reads a CSV upload like the text", async () => {
    expect(await parseRosterFile(fixtureBytes("cell-01.csv"), "cell-01.csv")).toEqual(parseRosterCsv(CELL_01));
  });

  it("reads Excel's 'Unicode text' export (UTF-16 with tabs)", async () => {
    const text = toCsv(CELL_01_TABLE, { delimiter: "\t", bom: false });
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      utf16[2 + i * 2] = code & 0xff;
      utf16[3 + i * 2] = code >> 8;
    }
    expect((await parseRosterFile(utf16, "danh sach.txt")).rows).toEqual(CELL_01_ROWS);
  });

  it("reads an .xlsx workbook the same as the CSV export of it", async () => {
    const table: XlsxCell[][] = CELL_01_TABLE.map((cells, index) =>
      index === 0 ? cells : cells.map((cell, column) => (column === 0 || column === 2 ? Number(cell) : cell)),
    );
    const result = await parseRosterFile(await xlsxBytes(table), "cell-01.xlsx");
    expect(result.format).toBe("xlsx");
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual(CELL_01_ROWS);
  });

  it("reads an .xlsx with a merged title, numeric years, real dates and rich text", async () => {
    const table: XlsxCell[][] = [
      STANDARD_HEADER,
      [
        1,
        { richText: [{ text: "Nguyễn " }, { text: "Văn An" }] },
        1950,
        "Nam",
        "Chính thức",
        new Date(Date.UTC(2024, 2, 1)),
        "Bí thư",
        "Tổ 1",
      ],
      [2, "Lê Thị Hoa", 1962.0, "Nữ", "Dự bị", null, "Đảng viên", null],
    ];
    const bytes = await xlsxBytes(table, { titleRows: ["DANH SÁCH ĐẢNG VIÊN CHI BỘ KHỐI 1", ""], hiddenSheetFirst: true });
    const result = await parseRosterFile(bytes, "khoi 1.xlsx");
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([
      rosterRow({
        rowNumber: 4,
        fullName: "Nguyễn Văn An",
        birthYear: 1950,
        gender: "male",
        exempt: true,
        exemptSince: "2024-03-01",
        role: "secretary",
        group: "Tổ 1",
      }),
      rosterRow({ rowNumber: 5, fullName: "Lê Thị Hoa", birthYear: 1962, gender: "female", status: "probationary" }),
    ]);
  });

  it("says which columns an .xlsx lacks", async () => {
    const bytes = await xlsxBytes([
      ["Họ và tên", "Năm sinh"],
      ["Nguyễn Văn An", 1960],
    ]);
    expect((await parseRosterFile(bytes, "a.xlsx")).fatal).toEqual({ code: "missing_columns", columns: ["status"] });
  });

  it.each([
    [
      "a PNG picture",
      concatBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pseudoRandomBytes(500)),
      "anh.png",
      "binary_file",
    ],
    ["random bytes", pseudoRandomBytes(2000, 7), "roster.csv", "binary_file"],
    ["text with NUL bytes", new TextEncoder().encode("Họ và tên,Loại đảng viên\n\u0000\u0000"), "roster.csv", "binary_file"],
    ["a zip that is not a workbook", zipWithOneFile("ghichu.txt", "xin chào"), "roster.xlsx", "unreadable_xlsx"],
    [
      "a truncated workbook",
      concatBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), pseudoRandomBytes(300)),
      "roster.xlsx",
      "unreadable_xlsx",
    ],
    [
      "an old Excel 97–2003 .xls",
      concatBytes(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), pseudoRandomBytes(500)),
      "roster.xls",
      "xls_not_supported",
    ],
    ["an empty file", new Uint8Array(), "roster.csv", "empty"],
  ])("refuses %s clearly", async (_label, bytes, name, code) => {
    const result = await parseRosterFile(bytes, name);
    expect(result.fatal).toEqual({ code });
    expect(result.rows).toEqual([]);
  });

  it("reads a .txt upload without a header as one member per line", async () => {
    const bytes = new TextEncoder().encode("Nguyễn Văn An\nLê Thị Hoa, 1970, Nữ, Dự bị\n");
    const result = await parseRosterFile(bytes, "ds.txt");
    expect(result.format).toBe("lines");
    expect(result.rows.map((row) => [row.fullName, row.status])).toEqual([
      ["Nguyễn Văn An", "official"],
      ["Lê Thị Hoa", "probationary"],
    ]);
  });

  it("still insists on a header in a .csv upload", async () => {
    const bytes = new TextEncoder().encode("Nguyễn Văn An\nLê Thị Hoa\n");
    expect((await parseRosterFile(bytes, "ds.csv")).fatal).toEqual({ code: "not_a_table" });
  });
});

describe("a list pasted into the chat", () => {
  it("reads a table copied from Excel with its header like the file", () => {
    const pasted = toCsv(CELL_01_TABLE, { delimiter: "\t", bom: false, eol: "\n" });
    expect(parseRosterLines(pasted).rows).toEqual(CELL_01_ROWS);
  });

  it("accepts a pasted header without a status column, everyone official", () => {
    const result = parseRosterLines("Họ và tên\tNăm sinh\nNguyễn Văn An\t1960\nLê Thị Hoa\t1972\n");
    expect(result.fatal).toBeUndefined();
    expect(result.rows).toEqual([
      rosterRow({ rowNumber: 2, fullName: "Nguyễn Văn An", birthYear: 1960, providedFields: ["fullName", "birthYear"] }),
      rosterRow({ rowNumber: 3, fullName: "Lê Thị Hoa", birthYear: 1972, providedFields: ["fullName", "birthYear"] }),
    ]);
  });

  it("reads one member per line, fields after the name in the usual order", () => {
    const result = parseRosterLines("Nguyễn Văn An, 1960, Nam, Chính thức, x, Đảng viên, Tổ 1");
    expect(result.format).toBe("lines");
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([
      rosterRow({ rowNumber: 1, fullName: "Nguyễn Văn An", birthYear: 1960, gender: "male", exempt: true, group: "Tổ 1" }),
    ]);
  });

  it("fills in defaults for what a line leaves out, and remembers what it gave", () => {
    const result = parseRosterLines("Nguyễn Văn An; 1960; Nam\nLê Thị Hoa\n");
    expect(result.rows).toEqual([
      rosterRow({
        rowNumber: 1,
        fullName: "Nguyễn Văn An",
        birthYear: 1960,
        gender: "male",
        providedFields: ["fullName", "birthYear", "gender"],
      }),
      rosterRow({ rowNumber: 2, fullName: "Lê Thị Hoa", providedFields: ["fullName"] }),
    ]);
  });

  it("drops list numbers and bullets in front of names", () => {
    const pasted = [
      "1. Nguyễn Văn An",
      "2) Lê Thị Hoa",
      "3,Trần Văn Bình,1955",
      "4 - Phạm Thị Mai",
      "- Đỗ Văn Hùng",
      "• Vũ Thị Lan",
    ].join("\n");
    const rows = parseRosterLines(pasted).rows;
    expect(rows.map((row) => row.fullName)).toEqual([
      "Nguyễn Văn An",
      "Lê Thị Hoa",
      "Trần Văn Bình",
      "Phạm Thị Mai",
      "Đỗ Văn Hùng",
      "Vũ Thị Lan",
    ]);
    expect(rows[2]?.birthYear).toBe(1955);
  });

  it("understands fields in any order, a birth year after the name, exemption dates and roles", () => {
    const pasted = [
      "Nguyễn Văn An 1948",
      "Lê Thị Hoa, Dự bị, Nữ",
      "Trần Văn Bình, Bí thư chi bộ, 1961",
      "Phạm Thị Mai, 1940, miễn từ 01/03/2024",
    ].join("\n");
    const rows = parseRosterLines(pasted).rows;
    expect(
      rows.map((row) => [row.fullName, row.birthYear, row.gender, row.status, row.exempt, row.exemptSince, row.role]),
    ).toEqual([
      ["Nguyễn Văn An", 1948, null, "official", false, null, "member"],
      ["Lê Thị Hoa", null, "female", "probationary", false, null, "member"],
      ["Trần Văn Bình", 1961, null, "official", false, null, "secretary"],
      ["Phạm Thị Mai", 1940, null, "official", true, "2024-03-01", "member"],
    ]);
  });

  it("skips a title line and puts members under a 'Tổ N:' heading in that group", () => {
    const pasted = "Danh sách đảng viên chi bộ khối 3\nTổ 1:\nNguyễn Văn An\nLê Thị Hoa\n\nTổ 2:\nTrần Văn Bình, Tổ 3\n";
    const rows = parseRosterLines(pasted).rows;
    expect(rows.map((row) => [row.rowNumber, row.fullName, row.group])).toEqual([
      [3, "Nguyễn Văn An", "Tổ 1"],
      [4, "Lê Thị Hoa", "Tổ 1"],
      [7, "Trần Văn Bình", "Tổ 3"],
    ]);
  });

  it("keeps a line with a field it cannot place, and says which", () => {
    const result = parseRosterLines("Nguyễn Văn An, 1960, Hà Nội");
    expect(result.rows[0]?.fullName).toBe("Nguyễn Văn An");
    expect(result.problems).toEqual([{ rowNumber: 1, code: "unknown_value", value: "Hà Nội", name: "Nguyễn Văn An" }]);
  });

  it("flags repeated names in a pasted list", () => {
    const result = parseRosterLines("Nguyễn Văn An\nnguyễn văn an\n");
    expect(result.rows).toHaveLength(1);
    expect(result.problems).toEqual([
      { rowNumber: 2, code: "duplicate_name", value: "nguyễn văn an", name: "nguyễn văn an", duplicateOf: 1 },
    ]);
  });

  it("says an empty message is empty", () => {
    expect(parseRosterLines(" \n\n").fatal).toEqual({ code: "empty" });
  });
});

describe("planning an import", () => {
  it("changes nothing when the same file is imported again", () => {
    const plan = planRosterImport(membersFromRows(CELL_01_ROWS), CELL_01_ROWS);
    expect(plan.add).toEqual([]);
    expect(plan.update).toEqual([]);
    expect(plan.notInFile).toEqual([]);
    expect(plan.unchanged).toHaveLength(135);
    expect(plan.counts).toMatchObject({ total: 135, probationary: 1, exempt: 54 });
  });

  it("shows exactly what changes for a member whose role, group or status changed", () => {
    const before = rosterRow({
      fullName: "Nguyễn Văn An",
      birthYear: 1960,
      role: "member",
      group: "Tổ 1",
      status: "probationary",
    });
    const after = { ...before, role: "deputy" as const, group: "Tổ 2", status: "official" as const };
    const plan = planRosterImport(membersFromRows([before]), [after]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]?.changes).toEqual([
      { field: "status", before: "probationary", after: "official" },
      { field: "role", before: "member", after: "deputy" },
      { field: "group", before: "Tổ 1", after: "Tổ 2" },
    ]);
  });

  it("adds the new names and lists members missing from the file without deleting them", () => {
    const existing = [
      existingMember({ fullName: "Nguyễn Văn An" }),
      existingMember({ fullName: "Lê Thị Hoa" }),
      existingMember({ fullName: "Trần Văn Cũ", membership: "removed" }),
    ];
    const rows = [rosterRow({ fullName: "Nguyễn Văn An" }), rosterRow({ fullName: "Phạm Thị Mới", rowNumber: 3 })];
    const plan = planRosterImport(existing, rows);
    expect(plan.add.map((row) => row.fullName)).toEqual(["Phạm Thị Mới"]);
    expect(plan.unchanged.map((m) => m.fullName)).toEqual(["Nguyễn Văn An"]);
    expect(plan.notInFile.map((m) => m.fullName)).toEqual(["Lê Thị Hoa"]);
  });

  it("matches a name written in another case, spacing or composition to the same member", () => {
    const existing = [existingMember({ fullName: "Nguyễn Văn An" }), existingMember({ fullName: "Lê Thị Hoa" })];
    const rows = parseRosterLines("NGUYỄN  VĂN AN\n" + "Lê Thị Hoa".normalize("NFD")).rows;
    const plan = planRosterImport(existing, rows);
    expect(plan.add).toEqual([]);
    expect(plan.update).toEqual([]);
    expect(plan.unchanged).toHaveLength(2);
  });

  it("tidies a stored name that was saved decomposed or with extra spaces", () => {
    const member = existingMember({ fullName: " Nguyễn  Văn An".normalize("NFD") });
    const plan = planRosterImport([member], [rosterRow({ fullName: "Nguyễn Văn An" })]);
    expect(plan.update[0]?.changes).toEqual([{ field: "fullName", before: member.fullName, after: "Nguyễn Văn An" }]);
  });

  it("brings back a removed member who is in the file again", () => {
    const removed = existingMember({ fullName: "Nguyễn Văn An", membership: "removed" });
    const plan = planRosterImport([removed], [rosterRow({ fullName: "Nguyễn Văn An", exempt: true, exemptSince: "2024-03-01" })]);
    expect(plan.add).toEqual([]);
    expect(plan.update[0]?.changes).toEqual([
      { field: "membership", before: "removed", after: "exempt" },
      { field: "exemptSince", before: null, after: "2024-03-01" },
    ]);
  });

  it("keeps a member transferred out as transferred out unless the file marks them exempt", () => {
    const away = existingMember({ fullName: "Nguyễn Văn An", membership: "transferred_out" });
    expect(planRosterImport([away], [rosterRow({ fullName: "Nguyễn Văn An" })]).unchanged).toEqual([away]);
    const exempt = planRosterImport([away], [rosterRow({ fullName: "Nguyễn Văn An", exempt: true })]);
    expect(exempt.update[0]?.changes).toEqual([{ field: "membership", before: "transferred_out", after: "exempt" }]);
  });

  it("keeps a known exemption date when the file only ticks x, and clears it when the member returns", () => {
    const member = existingMember({ fullName: "Nguyễn Văn An", membership: "exempt", exemptSince: "2023-01-05" });
    expect(planRosterImport([member], [rosterRow({ fullName: "Nguyễn Văn An", exempt: true })]).update).toEqual([]);
    const back = planRosterImport([member], [rosterRow({ fullName: "Nguyễn Văn An", exempt: false })]);
    expect(back.update[0]?.changes).toEqual([
      { field: "membership", before: "exempt", after: "active" },
      { field: "exemptSince", before: "2023-01-05", after: null },
    ]);
  });

  it("never overwrites what the roster knows with what a file simply left out", () => {
    const secretary = existingMember({
      fullName: "Nguyễn Văn An",
      birthYear: 1960,
      gender: "male",
      status: "probationary",
      membership: "exempt",
      exemptSince: "2024-03-01",
      role: "secretary",
      group: "Tổ 1",
    });
    const [row] = parseRosterLines("Nguyễn Văn An").rows;
    expect(row).toBeDefined();
    expect(planRosterImport([secretary], row ? [row] : []).unchanged).toEqual([secretary]);
    const noBirthYear = rosterRow({ ...secretary, rowNumber: 2, birthYear: null, gender: null, exempt: true, exemptSince: null });
    expect(planRosterImport([secretary], [noBirthYear]).unchanged).toEqual([secretary]);
  });

  it("keeps the roster's spelling when the file shouts the name in capitals", () => {
    const member = existingMember({ fullName: "Nguyễn Văn An" });
    expect(planRosterImport([member], [rosterRow({ fullName: "NGUYỄN VĂN AN" })]).unchanged).toEqual([member]);
    const properCase = planRosterImport(
      [existingMember({ fullName: "nguyễn văn an" })],
      [rosterRow({ fullName: "Nguyễn Văn An" })],
    );
    expect(properCase.update[0]?.changes).toEqual([{ field: "fullName", before: "nguyễn văn an", after: "Nguyễn Văn An" }]);
  });

  it("counts the file by status, exemption, role and group", () => {
    const rows = [
      rosterRow({ fullName: "A An", role: "secretary", group: "Tổ 1" }),
      rosterRow({ fullName: "B Bình", status: "probationary", group: "tổ 1" }),
      rosterRow({ fullName: "C Chi", exempt: true, group: "Tổ 2" }),
    ];
    expect(countRoster(rows)).toEqual({
      total: 3,
      official: 2,
      probationary: 1,
      exempt: 1,
      byRole: { secretary: 1, deputy: 0, committee_member: 0, group_leader: 0, member: 2 },
      groups: 2,
    });
  });
});

describe("properties", () => {
  const csvNoise = fc
    .array(
      fc.oneof(
        fc.constantFrom(",", ";", "\t", "\n", "\r\n", "\r", '"', '""', "\uFEFF", " ", "x", "(1)", "1960", "01/03/2024"),
        fc.constantFrom("Họ và tên", "Loại đảng viên", "Chính thức", "Dự bị", "Tổ đảng", "Miễn sinh hoạt", "Chức vụ", "Bí thư"),
        fc.string({ unit: "binary", maxLength: 12 }),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(""));

  function assertWellFormed(result: RosterParseResult) {
    for (const row of result.rows) {
      expect(row.fullName.length).toBeGreaterThan(0);
      expect(row.fullName.normalize("NFC")).toBe(row.fullName);
      expect(row.fullName).toBe(row.fullName.trim());
    }
    for (const problem of result.problems) expect(problem.rowNumber).toBeGreaterThan(0);
    if (result.fatal) expect(result.rows).toEqual([]);
  }

  it("never throws on any text, and every member it returns has a real NFC name", () => {
    fc.assert(
      fc.property(fc.oneof(csvNoise, fc.string({ unit: "binary" })), (text) => {
        assertWellFormed(parseRosterCsv(text));
        assertWellFormed(parseRosterLines(text));
      }),
      { numRuns: 500 },
    );
  });

  const families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Hứa", "Lăng", "Ngô"];
  const middles = ["Văn", "Thị", "Đình", "Minh", "Xuân", "Thu", 'Văn "Út"', "Kim, Ngọc"];
  const givens = ["An", "Bình", "Đạt", "Quân", "Tuấn", "Thảo", "Quyên", "Việt", "Hoa", "Ánh"];

  const generatedRow = fc.record({
    fullName: fc
      .tuple(
        fc.constantFrom(...families),
        fc.constantFrom(...middles),
        fc.constantFrom(...givens),
        fc.integer({ min: 0, max: 50 }),
      )
      .map(([family, middle, given, n]) => `${family} ${middle} ${given}${n > 0 ? ` ${"IVX"[n % 3] ?? ""}${n}` : ""}`),
    birthYear: fc.option(fc.integer({ min: 1925, max: 2006 })),
    gender: fc.option(fc.constantFrom("male" as const, "female" as const)),
    status: fc.constantFrom("official" as const, "probationary" as const),
    exemption: fc.option(fc.option(fc.date({ min: new Date("1990-01-01"), max: new Date("2025-12-31"), noInvalidDate: true }))),
    role: fc.constantFrom(
      "secretary" as const,
      "deputy" as const,
      "committee_member" as const,
      "group_leader" as const,
      "member" as const,
    ),
    group: fc.option(fc.integer({ min: 1, max: 9 }).map((n) => `Tổ ${n}`)),
  });

  it("gives back exactly the rows it was given, written out as CSV in any dialect", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(generatedRow, { minLength: 1, maxLength: 40, selector: (row) => normalizeName(row.fullName) }),
        fc.constantFrom(",", ";", "\t"),
        fc.constantFrom("\r\n", "\n"),
        fc.boolean(),
        (generated, delimiter, eol, bom) => {
          const rows: RosterRow[] = generated.map((g, index) => ({
            rowNumber: index + 2,
            fullName: g.fullName,
            birthYear: g.birthYear,
            gender: g.gender,
            status: g.status,
            exempt: g.exemption !== null,
            exemptSince: g.exemption ? g.exemption.toISOString().slice(0, 10) : null,
            role: g.role,
            group: g.group,
          }));
          const result = parseRosterCsv(toCsv(rowsToTable(rows), { delimiter, eol, bom }));
          expect(result.problems).toEqual([]);
          expect(result.rows).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });
});
