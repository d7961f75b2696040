/** Builders for roster tests: fixture access, CSV/XLSX/zip writers, and rows/members with defaults. */
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import type { ExistingMember, RosterRow } from "../../src/domain/roster-import.js";
import type { Gender, MemberRole, MemberStatus } from "../../src/domain/roster.js";

const FIXTURES = new URL("./fixtures/", import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

export interface WardCell {
  name: string;
  type: string;
  roster: string;
  members: number;
  probationary: number;
  exempt: number;
}

export function wardCells(): WardCell[] {
  return (JSON.parse(fixtureText("ward.json")) as { cells: WardCell[] }).cells;
}

/** The fixtures have no quoted fields, so a plain split gives the table as the secretary typed it. */
export function plainCsvTable(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => line.split(","));
}

export const STANDARD_HEADER = [
  "STT",
  "Họ và tên",
  "Năm sinh",
  "Giới tính",
  "Loại đảng viên",
  "Miễn sinh hoạt",
  "Chức vụ",
  "Tổ đảng",
];

export interface CsvOptions {
  delimiter?: string;
  eol?: string;
  bom?: boolean;
}

/** Writes a table the way Excel does: fields quoted only when they hold the delimiter, a quote or a line break. */
export function toCsv(table: readonly (readonly string[])[], options: CsvOptions = {}): string {
  const { delimiter = ",", eol = "\r\n", bom = true } = options;
  const quote = (field: string) =>
    field.includes(delimiter) || /["\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
  const body = table.map((row) => row.map(quote).join(delimiter)).join(eol);
  return `${bom ? "\uFEFF" : ""}${body}${eol}`;
}

const STATUS_WORDS: Record<MemberStatus, string> = { official: "Chính thức", probationary: "Dự bị" };
const ROLE_WORDS: Record<MemberRole, string> = {
  secretary: "Bí thư",
  deputy: "Phó Bí thư",
  committee_member: "Chi ủy viên",
  group_leader: "Tổ trưởng",
  member: "Đảng viên",
};
const GENDER_WORDS: Record<Gender, string> = { male: "Nam", female: "Nữ" };

function exemptCell(row: RosterRow): string {
  if (!row.exempt) return "";
  if (!row.exemptSince) return "x";
  const [year, month, day] = row.exemptSince.split("-");
  return `${day}/${month}/${year}`;
}

/** Rows back into the secretaries' table (standard header first). */
export function rowsToTable(rows: readonly RosterRow[]): string[][] {
  const body = rows.map((row, index) => [
    String(index + 1),
    row.fullName,
    row.birthYear === null ? "" : String(row.birthYear),
    row.gender === null ? "" : GENDER_WORDS[row.gender],
    STATUS_WORDS[row.status],
    exemptCell(row),
    ROLE_WORDS[row.role],
    row.group ?? "",
  ]);
  return [STANDARD_HEADER, ...body];
}

export type XlsxCell = string | number | Date | null | { richText: { text: string }[] };

export interface XlsxOptions {
  /** Rows written above the table (a title), the first merged across the table's width. */
  titleRows?: string[];
  /** A hidden, empty sheet placed before the roster. */
  hiddenSheetFirst?: boolean;
}

export async function xlsxBytes(table: readonly (readonly XlsxCell[])[], options: XlsxOptions = {}): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  if (options.hiddenSheetFirst) workbook.addWorksheet("Ẩn", { state: "hidden" });
  const sheet = workbook.addWorksheet("Danh sách");
  for (const title of options.titleRows ?? []) sheet.addRow([title]);
  if (options.titleRows?.length) sheet.mergeCells(1, 1, 1, table[0]?.length ?? 1);
  for (const row of table) sheet.addRow([...row]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** A valid zip archive holding one stored (uncompressed) file: a zip that is not a workbook. */
export function zipWithOneFile(name: string, content: string): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const data = new TextEncoder().encode(content);
  const crc = crc32(data);
  const local = concatBytes(
    le32(0x04034b50),
    le16(20),
    le16(0),
    le16(0),
    le16(0),
    le16(0),
    le32(crc),
    le32(data.length),
    le32(data.length),
    le16(nameBytes.length),
    le16(0),
    nameBytes,
    data,
  );
  const central = concatBytes(
    le32(0x02014b50),
    le16(20),
    le16(20),
    le16(0),
    le16(0),
    le16(0),
    le16(0),
    le32(crc),
    le32(data.length),
    le32(data.length),
    le16(nameBytes.length),
    le16(0),
    le16(0),
    le16(0),
    le16(0),
    le32(0),
    le32(0),
    nameBytes,
  );
  const end = concatBytes(
    le32(0x06054b50),
    le16(0),
    le16(0),
    le16(1),
    le16(1),
    le32(central.length),
    le32(local.length),
    le16(0),
  );
  return concatBytes(local, central, end);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function le16(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff]);
}

function le32(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Deterministic noise (a linear congruential generator), so a failing test fails the same way every time. */
export function pseudoRandomBytes(length: number, seed = 42): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

export function rosterRow(fields: Partial<RosterRow> & Pick<RosterRow, "fullName">): RosterRow {
  return {
    rowNumber: 2,
    birthYear: null,
    gender: null,
    status: "official",
    exempt: false,
    exemptSince: null,
    role: "member",
    group: null,
    ...fields,
  };
}

let memberCounter = 0;

export function existingMember(fields: Partial<ExistingMember> & Pick<ExistingMember, "fullName">): ExistingMember {
  memberCounter += 1;
  return {
    id: `member-${memberCounter}`,
    birthYear: null,
    gender: null,
    status: "official",
    membership: "active",
    exemptSince: null,
    role: "member",
    group: null,
    ...fields,
  };
}

/** What the store would hold after importing these rows (ids m1, m2, …). */
export function membersFromRows(rows: readonly RosterRow[]): ExistingMember[] {
  return rows.map((row, index) => ({
    id: `m${index + 1}`,
    fullName: row.fullName,
    birthYear: row.birthYear,
    gender: row.gender,
    status: row.status,
    membership: row.exempt ? "exempt" : "active",
    exemptSince: row.exempt ? row.exemptSince : null,
    role: row.role,
    group: row.group,
  }));
}

/** Rows without their row numbers, to compare the same roster read from differently laid-out files. */
export function withoutRowNumbers(rows: readonly RosterRow[]): Omit<RosterRow, "rowNumber">[] {
  return rows.map(({ rowNumber: _rowNumber, ...rest }) => rest);
}
