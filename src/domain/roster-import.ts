/**
 * Reading the member lists secretaries send (CSV/TSV exports, .xlsx workbooks, lines pasted in a chat)
 * and planning how an import changes a cell's roster. Pure apart from loading exceljs for .xlsx.
 *
 * Row policy, so the bot can explain what happened:
 * - fully empty rows, rows before the header (titles) and a "(1) (2) (3)" column-numbering row are ignored silently;
 * - a row is skipped, with a problem, when its name is empty or not a name, its status is missing or unknown,
 *   or its name repeats an earlier row (see ROW_SKIPPING_PROBLEM_CODES);
 * - other problems keep the row with a safe value: unknown role → "member", bad birth year/gender → null,
 *   unreadable exemption mark → not exempt (unless it holds an invalid date: then exempt, date unknown).
 */
import type { Worksheet } from "exceljs";
import {
  MEMBER_ROLES,
  cleanText,
  displayName,
  normalizeName,
  parseGenderWord,
  parseRoleWord,
  parseStatusWord,
  wordKey,
  type Gender,
  type MemberRole,
  type MemberStatus,
  type MembershipState,
} from "./roster.js";

// ---------------------------------------------------------------------------------------------------------------
// Public types and constants
// ---------------------------------------------------------------------------------------------------------------

export const ROSTER_FIELDS = ["fullName", "birthYear", "gender", "status", "exempt", "role", "group"] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export interface RosterRow {
  /** 1-based row as the secretary sees it in Excel (header and title rows included); line number for pasted text. */
  rowNumber: number;
  fullName: string;
  birthYear: number | null;
  gender: Gender | null;
  status: MemberStatus;
  exempt: boolean;
  /** YYYY-MM-DD */
  exemptSince: string | null;
  role: MemberRole;
  group: string | null;
  /**
   * Set only when the source did not give every field (no role column, a pasted line with just a name...).
   * Fields not listed are defaults and never overwrite what the roster already knows.
   */
  providedFields?: RosterField[];
}

export const ROSTER_PROBLEM_CODES = [
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
] as const;
export type RosterProblemCode = (typeof ROSTER_PROBLEM_CODES)[number];

/** Problems that leave the row out of the import; the others keep it with a default value. */
export const ROW_SKIPPING_PROBLEM_CODES: ReadonlySet<RosterProblemCode> = new Set<RosterProblemCode>([
  "empty_name",
  "bad_name",
  "missing_status",
  "unknown_status",
  "duplicate_name",
]);

export interface RosterProblem {
  rowNumber: number;
  code: RosterProblemCode;
  /** The header as written in the file. */
  column?: string;
  value?: string;
  /** The row's name when it has one, so a message can say whose row it is. */
  name?: string;
  /** For duplicate_name: the row that was kept. */
  duplicateOf?: number;
}

export const ROSTER_FATAL_CODES = [
  "missing_columns",
  "not_a_table",
  "binary_file",
  "too_many_rows",
  "empty",
  "unreadable_xlsx",
  "xls_not_supported",
] as const;

export type RosterFatal =
  | { code: "missing_columns"; columns: RosterField[] }
  | { code: "not_a_table" }
  | { code: "binary_file" }
  | { code: "too_many_rows"; limit: number }
  | { code: "empty" }
  | { code: "unreadable_xlsx" }
  | { code: "xls_not_supported" };

export type RosterFormat = "csv" | "xlsx" | "lines";

export interface RosterParseResult {
  rows: RosterRow[];
  problems: RosterProblem[];
  fatal?: RosterFatal;
  format: RosterFormat;
}

/** Rows with content after the header. A cell of 135+ fits easily. */
export const MAX_ROSTER_ROWS = 2000;
/** Longer names are rejected as bad_name (same limit as the member store). */
export const MAX_NAME_LENGTH = 100;

const HEADER_SEARCH_ROWS = 15;
const MAX_COLUMNS = 64;
const MAX_PROBLEM_VALUE_LENGTH = 100;
const MIN_YEAR = 1900;

// ---------------------------------------------------------------------------------------------------------------
// Cell values
// ---------------------------------------------------------------------------------------------------------------

interface DateParts {
  year: number;
  month: number;
  day: number | null;
}

