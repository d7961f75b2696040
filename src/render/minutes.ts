/**
 * The biên bản (minutes) DRAFT of a cell meeting, as a .docx the secretary opens, completes by hand, prints and signs.
 *
 * The layout follows the usual record of a Vietnamese Party cell meeting: the two-column header (issuing body on the
 * left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date on the right), the title, then I. time and place, II.
 * attendance, III. content (agenda and what each speaker said), IV. the chair's conclusion, V. the vote, VI. the
 * quality rating, the closing line and the signatures of the minute-taker and the chair. Times New Roman 13 pt on A4,
 * margins 2 cm (3 cm on the left).
 *
 * Whatever is missing (an empty speech, no conclusion, no vote yet, a blank name) is left as dotted lines "……" for the
 * secretary to fill in by hand. Everything in {@link MinutesInput} is data, never markup: it is normalised to NFC,
 * characters XML cannot carry are dropped, and the docx package escapes the rest.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
  type IParagraphOptions,
} from "docx";

// ─── Input ───────────────────────────────────────────────────────────────────────────────────────

/** A guest of the meeting (e.g. the committee member following the cell), with their position. */
export interface MinutesGuest {
  name: string;
  /** e.g. "Đảng ủy viên, phụ trách chi bộ" */
  title?: string;
}

/** The attendance figures, as computed by the domain (see DOMAIN.md, Attendance). */
export interface MinutesCounts {
  /** All members on the rolls. */
  total: number;
  /** Official (chính thức) members. */
  official: number;
  /** Probationary (dự bị) members. */
  probationary: number;
  /** Members exempt from Party work and meetings (miễn công tác và sinh hoạt đảng). */
  exempt: number;
  /** Members expected to attend: total − exempt − temporarily transferred out. */
  expected: number;
  /** Expected members present. */
  present: number;
  /** present ÷ expected, 0..1; null when there is no rate (nobody expected). Printed with one decimal: "86,4%". */
  rate: number | null;
}

/** An absentee with a reason. An empty reason is left as dots for the secretary. */
export interface MinutesExcused {
  name: string;
  reason: string;
}

export interface MinutesAgendaItem {
  title: string;
  /** Who presents the item. */
  presenter?: string;
}

/** One speaker's contribution. An empty text is left as dotted lines; line breaks start new paragraphs. */
export interface MinutesSpeech {
  speaker: string;
  text: string;
}

/** The vote on the resolution. Percentages are of `entitled` (official members entitled to vote). */
export interface MinutesVote {
  for: number;
  against: number;
  /** Entitled but did not vote (không biểu quyết). */
  abstain: number;
  entitled: number;
}

export interface MinutesScorePart {
  /** e.g. "Chuẩn bị" (labels come from the committee's rubric, in the bot's locale). */
  label: string;
  score: number;
  max: number;
}

export interface MinutesScore {
  parts: MinutesScorePart[];
  total: number;
  /** e.g. "Tốt"; empty: left as dots. */
  ratingLabel: string;
}

/**
 * What the draft records. Names are given without "Đ/c" (it is added; a name that already starts with "Đ/c" or
 * "đồng chí" keeps it). Empty strings are printed as dots to be filled in by hand.
 */
export interface MinutesInput {
  /** Committee (Đảng bộ) name, with or without the "Đảng bộ" prefix, e.g. "Đảng bộ phường Đông Kinh"; absent: no line. */
  committeeName?: string | null;
  /** Cell name, with or without the "Chi bộ" prefix, e.g. "Chi bộ khối 5" or "khối 5". */
  cellName: string;
  /** Where the meeting was held, e.g. "Nhà văn hóa khối 5" (section I). */
  place: string;
  /**
   * The place name (địa danh) before the date in the header, e.g. "Đông Kinh". Defaults to `place`.
   */
  locality?: string;
  /** Local date of the meeting, YYYY-MM-DD. */
  date: string;
  /** Actual start, local HH:mm. */
  actualStart: string;
  /** Actual end, local HH:mm; absent or null: dots. */
  actualEnd?: string | null;
  /** The month the meeting is for, when not the month of `date` (e.g. March's meeting held on 2 April). */
  period?: { month: number; year: number };
  /** Meeting type as it reads after "Sinh hoạt chi bộ", e.g. "thường kỳ", "chuyên đề". */
  typeLabel: string;
  /** The chair's name. */
  chair: string;
  /** e.g. "Bí thư chi bộ". */
  chairTitle?: string;
  /** The minute-taker's (thư ký) name. */
  minuteTaker: string;
  /** e.g. "Chi ủy viên". */
  minuteTakerTitle?: string;
  guests: MinutesGuest[];
  counts: MinutesCounts;
  excused: MinutesExcused[];
  /** Names of members absent without reason. */
  unexcused: string[];
  agenda: MinutesAgendaItem[];
  discussion: MinutesSpeech[];
  /** The chair's conclusion; absent or empty: dotted lines. */
  conclusion?: string;
  /** The resolution put to the vote; printed in section V when given. */
  resolution?: string;
  /** Absent: the vote lines are left with dots. */
  vote?: MinutesVote;
  /** Absent: the rating lines are left with dots. */
  score?: MinutesScore;
  /** Overrides for the fixed texts (the bot's locale decides); defaults: {@link DEFAULT_MINUTES_LABELS}. */
  labels?: Partial<MinutesLabels>;
}

// ─── Labels ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Every fixed text of the document. Templates take `{name}` placeholders (single braces), filled in one pass, so a
 * user's text containing "{d}" is printed as is.
 */
export interface MinutesLabels {
  /** BCP 47 language of the text, for upper-casing and Word's proofing. */
  language: string;
  /** Decimal separator of percentages and fractional scores. */
  decimalSeparator: string;
  /** Prefix added to the committee name unless it already starts with it (or with "Đảng"). */
  committeePrefix: string;
  /** Prefix added to the cell name unless it already starts with it. */
  cellPrefix: string;
  party: string;
  /** {place} {d} {m} {y}; day below 10 and months 1–2 take a leading zero, as official documents write them. */
  dateLine: string;
  title: string;
  /** {type} {m} {y} */
  subtitle: string;
  draftNote: string;
  sectionTime: string;
  sectionAttendance: string;
  sectionContent: string;
  sectionConclusion: string;
  sectionVote: string;
  sectionRating: string;
  /** {h} {min} */
  clock: string;
  /** {d} {m} {y} */
  longDate: string;
  /** {start} {end} {date} */
  time: string;
  /** {place} */
  place: string;
  /** {name}: how a member is named in the text. */
  comrade: string;
  /** {person} {title} */
  personWithTitle: string;
  /** {person} */
  chair: string;
  /** {person} */
  minuteTaker: string;
  guests: string;
  noGuests: string;
  /** {total} {official} {probationary} {exempt} */
  members: string;
  /** {count} {of}: "70/81 đồng chí" */
  countOf: string;
  /** {count} */
  people: string;
  /** {value}: a percentage after a count, " (86,4%)" */
  percent: string;
  /** {expected} {present} {percent} */
  presence: string;
  /** {count}; followed by ":" and the list, or "." */
  excused: string;
  /** {person} {reason} */
  excusedItem: string;
  /** {count}; followed by ":" and the names, or "." */
  unexcused: string;
  agendaHeading: string;
  /** {n} {title} */
  agendaItem: string;
  /** {n} {title} {person} */
  agendaItemWithPresenter: string;
  discussionHeading: string;
  /** {person} */
  speaker: string;
  resolution: string;
  /** {entitled} */
  voteIntro: string;
  voteFor: string;
  voteAgainst: string;
  voteAbstain: string;
  /** {label} {result} */
  voteLine: string;
  /** {label} {score} {max} */
  scorePart: string;
  /** {score} {max} */
  scoreTotal: string;
  /** {rating} */
  rating: string;
  /** {end} */
  closing: string;
  minuteTakerSignature: string;
  chairSignature: string;
  signatureHint: string;
}