const ISO_DATE = /(\d{4})-(\d{1,2})-(\d{1,2})/;
const DAY_MONTH_YEAR = /(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/;
const MONTH_YEAR = /(?<![\d/.-])(\d{1,2})[/.-](\d{4})/;

/** Finds a date written the Vietnamese way (dd/mm/yyyy, mm/yyyy) or as yyyy-mm-dd; "invalid" when one is malformed. */
function findDate(text: string): DateParts | "invalid" | undefined {
  const iso = ISO_DATE.exec(text);
  if (iso) return checkedDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = DAY_MONTH_YEAR.exec(text);
  if (dmy) return checkedDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  const my = MONTH_YEAR.exec(text);
  if (my) return checkedDate(Number(my[2]), Number(my[1]), null);
  return undefined;
}

function checkedDate(year: number, month: number, day: number | null): DateParts | "invalid" {
  if (!isPlausibleYear(year) || month < 1 || month > 12) return "invalid";
  if (day !== null && (day < 1 || day > daysInMonth(year, month))) return "invalid";
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isPlausibleYear(year: number): boolean {
  return Number.isInteger(year) && year >= MIN_YEAR && year <= new Date().getUTCFullYear();
}

/** A month/year date means the first of that month. */
function isoDate(date: DateParts): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day ?? 1)}`;
}

type Parsed<T> = { ok: true; value: T } | { ok: false };

/** "1960", "1960.0", a birth date "12/03/1960" or "1960-03-12"; empty → null. */
function parseBirthYear(text: string): Parsed<number | null> {
  if (text === "") return { ok: true, value: null };
  const plain = /^(\d{4})(?:[.,]0+)?$/.exec(text);
  if (plain) {
    const year = Number(plain[1]);
    return isPlausibleYear(year) ? { ok: true, value: year } : { ok: false };
  }
  const date = findDate(text);
  if (date && date !== "invalid" && date.day !== null) return { ok: true, value: date.year };
  return { ok: false };
}

function parseGender(text: string): Parsed<Gender | null> {
  if (text === "") return { ok: true, value: null };
  const gender = parseGenderWord(text);
  return gender ? { ok: true, value: gender } : { ok: false };
}

const TRUE_MARKS = new Set([
  "x",
  "xx",
  "v",
  "1",
  "co",
  "mien",
  "da mien",
  "mien sh",
  "mien sinh hoat",
  "mien cong tac va sinh hoat dang",
  "yes",
  "y",
  "true",
  "exempt",
  "ok",
]);
const TRUE_SYMBOLS = new Set(["✓", "✔", "☑", "✗", "✘", "☒", "+", "*"]);
const FALSE_MARKS = new Set(["0", "khong", "k", "ko", "no", "n", "false"]);
const FALSE_SYMBOLS = new Set(["-", "–", "—", "."]);

interface ExemptValue {
  exempt: boolean;
  since: string | null;
}

/** "x", "có", "✓", "1", "miễn" → exempt; a date "01/03/2024" (or "miễn từ 3/2024") → exempt since then; empty → not. */
function parseExempt(text: string): Parsed<ExemptValue> & { fallback?: ExemptValue } {
  if (text === "" || FALSE_SYMBOLS.has(text)) return { ok: true, value: { exempt: false, since: null } };
  const date = findDate(text);
  if (date === "invalid") return { ok: false, fallback: { exempt: true, since: null } };
  if (date) return { ok: true, value: { exempt: true, since: isoDate(date) } };
  const key = wordKey(text);
  if (TRUE_MARKS.has(key) || TRUE_SYMBOLS.has(text)) return { ok: true, value: { exempt: true, since: null } };
  if (FALSE_MARKS.has(key)) return { ok: true, value: { exempt: false, since: null } };
  return { ok: false, fallback: { exempt: false, since: null } };
}

/** A mark column ("x" under "Dự bị", a year under "Nữ") counts when it holds anything but a "no". */
function isMarked(text: string): boolean {
  if (text === "" || FALSE_SYMBOLS.has(text)) return false;
  return !FALSE_MARKS.has(wordKey(text));
}

/** "1" → "Tổ 1"; "tổ đảng 2", "TO 2" → "Tổ 2"; anything else as written; empty → null. */
function normalizeGroup(text: string): string | null {
  if (text === "") return null;
  if (/^\d{1,3}$/.test(text)) return `Tổ ${text}`;
  const numbered = /^(?:tổ|to)(?:\s+(?:đảng|dang))?(?:\s+(?:số|so))?\s*(\d{1,3}[a-z]?)$/iu.exec(text);
  return numbered ? `Tổ ${numbered[1]}` : text;
}

function truncate(text: string): string {
  return text.length > MAX_PROBLEM_VALUE_LENGTH ? `${text.slice(0, MAX_PROBLEM_VALUE_LENGTH)}…` : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------------

type MainColumn = "fullName" | "familyName" | "birthYear" | "gender" | "status" | "exempt" | "role" | "group";
type MarkColumn = "officialMark" | "probationaryMark" | "maleMark" | "femaleMark";
type ColumnKey = MainColumn | MarkColumn;

/** Header words (as wordKey: no diacritics, lower-case, punctuation as spaces, parentheses dropped). */
const HEADER_WORDS: ReadonlyMap<string, MainColumn> = new Map<string, MainColumn>([
  ...aliases("fullName", [
    "ho va ten",
    "ho ten",
    "ten",
    "ho va ten dang vien",
    "ho ten dang vien",
    "ten dang vien",
    "ho va ten khai sinh",
    "ho va ten thuong dung",
    "name",
    "full name",
    "fullname",
  ]),
  ...aliases("familyName", ["ho", "ho dem", "ho va dem", "ho va ten dem", "ho va chu dem", "ho lot", "ho va ten lot"]),
  ...aliases("birthYear", [
    "nam sinh",
    "ns",
    "ngay sinh",
    "ngay thang nam sinh",
    "sinh nam",
    "sinh ngay",
    "year of birth",
    "birth year",
    "birthyear",
    "born",
    "date of birth",
    "dob",
  ]),
  ...aliases("gender", ["gioi tinh", "gioi", "gt", "phai", "gender", "sex", "nam nu"]),
  ...aliases("status", [
    "loai dang vien",
    "loai dv",
    "loai",
    "chinh thuc du bi",
    "ct db",
    "dang vien chinh thuc du bi",
    "status",
    "member status",
    "type",
  ]),
  ...aliases("exempt", [
    "mien sinh hoat",
    "mien sh",
    "mien",
    "mien sinh hoat dang",
    "mien cong tac va sinh hoat dang",
    "mien cong tac sinh hoat dang",
    "mien ct va sh",
    "mien ct sh",
    "mien shd",
    "ngay mien sinh hoat",
    "mien tu ngay",
    "exempt",
    "exemption",
  ]),
  ...aliases("role", ["chuc vu", "chuc vu dang", "chuc vu trong chi bo", "chuc danh", "role", "position"]),
  ...aliases("group", ["to dang", "to", "thuoc to", "to dang so", "to sinh hoat", "sinh hoat to", "group", "party group"]),
]);

/** Words of a second header row under a merged "Loại đảng viên" or "Giới tính" cell. */
const SUBHEADER_WORDS: ReadonlyMap<string, MarkColumn> = new Map<string, MarkColumn>([
  ...aliases("officialMark", ["chinh thuc", "ct", "dang vien chinh thuc"]),
  ...aliases("probationaryMark", ["du bi", "db", "dang vien du bi"]),
  ...aliases("maleMark", ["nam", "male"]),
  ...aliases("femaleMark", ["nu", "female"]),
]);

function aliases<K extends string>(column: K, words: string[]): [string, K][] {
  return words.map((word) => [word, column]);
}

function headerKey(text: string): string {
  return wordKey(text.replace(/\([^)]*\)/g, " "));
}

interface SourceRecord {
  rowNumber: number;
  cells: string[];
}

interface TableLayout {
  lastHeaderRow: number;
  columns: Partial<Record<ColumnKey, number>>;
  /** Header text per column index, as written. */
  headers: string[];
}

function recognizeHeaderCells(record: SourceRecord): Partial<Record<MainColumn, number>> {
  const columns: Partial<Record<MainColumn, number>> = {};
  record.cells.forEach((cell, index) => {
    const column = HEADER_WORDS.get(headerKey(cell));
    if (column && columns[column] === undefined) columns[column] = index;
  });
  return columns;
}

function recognizeSubheader(record: SourceRecord): Partial<Record<MarkColumn, number>> | undefined {
  const marks: Partial<Record<MarkColumn, number>> = {};
  for (const [index, cell] of record.cells.entries()) {
    if (cleanText(cell) === "") continue;
    const mark = SUBHEADER_WORDS.get(headerKey(cell));
    if (!mark) return undefined;
    if (marks[mark] === undefined) marks[mark] = index;
  }
  return Object.keys(marks).length > 0 ? marks : undefined;
}

/** The header is the first row naming two known columns, else the first naming the name or status column. */
function findLayout(head: readonly SourceRecord[]): TableLayout | undefined {
  const found = head.map((record) => recognizeHeaderCells(record));
  let index = found.findIndex((columns) => Object.keys(columns).length >= 2);
  if (index < 0) index = found.findIndex((c) => c.fullName !== undefined || c.status !== undefined);
  const header = head[index];
  const columns = found[index];
  if (!header || !columns) return undefined;
  return withSubheader(header, columns, head[index + 1]);
}

function withSubheader(
  header: SourceRecord,
  main: Partial<Record<MainColumn, number>>,
  next: SourceRecord | undefined,
): TableLayout {
  const headers = header.cells.map((cell) => cleanText(cell));
  const marks = next ? recognizeSubheader(next) : undefined;
  if (!next || !marks) return { lastHeaderRow: header.rowNumber, columns: main, headers };
  const columns: Partial<Record<ColumnKey, number>> = { ...main, ...marks };
  if (marks.officialMark !== undefined || marks.probationaryMark !== undefined) delete columns.status;
  if (marks.maleMark !== undefined || marks.femaleMark !== undefined) delete columns.gender;
  for (const index of Object.values(marks)) headers[index] = cleanText(next.cells[index] ?? "");
  return { lastHeaderRow: next.rowNumber, columns, headers };
}

function hasStatusColumn(columns: TableLayout["columns"]): boolean {
  return columns.status !== undefined || columns.officialMark !== undefined || columns.probationaryMark !== undefined;
}

function missingColumns(layout: TableLayout, statusRequired: boolean): RosterField[] {
  const missing: RosterField[] = [];
  if (layout.columns.fullName === undefined) missing.push("fullName");
  if (statusRequired && !hasStatusColumn(layout.columns)) missing.push("status");
  return missing;
}

function providedFields(columns: TableLayout["columns"]): RosterField[] {
  const has = (...keys: ColumnKey[]) => keys.some((key) => columns[key] !== undefined);
  const fields: RosterField[] = ["fullName"];
  if (has("birthYear", "maleMark", "femaleMark")) fields.push("birthYear");
  if (has("gender", "maleMark", "femaleMark")) fields.push("gender");
  if (hasStatusColumn(columns)) fields.push("status");
  if (has("exempt")) fields.push("exempt");
  if (has("role")) fields.push("role");
  if (has("group")) fields.push("group");
  return fields;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading one table row
// ---------------------------------------------------------------------------------------------------------------

type RowDraft = Omit<RosterRow, "rowNumber" | "fullName" | "providedFields">;

interface RowReading {
  row?: RosterRow;
  problems: RosterProblem[];
}

class TableRowReader {
  readonly problems: RosterProblem[] = [];
  private name: string | undefined;

  constructor(
    private readonly record: SourceRecord,
    private readonly layout: TableLayout,
    private readonly provided: RosterField[] | undefined,
  ) {}

  read(): RowReading {
    const fullName = this.readName();
    if (fullName === undefined) return { problems: this.problems };
    this.name = fullName;
    const status = this.readStatus();
    const draft: RowDraft = {
      birthYear: this.readBirthYear(),
      gender: this.readGender(),
      status: status ?? "official",
      ...exemptFields(this.readExempt()),
      role: this.readRole(),
      group: normalizeGroup(this.cell("group")),
    };
    if (status === undefined) return { problems: this.problems };
    const row: RosterRow = { rowNumber: this.record.rowNumber, fullName, ...draft };
    if (this.provided) row.providedFields = this.provided;
    return { row, problems: this.problems };
  }

  private cell(key: ColumnKey): string {
    const index = this.layout.columns[key];
    return index === undefined ? "" : cleanText(this.record.cells[index] ?? "");
  }

  private report(code: RosterProblemCode, key: ColumnKey, value?: string) {
    const index = this.layout.columns[key];
    const column = index === undefined ? undefined : this.layout.headers[index];
    const problem: RosterProblem = { rowNumber: this.record.rowNumber, code };
    if (column) problem.column = column;
    if (value !== undefined) problem.value = truncate(value);
    if (this.name !== undefined) problem.name = this.name;
    this.problems.push(problem);
  }

  private readName(): string | undefined {
    const name = displayName(`${this.cell("familyName")} ${this.cell("fullName")}`);
    const problem = nameProblem(name);
    if (problem) this.report(problem, "fullName", name === "" ? undefined : name);
    return problem ? undefined : name;
  }

  private readStatus(): MemberStatus | undefined {
    const { columns } = this.layout;
    if (columns.officialMark !== undefined || columns.probationaryMark !== undefined) return this.readStatusMarks();
    if (columns.status === undefined) return "official";
    const text = this.cell("status");
    const status = parseStatusWord(text);
    if (text === "") this.report("missing_status", "status");
    else if (!status) this.report("unknown_status", "status", text);
    return status;
  }

  private readStatusMarks(): MemberStatus | undefined {
    const official = isMarked(this.cell("officialMark"));
    const probationary = isMarked(this.cell("probationaryMark"));
    if (official !== probationary) return official ? "official" : "probationary";
    const key: ColumnKey = this.layout.columns.officialMark !== undefined ? "officialMark" : "probationaryMark";
    if (official) this.report("unknown_status", key, `${this.cell("officialMark")} | ${this.cell("probationaryMark")}`);
    else this.report("missing_status", key);
    return undefined;
  }

  private readBirthYear(): number | null {
    const text = this.cell("birthYear") || this.markedYear();
    const year = parseBirthYear(text);
    if (year.ok) return year.value;
    this.report("bad_birth_year", this.cell("birthYear") ? "birthYear" : this.markedGenderColumn(), text);
    return null;
  }

  /** Old forms write the birth year under "Nam" or "Nữ" instead of a mark. */
  private markedYear(): string {
    const text = this.cell(this.markedGenderColumn());
    return /\d{4}/.test(text) ? text : "";
  }

  private markedGenderColumn(): "maleMark" | "femaleMark" {
    return isMarked(this.cell("maleMark")) ? "maleMark" : "femaleMark";
  }

  private readGender(): Gender | null {
    const { columns } = this.layout;
    if (columns.maleMark !== undefined || columns.femaleMark !== undefined) return this.readGenderMarks();
    const text = this.cell("gender");
    const gender = parseGender(text);
    if (gender.ok) return gender.value;
    this.report("unknown_gender", "gender", text);
    return null;
  }

  private readGenderMarks(): Gender | null {
    const male = isMarked(this.cell("maleMark"));
    const female = isMarked(this.cell("femaleMark"));
    if (male !== female) return male ? "male" : "female";
    if (male) this.report("unknown_gender", "maleMark", `${this.cell("maleMark")} | ${this.cell("femaleMark")}`);
    return null;
  }

  private readExempt(): ExemptValue {
    const text = this.cell("exempt");
    const exempt = parseExempt(text);
    if (exempt.ok) return exempt.value;
    this.report("bad_exempt_value", "exempt", text);
    return exempt.fallback ?? { exempt: false, since: null };
  }

  private readRole(): MemberRole {
    const text = this.cell("role");
    if (text === "") return "member";
    const role = parseRoleWord(text);
    if (!role) this.report("unknown_role", "role", text);
    return role ?? "member";
  }
}

function exemptFields(value: ExemptValue): Pick<RosterRow, "exempt" | "exemptSince"> {
  return { exempt: value.exempt, exemptSince: value.since };
}

function nameProblem(name: string): RosterProblemCode | undefined {
  if (name === "") return "empty_name";
  if (name.length > MAX_NAME_LENGTH || !/\p{L}/u.test(name)) return "bad_name";
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Collecting rows (shared by tables and pasted lines)
// ---------------------------------------------------------------------------------------------------------------

class RowCollector {
  readonly rows: RosterRow[] = [];
  readonly problems: RosterProblem[] = [];
  private readonly firstRowByName = new Map<string, number>();

  accept(reading: RowReading, nameColumn: string | undefined) {
    this.problems.push(...reading.problems);
    const row = reading.row;
    if (!row) return;
    const key = normalizeName(row.fullName);
    const first = this.firstRowByName.get(key);
    if (first === undefined) {
      this.firstRowByName.set(key, row.rowNumber);
      this.rows.push(row);
      return;
    }
    const problem: RosterProblem = {
      rowNumber: row.rowNumber,
      code: "duplicate_name",
      value: row.fullName,
      name: row.fullName,
      duplicateOf: first,
    };
    if (nameColumn) problem.column = nameColumn;
    this.problems.push(problem);
  }

  result(format: RosterFormat): RosterParseResult {
    return { rows: this.rows, problems: this.problems, format };
  }
}

function failure(fatal: RosterFatal, format: RosterFormat): RosterParseResult {
  return { rows: [], problems: [], fatal, format };
}

function tooManyRows(format: RosterFormat): RosterParseResult {
  return failure({ code: "too_many_rows", limit: MAX_ROSTER_ROWS }, format);
}

// ---------------------------------------------------------------------------------------------------------------
// Tables (CSV, TSV, worksheets)
// ---------------------------------------------------------------------------------------------------------------

interface TableOptions {
  /** Files need a status column; a list pasted with a header may leave it out (everyone official). */
  statusRequired: boolean;
}

function isEmptyRecord(record: SourceRecord): boolean {
  return record.cells.every((cell) => cleanText(cell) === "");
}

function takeNonEmpty(records: Iterable<SourceRecord>, limit: number): SourceRecord[] {
  const taken: SourceRecord[] = [];
  for (const record of records) {
    if (taken.length >= limit) break;
    if (!isEmptyRecord(record)) taken.push(record);
  }
  return taken;
}

/** Rows whose known columns are all empty (only a number in STT, a stray note) carry no member. */
function hasNoMemberData(record: SourceRecord, layout: TableLayout): boolean {
  return Object.values(layout.columns).every((index) => cleanText(record.cells[index] ?? "") === "");
}

/** The "(1) (2) (3) …" row some forms put under the header. */
function isColumnNumbering(record: SourceRecord): boolean {
  const filled = record.cells.map((cell) => cleanText(cell)).filter((cell) => cell !== "");
  return filled.length >= 2 && filled.every((cell) => /^\(?\d{1,2}\)?$/.test(cell));
}

function parseTable(records: () => Iterable<SourceRecord>, format: RosterFormat, options: TableOptions): RosterParseResult {
  const head = takeNonEmpty(records(), HEADER_SEARCH_ROWS);
  if (head.length === 0) return failure({ code: "empty" }, format);
  const layout = findLayout(head);
  if (!layout) return failure({ code: "not_a_table" }, format);
  const missing = missingColumns(layout, options.statusRequired);
  if (missing.length > 0) return failure({ code: "missing_columns", columns: missing }, format);
  return collectTableRows(records(), layout, format);
}

function collectTableRows(records: Iterable<SourceRecord>, layout: TableLayout, format: RosterFormat): RosterParseResult {
  const fields = providedFields(layout.columns);
  const provided = fields.length === ROSTER_FIELDS.length ? undefined : fields;
  const nameColumn = layout.columns.fullName === undefined ? undefined : layout.headers[layout.columns.fullName];
  const collector = new RowCollector();
  let dataRows = 0;
  for (const record of records) {
    if (record.rowNumber <= layout.lastHeaderRow) continue;
    if (hasNoMemberData(record, layout) || isColumnNumbering(record)) continue;
    dataRows += 1;
    if (dataRows > MAX_ROSTER_ROWS) return tooManyRows(format);
    collector.accept(new TableRowReader(record, layout, provided).read(), nameColumn);
  }
  if (dataRows === 0) return failure({ code: "empty" }, format);
  return collector.result(format);
}

// ---------------------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------------------

const DELIMITERS = [",", ";", "\t"] as const;

/** RFC 4180 records, leniently: quotes only open a field, "" is a quote, CRLF/LF/CR all end a record. */
function* csvRecords(text: string, delimiter: string): Generator<SourceRecord> {
  let cells: string[] = [];
  let field = "";
  let quoted = false;
  let rowNumber = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') {
        field += char;
      } else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        quoted = false;
      }
    } else if (char === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (char === delimiter) {
      cells.push(field);
      field = "";
    } else if (char === "\r" || char === "\n") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      cells.push(field);
      yield { rowNumber, cells };
      rowNumber += 1;
      cells = [];
      field = "";
    } else {
      field += char;
    }
  }
  if (cells.length > 0 || field !== "") yield { rowNumber, cells: [...cells, field] };
}

/** The delimiter under which a header is recognised best (comma on a tie or when there is no header). */
function detectDelimiter(text: string): string {
  let best: string = DELIMITERS[0];
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const layout = findLayout(takeNonEmpty(csvRecords(text, delimiter), HEADER_SEARCH_ROWS));
    const score = layout ? Object.keys(layout.columns).length : 0;
    if (score > bestScore) [best, bestScore] = [delimiter, score];
  }
  return best;
}

function stripBom(text: string): string {
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

function isBlankText(text: string): boolean {
  return /^[\s,;\uFEFF]*$/.test(text);
}

function parseDelimitedText(text: string, options: TableOptions): RosterParseResult {
  const body = stripBom(text);
  if (isBlankText(body)) return failure({ code: "empty" }, "csv");
  const delimiter = detectDelimiter(body);
  return parseTable(() => csvRecords(body, delimiter), "csv", options);
}

/** A CSV/TSV export: delimiter , ; or tab detected from the header; BOM, quotes, CRLF and title rows handled. */
export function parseRosterCsv(text: string): RosterParseResult {
  return parseDelimitedText(text, { statusRequired: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Lines pasted in a chat
// ---------------------------------------------------------------------------------------------------------------

/**
 * Text pasted in a chat: a CSV/TSV with a header (status column optional, default official), or one member per line:
 * "Nguyễn Văn An, 1960, Nam, Chính thức, x, Đảng viên, Tổ 1", "1. Nguyễn Văn An; 1960; Nam", "Nguyễn Văn An".
 * Fields after the name are recognised by what they look like, in any order; missing ones take defaults
 * (official, not exempt, member, no group) and are left out of providedFields.
 */
export function parseRosterLines(text: string): RosterParseResult {
  const body = stripBom(text);
  if (isBlankText(body)) return failure({ code: "empty" }, "lines");
  const table = parseDelimitedText(body, { statusRequired: false });
  if (table.fatal?.code !== "not_a_table") return table;
  return parseHeaderlessLines(body);
}

function* physicalLines(text: string): Generator<{ rowNumber: number; line: string }> {
  const breaks = /\r\n|\n|\r/g;
  let start = 0;
  let rowNumber = 1;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
    yield { rowNumber, line: text.slice(start, match.index) };
    start = match.index + match[0].length;
    rowNumber += 1;
  }
  if (start < text.length) yield { rowNumber, line: text.slice(start) };
}

/**
 * A line ending in ":" without delimiters ("Danh sách đảng viên:", "Tổ 1:"), or a first line "Danh sách ...".
 * A "Tổ N:" heading puts the lines under it in that group.
 */
function readHeading(line: string, beforeAnyMember: boolean): { group: string | undefined } | undefined {
  const text = cleanText(line);
  const colonHeading = text.endsWith(":") && !/[\t;,|]/.test(text);
  if (!colonHeading && !(beforeAnyMember && wordKey(text).startsWith("danh sach"))) return undefined;
  const label = text.replace(/:$/, "").trim();
  return { group: /^(?:tổ|to)\s/iu.test(label) ? (normalizeGroup(label) ?? undefined) : undefined };
}

function parseHeaderlessLines(text: string): RosterParseResult {
  const collector = new RowCollector();
  let lines = 0;
  let sectionGroup: string | undefined;
  for (const { rowNumber, line } of physicalLines(text)) {
    if (cleanText(line) === "") continue;
    const heading = readHeading(line, lines === 0);
    if (heading) {
      sectionGroup = heading.group;
      continue;
    }
    lines += 1;
    if (lines > MAX_ROSTER_ROWS) return tooManyRows("lines");
    collector.accept(new LineReader(rowNumber, line, sectionGroup).read(), undefined);
  }
  if (lines === 0) return failure({ code: "empty" }, "lines");
  return collector.result("lines");
}

function splitLine(line: string): string[] {
  const delimiter = ["\t", ";", ",", "|"].find((candidate) => line.includes(candidate));
  if (delimiter) return [...csvRecords(line, delimiter)][0]?.cells ?? [line];
  return line.split(/\s+[-–]\s+/);
}

function dropListNumber(fields: string[]): string[] {
  const first = cleanText(fields[0] ?? "");
  if (fields.length > 1 && /^\d{1,4}[.)]?$/.test(first)) return fields.slice(1);
  return fields;
}

const LIST_MARKER = /^(?:\d{1,4}\s*[.):–-]\s*|\d{1,4}\s+(?=\p{L})|[-–•·*+]\s*)/u;

class LineReader {
  private readonly problems: RosterProblem[] = [];
  private readonly given = new Set<RosterField>(["fullName"]);
  private readonly row: RosterRow;

  constructor(
    rowNumber: number,
    private readonly line: string,
    private readonly sectionGroup: string | undefined,
  ) {
    this.row = {
      rowNumber,
      fullName: "",
      birthYear: null,
      gender: null,
      status: "official",
      exempt: false,
      exemptSince: null,
      role: "member",
      group: null,
    };
  }

  read(): RowReading {
    const [first = "", ...rest] = dropListNumber(splitLine(this.line));
    const name = displayName(cleanText(first).replace(LIST_MARKER, ""));
    this.row.fullName = rest.length > 0 ? name : this.withoutTrailingYear(name);
    const problem = nameProblem(this.row.fullName);
    if (problem) return this.fail(problem);
    for (const field of rest) this.classify(cleanText(field));
    if (this.sectionGroup !== undefined && !this.given.has("group")) this.set("group", this.sectionGroup);
    if (this.given.size < ROSTER_FIELDS.length) this.row.providedFields = ROSTER_FIELDS.filter((f) => this.given.has(f));
    return { row: this.row, problems: this.problems };
  }

  private fail(code: RosterProblemCode): RowReading {
    const problem: RosterProblem = { rowNumber: this.row.rowNumber, code };
    if (this.row.fullName !== "") problem.value = truncate(this.row.fullName);
    return { problems: [problem] };
  }

  /** "Nguyễn Văn An 1960" with no delimiter. */
  private withoutTrailingYear(name: string): string {
    const match = /^(.*\p{L}.*?)\s+(\d{4})$/u.exec(name);
    const year = match ? parseBirthYear(match[2] ?? "") : { ok: false as const };
    if (!match || !year.ok || year.value === null) return name;
    this.set("birthYear", year.value);
    return match[1] ?? name;
  }

  /** Records a field the line gave; returns true so a classifier can `return this.set(...)`. */
  private set<F extends RosterField>(field: F, value: RosterRow[F]): true {
    this.row[field] = value;
    this.given.add(field);
    return true;
  }

  private classify(value: string) {
    if (value === "" || FALSE_SYMBOLS.has(value)) return;
    if (!this.classifyAsKnownWord(value) && !this.classifyAsNumberOrMark(value)) {
      this.report("unknown_value", value);
    }
  }

  private classifyAsKnownWord(value: string): boolean {
    const gender = parseGenderWord(value);
    if (gender && !this.given.has("gender")) return this.set("gender", gender);
    const status = parseStatusWord(value);
    if (status && !this.given.has("status")) return this.set("status", status);
    const role = parseRoleWord(value);
    if (role && !this.given.has("role")) return this.set("role", role);
    if (/^(?:tổ|to)\s/iu.test(value) && !this.given.has("group")) return this.set("group", normalizeGroup(value));
    return false;
  }

  private classifyAsNumberOrMark(value: string): boolean {
    if (/^\d{4}$/.test(value) || (findDate(value) && !this.given.has("birthYear") && !this.given.has("exempt"))) {
      return this.classifyAsBirthYear(value);
    }
    if (/^\d{1,3}$/.test(value) && !this.given.has("group")) return this.set("group", normalizeGroup(value));
    const exempt = parseExempt(value);
    if (!exempt.ok || this.given.has("exempt")) return false;
    this.set("exempt", exempt.value.exempt);
    this.row.exemptSince = exempt.value.since;
    return true;
  }

  private classifyAsBirthYear(value: string): boolean {
    if (this.given.has("birthYear")) return false;
    const year = parseBirthYear(value);
    if (year.ok) return this.set("birthYear", year.value);
    this.report("bad_birth_year", value);
    return true;
  }

  private report(code: RosterProblemCode, value: string) {
    this.problems.push({ rowNumber: this.row.rowNumber, code, value: truncate(value), name: this.row.fullName });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------------------------

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Compound File Binary: .xls (Excel 97–2003), and password-protected .xlsx. */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/**
 * An uploaded file: .xlsx (recognised by its zip signature, first visible worksheet) or text decoded as UTF-8
 * (UTF-16 with a byte-order mark too, as Excel's "Unicode text" export). Text without a header is read as pasted lines, except in a .csv (not_a_table).
 */
export async function parseRosterFile(bytes: Uint8Array, fileName: string): Promise<RosterParseResult> {
  if (bytes.length === 0) return failure({ code: "empty" }, /\.xlsx$/i.test(fileName) ? "xlsx" : "csv");
  if (startsWith(bytes, ZIP_MAGIC)) return parseXlsx(bytes);
  if (startsWith(bytes, OLE_MAGIC)) return failure({ code: "xls_not_supported" }, "xlsx");
  const text = decodeText(bytes);
  if (text === undefined) return failure({ code: "binary_file" }, "csv");
  const table = parseRosterCsv(text);
  if (table.fatal?.code === "not_a_table" && !/\.csv$/i.test(fileName)) return parseRosterLines(text);
  return table;
}

function textEncoding(bytes: Uint8Array): "utf-8" | "utf-16le" | "utf-16be" {
  if (startsWith(bytes, [0xff, 0xfe])) return "utf-16le";
  if (startsWith(bytes, [0xfe, 0xff])) return "utf-16be";
  return "utf-8";
}

function decodeText(bytes: Uint8Array): string | undefined {
  const encoding = textEncoding(bytes);
  if (encoding === "utf-8" && bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return isMostlyPrintable(text) ? text : undefined;
}

function isMostlyPrintable(text: string): boolean {
  const unprintable = text.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/g)?.length ?? 0;
  return !text.includes("\u0000") && unprintable <= text.length * 0.02;
}

async function parseXlsx(bytes: Uint8Array): Promise<RosterParseResult> {
  const sheet = await loadWorksheet(bytes);
  if (!sheet) return failure({ code: "unreadable_xlsx" }, "xlsx");
  return parseTable(() => worksheetRecords(sheet), "xlsx", { statusRequired: true });
}

async function loadWorksheet(bytes: Uint8Array): Promise<Worksheet | undefined> {
  try {
    const { default: ExcelJS } = await import("exceljs");
    const workbook = new ExcelJS.Workbook();
    // exceljs declares its own Buffer type, which Node's Buffer does not satisfy on paper.
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    const sheets = workbook.worksheets;
    return sheets.find((sheet) => sheet.state === "visible" && sheet.rowCount > 0) ?? sheets[0];
  } catch {
    return undefined;
  }
}

function* worksheetRecords(sheet: Worksheet): Generator<SourceRecord> {
  const columns = Math.min(sheet.columnCount, MAX_COLUMNS);
  for (let rowNumber = 1; rowNumber <= sheet.rowCount; rowNumber++) {
    const row = sheet.findRow(rowNumber);
    if (!row) continue;
    const cells: string[] = [];
    for (let column = 1; column <= columns; column++) cells.push(cellText(row.getCell(column).value));
    yield { rowNumber, cells };
  }
}

/** Text of an exceljs cell value: numbers, booleans, dates (as dd/mm/yyyy), rich text, hyperlinks, formula results. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return formatDayMonthYear(value);
  if (typeof value !== "object") return "";
  if ("richText" in value && Array.isArray(value.richText)) return value.richText.map((run) => cellText(run?.text)).join("");
  if ("result" in value) return cellText(value.result);
  if ("formula" in value || "sharedFormula" in value) return "";
  if ("text" in value) return cellText(value.text);
  if ("error" in value) return String(value.error);
  return "";
}

function formatDayMonthYear(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning an import
// ---------------------------------------------------------------------------------------------------------------

export interface ExistingMember {
  id: string;
  fullName: string;
  birthYear: number | null;
  gender: Gender | null;
  status: MemberStatus;
  membership: MembershipState;
  exemptSince: string | null;
  role: MemberRole;
  group: string | null;
}

export type ChangeableField = "fullName" | "birthYear" | "gender" | "status" | "membership" | "exemptSince" | "role" | "group";

export interface FieldChange {
  field: ChangeableField;
  before: unknown;
  after: unknown;
}

export interface RosterCounts {
  total: number;
  official: number;
  probationary: number;
  exempt: number;
  byRole: Record<MemberRole, number>;
  groups: number;
}

export interface MemberUpdate {
  member: ExistingMember;
  row: RosterRow;
  changes: FieldChange[];
}

export interface ImportPlan {
  add: RosterRow[];
  update: MemberUpdate[];
  unchanged: ExistingMember[];
  /** Members on the roster (not removed) that the file does not list. Kept: an import never deletes. */
  notInFile: ExistingMember[];
  /** Counts of the rows in the file. */
  counts: RosterCounts;
}

/**
 * Matches rows to members by normalizeName. A removed member who reappears comes back (active or exempt);
 * a member transferred out stays so unless the file marks them exempt. Values a row does not provide
 * (see providedFields; an empty birth year or gender) never overwrite what the roster knows.
 */
export function planRosterImport(existing: readonly ExistingMember[], rows: readonly RosterRow[]): ImportPlan {
  const candidates = membersByName(existing);
  const matched = new Set<string>();
  const plan: ImportPlan = { add: [], update: [], unchanged: [], notInFile: [], counts: countRoster(rows) };
  for (const row of rows) {
    const member = candidates.get(normalizeName(row.fullName))?.find((m) => !matched.has(m.id));
    if (!member) {
      plan.add.push(row);
      continue;
    }
    matched.add(member.id);
    const changes = diffMember(member, row);
    if (changes.length > 0) plan.update.push({ member, row, changes });
    else plan.unchanged.push(member);
  }
  plan.notInFile = existing.filter((m) => !matched.has(m.id) && m.membership !== "removed");
  return plan;
}

/** Same-name members, those still on the roster first. */
function membersByName(existing: readonly ExistingMember[]): Map<string, ExistingMember[]> {
  const byName = new Map<string, ExistingMember[]>();
  const ordered = [...existing].sort((a, b) => Number(a.membership === "removed") - Number(b.membership === "removed"));
  for (const member of ordered) {
    const key = normalizeName(member.fullName);
    byName.set(key, [...(byName.get(key) ?? []), member]);
  }
  return byName;
}

function diffMember(member: ExistingMember, row: RosterRow): FieldChange[] {
  const given = new Set<RosterField>(row.providedFields ?? ROSTER_FIELDS);
  const membership = nextMembership(member, row, given.has("exempt"));
  const after: Omit<ExistingMember, "id"> = {
    fullName: preferredName(member.fullName, row.fullName),
    birthYear: row.birthYear !== null && given.has("birthYear") ? row.birthYear : member.birthYear,
    gender: row.gender !== null && given.has("gender") ? row.gender : member.gender,
    status: given.has("status") ? row.status : member.status,
    membership,
    exemptSince: membership === "exempt" ? (row.exemptSince ?? member.exemptSince) : null,
    role: given.has("role") ? row.role : member.role,
    group: given.has("group") && !sameGroup(row.group, member.group) ? row.group : member.group,
  };
  const fields: ChangeableField[] = ["fullName", "birthYear", "gender", "status", "membership", "exemptSince", "role", "group"];
  return fields
    .filter((field) => after[field] !== member[field])
    .map((field) => ({ field, before: member[field], after: after[field] }));
}

function nextMembership(member: ExistingMember, row: RosterRow, exemptGiven: boolean): MembershipState {
  const current = member.membership;
  if (!exemptGiven && current === "removed") return member.exemptSince ? "exempt" : "active";
  if (!exemptGiven) return current;
  if (row.exempt) return "exempt";
  return current === "transferred_out" ? "transferred_out" : "active";
}

/** Keeps the roster's spelling unless the file writes the name in proper mixed case (not ALL CAPS, not all lower). */
function preferredName(stored: string, incoming: string): string {
  const mixedCase = incoming !== incoming.toUpperCase() && incoming !== incoming.toLowerCase();
  return mixedCase ? incoming : displayName(stored);
}

function sameGroup(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return normalizeName(a) === normalizeName(b);
}

export function countRoster(rows: readonly RosterRow[]): RosterCounts {
  const byRole = Object.fromEntries(MEMBER_ROLES.map((role) => [role, 0])) as Record<MemberRole, number>;
  for (const row of rows) byRole[row.role] += 1;
  const groups = new Set(rows.flatMap((row) => (row.group === null ? [] : [normalizeName(row.group)])));
  return {
    total: rows.length,
    official: rows.filter((row) => row.status === "official").length,
    probationary: rows.filter((row) => row.status === "probationary").length,
    exempt: rows.filter((row) => row.exempt).length,
    byRole,
    groups: groups.size,
  };
}