export const DEFAULT_MINUTES_LABELS: Readonly<MinutesLabels> = Object.freeze({
  language: "vi-VN",
  decimalSeparator: ",",
  committeePrefix: "Đảng bộ",
  cellPrefix: "Chi bộ",
  party: "ĐẢNG CỘNG SẢN VIỆT NAM",
  dateLine: "{place}, ngày {d} tháng {m} năm {y}",
  title: "BIÊN BẢN",
  subtitle: "Sinh hoạt chi bộ {type} tháng {m}/{y}",
  draftNote: "(Bản dự thảo do Chibo tạo — bản chính thức ghi vào sổ biên bản và Sổ tay đảng viên)",
  sectionTime: "I. THỜI GIAN, ĐỊA ĐIỂM",
  sectionAttendance: "II. THÀNH PHẦN",
  sectionContent: "III. NỘI DUNG",
  sectionConclusion: "IV. KẾT LUẬN CỦA CHỦ TRÌ",
  sectionVote: "V. BIỂU QUYẾT",
  sectionRating: "VI. ĐÁNH GIÁ, XẾP LOẠI",
  clock: "{h} giờ {min} phút",
  longDate: "ngày {d} tháng {m} năm {y}",
  time: "- Thời gian: bắt đầu lúc {start}, {date}; kết thúc lúc {end}.",
  place: "- Địa điểm: {place}.",
  comrade: "Đ/c {name}",
  personWithTitle: "{person}, {title}",
  chair: "- Chủ trì: {person}.",
  minuteTaker: "- Thư ký: {person}.",
  guests: "- Khách mời:",
  noGuests: "- Khách mời: không có.",
  members:
    "- Tổng số đảng viên của chi bộ: {total} đồng chí (chính thức: {official}, dự bị: {probationary}); " +
    "miễn công tác và sinh hoạt đảng: {exempt} đồng chí.",
  countOf: "{count}/{of} đồng chí",
  people: "{count} đồng chí",
  percent: " ({value}%)",
  presence: "- Số đảng viên phải dự: {expected} đồng chí; có mặt {present}{percent}.",
  excused: "- Vắng có lý do: {count} đồng chí",
  excusedItem: "+ {person}: {reason}",
  unexcused: "- Vắng không lý do: {count} đồng chí",
  agendaHeading: "Chương trình sinh hoạt:",
  agendaItem: "{n}. {title}",
  agendaItemWithPresenter: "{n}. {title} ({person} trình bày)",
  discussionHeading: "Ý kiến thảo luận:",
  speaker: "{person}: ",
  resolution: "Nội dung nghị quyết:",
  voteIntro: "Số đảng viên có quyền biểu quyết: {entitled} đồng chí. Kết quả biểu quyết:",
  voteFor: "Tán thành",
  voteAgainst: "Không tán thành",
  voteAbstain: "Không biểu quyết",
  voteLine: "- {label}: {result}.",
  scorePart: "- {label}: {score}/{max} điểm.",
  scoreTotal: "- Tổng điểm: {score}/{max} điểm.",
  rating: "- Xếp loại: {rating}.",
  closing: "Buổi sinh hoạt kết thúc lúc {end} cùng ngày.",
  minuteTakerSignature: "THƯ KÝ",
  chairSignature: "CHỦ TRÌ",
  signatureHint: "(Ký, ghi rõ họ tên)",
});

// ─── Page and type ───────────────────────────────────────────────────────────────────────────────

const FONT = "Times New Roman";
const SIZE = 26; // half-points: 13 pt
const TITLE_SIZE = 30; // 15 pt
const CM = 567; // twips
const PAGE = { width: 11906, height: 16838 }; // A4
const MARGIN = { top: 2 * CM, right: 2 * CM, bottom: 2 * CM, left: 3 * CM };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right; // 9071 twips, about 453 pt
const INDENT = CM;

/** "…" is one em wide in Times New Roman: 34 fit in the text width at 13 pt; one less leaves room for the indent. */
const DOTS_PER_LINE = Math.floor((TEXT_WIDTH - INDENT) / (SIZE * 10)) - 1;
const DOTTED_LINE = "…".repeat(DOTS_PER_LINE);
/** A short run of dots for a value to fill in inline. */
const BLANK = "…".repeat(8);

const NO_BORDER: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: "auto" };

// ─── Text ────────────────────────────────────────────────────────────────────────────────────────

/** Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

function clean(value: unknown): string {
  return String(value ?? "")
    .normalize("NFC")
    .replace(NOT_XML, "");
}

/** A name, place or title: one line, spaces collapsed. */
function oneLine(value: unknown): string {
  return clean(value).replace(/\s+/g, " ").trim();
}

/** A free text: its lines, without the blank ones and with tabs as spaces. */
function textLines(value: unknown): string[] {
  return clean(value)
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line !== "");
}

/** Fills `{key}` placeholders in one pass: values are never read as templates. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

function orBlank(value: string): string {
  return value === "" ? BLANK : value;
}

function startsWithWord(value: string, prefix: string, language: string): boolean {
  const v = value.toLocaleLowerCase(language);
  const p = prefix.toLocaleLowerCase(language).trim();
  return p !== "" && v.startsWith(p) && (v.length === p.length || /\s/.test(v.charAt(p.length)));
}

// ─── Numbers, dates, times ───────────────────────────────────────────────────────────────────────

function formatNumber(value: number, separator: string): string {
  if (!Number.isFinite(value)) return BLANK;
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1).replace(".", separator);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{1,2}):(\d{2})$/;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function parseDate(value: string): LocalDate {
  const match = DATE.exec(value);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (!match || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`renderMinutesDocx: date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return { year, month, day };
}

function formatTime(value: string | null | undefined, labels: MinutesLabels, field: string): string {
  if (value === null || value === undefined || value.trim() === "") return BLANK;
  const match = TIME.exec(value.trim());
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59) {
    throw new RangeError(`renderMinutesDocx: ${field} must be HH:mm, got ${JSON.stringify(value)}`);
  }
  return fill(labels.clock, { h: String(hours).padStart(2, "0"), min: String(minutes).padStart(2, "0") });
}

/** Official documents write days below 10 and the months January and February with a leading zero. */
function dateParts(date: LocalDate): { d: string; m: string; y: string } {
  return {
    d: String(date.day).padStart(2, "0"),
    m: date.month <= 2 ? String(date.month).padStart(2, "0") : String(date.month),
    y: String(date.year),
  };
}

// ─── Paragraphs ──────────────────────────────────────────────────────────────────────────────────

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  underline?: boolean;
  size?: number;
}

type Piece = string | { text: string; style: RunStyle };

function run(piece: Piece, base: RunStyle = {}): TextRun {
  const { text, style } = typeof piece === "string" ? { text: piece, style: {} } : piece;
  const merged = { ...base, ...style };
  return new TextRun({
    text,
    ...(merged.bold ? { bold: true } : {}),
    ...(merged.italics ? { italics: true } : {}),
    ...(merged.underline ? { underline: {} } : {}),
    ...(merged.size ? { size: merged.size } : {}),
  });
}

type ParagraphLayout = Omit<IParagraphOptions, "children" | "text">;

const BODY: ParagraphLayout = { alignment: AlignmentType.JUSTIFIED, indent: { firstLine: INDENT } };
const ITEM: ParagraphLayout = { alignment: AlignmentType.JUSTIFIED, indent: { left: INDENT, hanging: 0 } };
const CENTERED: ParagraphLayout = { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0 } };

function paragraph(pieces: Piece[], layout: ParagraphLayout = BODY, style: RunStyle = {}): Paragraph {
  return new Paragraph({
    ...layout,
    children: pieces.filter((p) => (typeof p === "string" ? p : p.text) !== "").map((p) => run(p, style)),
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.LEFT,
    keepNext: true,
    spacing: { before: 160, after: 80 },
    children: [run(text, { bold: true })],
  });
}

function subheading(text: string): Paragraph {
  return new Paragraph({ ...BODY, keepNext: true, children: [run(text, { bold: true, italics: true })] });
}

function dottedLines(count: number, layout: ParagraphLayout = BODY): Paragraph[] {
  return Array.from({ length: count }, () => paragraph([DOTTED_LINE], { ...layout, alignment: AlignmentType.LEFT }));
}

/** A label followed by a free text; further lines of the text become paragraphs of their own; no text: dotted lines. */
function labelledText(label: Piece, text: string, blankLines: number): Paragraph[] {
  const lines = textLines(text);
  const [first, ...rest] = lines;
  if (first === undefined) {
    return [paragraph([label, BLANK.repeat(2)], { ...BODY, alignment: AlignmentType.LEFT }), ...dottedLines(blankLines)];
  }
  return [paragraph([label, first]), ...rest.map((line) => paragraph([line]))];
}

function freeText(text: string, blankLines: number): Paragraph[] {
  const lines = textLines(text);
  return lines.length === 0 ? dottedLines(blankLines) : lines.map((line) => paragraph([line]));
}

// ─── Tables ──────────────────────────────────────────────────────────────────────────────────────

function borderlessTable(columns: number[], cells: Paragraph[][], verticalAlign = VerticalAlignTable.TOP): Table {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: columns,
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        cantSplit: true,
        children: cells.map(
          (children, index) =>
            new TableCell({
              width: { size: columns[index] ?? 0, type: WidthType.DXA },
              borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER },
              verticalAlign,
              children,
            }),
        ),
      }),
    ],
  });
}

// ─── The document ────────────────────────────────────────────────────────────────────────────────

/** Renders the minutes draft. Throws RangeError when `date` or a time is malformed (a caller's bug, not user text). */
export async function renderMinutesDocx(input: MinutesInput): Promise<Buffer> {
  const labels: MinutesLabels = { ...DEFAULT_MINUTES_LABELS, ...definedOnly(input.labels ?? {}) };
  const doc = new Document({
    title: clean(documentTitle(input, labels)),
    creator: "Chibo",
    lastModifiedBy: "Chibo",
    styles: {
      default: {
        document: {
          run: { font: FONT, size: SIZE, language: { value: labels.language } },
          paragraph: { spacing: { before: 0, after: 60, line: 288 } },
        },
      },
    },
    sections: [
      {
        properties: { page: { size: PAGE, margin: { ...MARGIN, header: 720, footer: 720 } } },
        children: [...header(input, labels), ...body(input, labels), ...signatures(input, labels)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Partial<T>;
}

function period(input: MinutesInput): { m: string; y: string } {
  const date = parseDate(input.date);
  const month = input.period?.month ?? date.month;
  const year = input.period?.year ?? date.year;
  return { m: String(month), y: String(year) };
}

function documentTitle(input: MinutesInput, labels: MinutesLabels): string {
  const { m, y } = period(input);
  return `${fill(labels.subtitle, { type: oneLine(input.typeLabel), m, y })} — ${withPrefix(oneLine(input.cellName), labels.cellPrefix, labels)}`;
}

function withPrefix(name: string, prefix: string, labels: MinutesLabels, alsoAccept?: RegExp): string {
  if (name === "") return `${prefix} ${BLANK}`;
  if (startsWithWord(name, prefix, labels.language) || alsoAccept?.test(name)) return name;
  return `${prefix} ${name}`;
}

function comrade(name: string, labels: MinutesLabels): string {
  const clean = oneLine(name);
  if (clean === "") return fill(labels.comrade, { name: BLANK });
  const own = labels.comrade.split("{name}")[0] ?? "";
  if (startsWithWord(clean, own, labels.language) || /^(đ\/c|đồng chí)(\s|$)/iu.test(clean)) return clean;
  return fill(labels.comrade, { name: clean });
}

function personWithTitle(name: string, title: string | undefined, labels: MinutesLabels): string {
  const person = comrade(name, labels);
  const role = oneLine(title);
  return role === "" ? person : fill(labels.personWithTitle, { person, title: role });
}

function header(input: MinutesInput, labels: MinutesLabels): (Paragraph | Table)[] {
  const date = parseDate(input.date);
  const upper = (value: string) => value.toLocaleUpperCase(labels.language).normalize("NFC");
  const committee = oneLine(input.committeeName);
  const left: Paragraph[] = [
    ...(committee !== ""
      ? [paragraph([upper(withPrefix(committee, labels.committeePrefix, labels, /^đảng\s/iu))], CENTERED)]
      : []),
    paragraph([{ text: upper(withPrefix(oneLine(input.cellName), labels.cellPrefix, labels)), style: { bold: true } }], CENTERED),
    paragraph(["*"], CENTERED),
  ];
  const locality = oneLine(input.locality) || oneLine(input.place);
  const right: Paragraph[] = [
    paragraph([{ text: labels.party, style: { bold: true, underline: true } }], CENTERED),
    new Paragraph(CENTERED),
    paragraph(
      [{ text: fill(labels.dateLine, { place: orBlank(locality), ...dateParts(date) }), style: { italics: true } }],
      CENTERED,
    ),
  ];
  const { m, y } = period(input);
  return [
    borderlessTable([Math.round(TEXT_WIDTH * 0.42), TEXT_WIDTH - Math.round(TEXT_WIDTH * 0.42)], [left, right]),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 360, after: 0 },
      children: [run(labels.title, { bold: true, size: TITLE_SIZE })],
    }),
    paragraph([{ text: fill(labels.subtitle, { type: oneLine(input.typeLabel), m, y }), style: { bold: true } }], CENTERED),
    new Paragraph({ ...CENTERED, spacing: { before: 60, after: 240 }, children: [run(labels.draftNote, { italics: true })] }),
  ];
}

function body(input: MinutesInput, labels: MinutesLabels): Paragraph[] {
  const date = parseDate(input.date);
  const sep = labels.decimalSeparator;
  const num = (value: number) => formatNumber(value, sep);
  const share = (part: number, whole: number) =>
    whole > 0 && Number.isFinite(part) ? fill(labels.percent, { value: formatNumber((part / whole) * 100, sep) }) : "";
  const { counts } = input;
  const end = formatTime(input.actualEnd, labels, "actualEnd");

  const out: Paragraph[] = [];

  // I. Time and place
  out.push(heading(labels.sectionTime));
  out.push(
    paragraph([
      fill(labels.time, {
        start: formatTime(input.actualStart, labels, "actualStart"),
        end,
        date: fill(labels.longDate, dateParts(date)),
      }),
    ]),
  );
  out.push(paragraph([fill(labels.place, { place: orBlank(oneLine(input.place)) })]));

  // II. Attendance
  out.push(heading(labels.sectionAttendance));
  out.push(paragraph([fill(labels.chair, { person: personWithTitle(input.chair, input.chairTitle, labels) })]));
  out.push(paragraph([fill(labels.minuteTaker, { person: personWithTitle(input.minuteTaker, input.minuteTakerTitle, labels) })]));
  const guests = input.guests.filter((g) => oneLine(g.name) !== "" || oneLine(g.title) !== "");
  if (guests.length === 0) out.push(paragraph([labels.noGuests]));
  else {
    out.push(paragraph([labels.guests]));
    for (const guest of guests) out.push(paragraph([`+ ${personWithTitle(guest.name, guest.title, labels)}`], ITEM));
  }
  out.push(
    paragraph([
      fill(labels.members, {
        total: num(counts.total),
        official: num(counts.official),
        probationary: num(counts.probationary),
        exempt: num(counts.exempt),
      }),
    ]),
  );
  const rate =
    counts.rate === null || !Number.isFinite(counts.rate) ? "" : fill(labels.percent, { value: num(counts.rate * 100) });
  out.push(
    paragraph([
      fill(labels.presence, {
        expected: num(counts.expected),
        present: fill(labels.countOf, { count: num(counts.present), of: num(counts.expected) }),
        percent: rate,
      }),
    ]),
  );
  const excusedHead = fill(labels.excused, { count: input.excused.length });
  out.push(paragraph([input.excused.length > 0 ? `${excusedHead}:` : `${excusedHead}.`]));
  for (const absentee of input.excused) {
    const reason = oneLine(absentee.reason);
    out.push(paragraph([fill(labels.excusedItem, { person: comrade(absentee.name, labels), reason: orBlank(reason) })], ITEM));
  }
  const unexcusedHead = fill(labels.unexcused, { count: input.unexcused.length });
  out.push(
    paragraph([
      input.unexcused.length > 0
        ? `${unexcusedHead}: ${input.unexcused.map((name) => comrade(name, labels)).join(", ")}.`
        : `${unexcusedHead}.`,
    ]),
  );

  // III. Content
  out.push(heading(labels.sectionContent));
  out.push(subheading(labels.agendaHeading));
  if (input.agenda.length === 0) out.push(...dottedLines(3, ITEM));
  for (const [index, item] of input.agenda.entries()) {
    const presenter = oneLine(item.presenter);
    const title = orBlank(oneLine(item.title));
    out.push(
      paragraph(
        [
          presenter === ""
            ? fill(labels.agendaItem, { n: index + 1, title })
            : fill(labels.agendaItemWithPresenter, { n: index + 1, title, person: comrade(presenter, labels) }),
        ],
        ITEM,
      ),
    );
  }
  out.push(subheading(labels.discussionHeading));
  if (input.discussion.length === 0) out.push(...dottedLines(8));
  for (const speech of input.discussion) {
    const label = fill(labels.speaker, { person: comrade(speech.speaker, labels) });
    out.push(...labelledText({ text: label, style: { bold: true } }, speech.text, 2));
  }

  // IV. Conclusion
  out.push(heading(labels.sectionConclusion));
  out.push(...freeText(input.conclusion ?? "", 5));

  // V. Vote
  out.push(heading(labels.sectionVote));
  if (input.resolution !== undefined && textLines(input.resolution).length > 0) {
    out.push(subheading(labels.resolution));
    out.push(...freeText(input.resolution, 0));
  }
  const vote = input.vote;
  out.push(paragraph([fill(labels.voteIntro, { entitled: vote ? num(vote.entitled) : BLANK })]));
  const voteLines: [string, number | undefined][] = [
    [labels.voteFor, vote?.for],
    [labels.voteAgainst, vote?.against],
    [labels.voteAbstain, vote?.abstain],
  ];
  for (const [label, count] of voteLines) {
    const result =
      vote && count !== undefined
        ? fill(labels.countOf, { count: num(count), of: num(vote.entitled) }) + share(count, vote.entitled)
        : fill(labels.countOf, { count: BLANK, of: BLANK });
    out.push(paragraph([fill(labels.voteLine, { label, result })]));
  }

  // VI. Rating
  out.push(heading(labels.sectionRating));
  const score = input.score;
  if (score) {
    for (const part of score.parts) {
      out.push(
        paragraph([fill(labels.scorePart, { label: orBlank(oneLine(part.label)), score: num(part.score), max: num(part.max) })]),
      );
    }
    const max = score.parts.length > 0 ? score.parts.reduce((sum, part) => sum + part.max, 0) : 100;
    out.push(paragraph([fill(labels.scoreTotal, { score: num(score.total), max: num(max) })]));
    out.push(paragraph([fill(labels.rating, { rating: orBlank(oneLine(score.ratingLabel)) })]));
  } else {
    out.push(paragraph([fill(labels.scoreTotal, { score: BLANK, max: "100" })]));
    out.push(paragraph([fill(labels.rating, { rating: BLANK })]));
  }

  out.push(
    new Paragraph({
      ...BODY,
      spacing: { before: 160, after: 240 },
      keepNext: true,
      children: [run(fill(labels.closing, { end }))],
    }),
  );
  return out;
}

function signatures(input: MinutesInput, labels: MinutesLabels): Table[] {
  const column = (title: string, name: string) => [
    paragraph([{ text: title, style: { bold: true } }], CENTERED),
    paragraph([{ text: labels.signatureHint, style: { italics: true } }], CENTERED),
    ...Array.from({ length: 4 }, () => new Paragraph(CENTERED)),
    paragraph([{ text: withoutComrade(name), style: { bold: true } }], CENTERED),
  ];
  const half = Math.floor(TEXT_WIDTH / 2);
  return [
    borderlessTable(
      [half, TEXT_WIDTH - half],
      [column(labels.minuteTakerSignature, input.minuteTaker), column(labels.chairSignature, input.chair)],
    ),
  ];
}

/** The name as signed: without "Đ/c" or "đồng chí". */
function withoutComrade(name: string): string {
  return oneLine(name).replace(/^(đ\/c|đồng chí)\s+/iu, "");
}
