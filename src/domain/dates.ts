/**
 * Meeting dates and times as cell secretaries write them in chat, in Vietnamese (with or without
 * diacritics) and a little English, plus the time-zone helpers the rest of the app needs.
 * Pure: no I/O, no chat library, no date library; time zones go through Intl only.
 *
 * How parseMeetingTime reads a message:
 *  1. Normalise: NFC, lower case, one space between words. A second, "folded" copy drops the
 *     diacritics (đ → d) and turns other punctuation into spaces, character for character, so a
 *     match in the folded copy can be checked against what was really typed.
 *  2. Pick out clues, most specific patterns first; each match is blanked so that nothing is read
 *     twice: dates ("5/12", "ngày 5 tháng 12", "mùng 5"), weekdays ("thứ 7", "T7", "CN"),
 *     week/month/year words ("tuần sau", "tháng này", "năm sau"), relative days ("mai", "hôm nay"),
 *     times ("19h30", "7 giờ kém 15", "7pm"), and day periods ("sáng", "tối").
 *     A word table entry matches when every letter is either as written in the table or the bare
 *     letter without its marks: "thu 7" and "thứ 7" are Saturday, but "một" is not "mốt" and
 *     "tới" (next) is not "tối" (evening).
 *  3. Resolve the clues; any disagreement between them is "ambiguous" rather than a guess.
 *
 * Decisions on forms that could be read two ways:
 *  - "19.30" / "5.12" (a number pair with a dot) is a time when "lúc" comes before it or "h", a
 *    day period or am/pm after it; a date when "ngày"/"mùng" comes before it; otherwise a date if
 *    the message already has a time, a time if it already has a date, and else a date when it is a
 *    possible day/month ("5.12") or a time when it is not ("19.30"). "dd.mm.yyyy" is always a date.
 *  - A time with no date ("19h") is "no_date": the bot must ask for the day, not assume today.
 *  - A period with no time ("tối mai") gives a date with no time.
 *  - A bare weekday with no time counts today ("thứ 4" on a Wednesday is today).
 *  - A date without a year already today, at a time already gone, is "in_the_past" (not next year).
 *  - "12h tối" / "12h đêm" could mean noon or midnight, and "15h sáng" or "5h trưa" contradict
 *    themselves: all "ambiguous". "0h chiều" and "0h tối" too.
 *  - "đêm" hours 0–5 stay as written on the day named ("2h đêm thứ 7" is Saturday 02:00).
 *  - A time range ("19h-21h", "từ 19h đến 21h") gives its start.
 *  - Unexplained numbers (rooms, cell numbers) are ignored, but a bare number before a period
 *    ("7 tối") or after "lúc" only counts when no clearer time is written.
 *  - "mai" right after a title ("chị Mai", "đ/c Mai") is a name, not tomorrow. "này" with its
 *    grave accent is "this", never "today"; plain "nay" is "today" unless after tuần/tháng/năm or
 *    a weekday ("thứ 5 này" = the coming Thursday; "thứ 5 tới" likewise).
 *  - A local time that does not exist (skipped by a DST jump) moves forward by the jump; one that
 *    happens twice takes the earlier instant.
 *
 * Never throws for any text; throws RangeError only for invalid options (bad time zone or date),
 * which are programming errors.
 */

// ─── Public types ────────────────────────────────────────────────────────────────────────────────

export type MeetingTimeError = "empty" | "no_date" | "impossible_date" | "impossible_time" | "in_the_past" | "ambiguous";

export type MeetingTimeParse =
  | { kind: "datetime"; local: string /* "YYYY-MM-DDTHH:mm" in opts.timeZone */ }
  | { kind: "date"; local: string /* "YYYY-MM-DD", no time was written */ }
  | { kind: "error"; reason: MeetingTimeError };

export interface MeetingTimeOptions {
  now: Date;
  timeZone: string;
}

/** 0 = Sunday … 6 = Saturday, as Date.getDay(). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface LocalParts {
  date: string /* YYYY-MM-DD */;
  time: string /* HH:mm */;
  weekday: Weekday;
}

// ─── Calendar arithmetic (civil dates, no time zone) ─────────────────────────────────────────────

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Milliseconds of a civil date (and minutes into it) read as if it were UTC. Works for any year. */
function civilMs(date: CivilDate, minutes = 0): number {
  const moment = new Date(0);
  moment.setUTCFullYear(date.year, date.month - 1, date.day);
  return moment.getTime() + minutes * MINUTE_MS;
}

/** Days since 1970-01-01. */
function dayNumberOf(date: CivilDate): number {
  return Math.round(civilMs(date) / DAY_MS);
}

function civilDateOf(dayNumber: number): CivilDate {
  const moment = new Date(dayNumber * DAY_MS);
  return { year: moment.getUTCFullYear(), month: moment.getUTCMonth() + 1, day: moment.getUTCDate() };
}

function daysInMonth(year: number, month: number): number {
  return civilDateOf(dayNumberOf({ year, month: month + 1, day: 0 })).day;
}

function isRealDate({ year, month, day }: CivilDate): boolean {
  if (![year, month, day].every(Number.isInteger)) return false;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function weekdayOf(dayNumber: number): Weekday {
  return ((((dayNumber + 4) % 7) + 7) % 7) as Weekday; // 1970-01-01 was a Thursday
}

function addMonths(year: number, month: number, count: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function formatCivilDate({ year, month, day }: CivilDate): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function formatClock(minutesOfDay: number): string {
  return `${pad(Math.floor(minutesOfDay / 60))}:${pad(minutesOfDay % 60)}`;
}

interface LocalValue {
  date: CivilDate;
  minutes: number | undefined;
}

/** Reads "YYYY-MM-DD" or "YYYY-MM-DDTHH:mm"; undefined if malformed or not a real date/time. */
function readLocalValue(local: string): LocalValue | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(local);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (!isRealDate(date)) return undefined;
  if (match[4] === undefined) return { date, minutes: undefined };
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  if (hour > 23 || minute > 59) return undefined;
  return { date, minutes: hour * 60 + minute };
}

// ─── Time zones (Intl only) ──────────────────────────────────────────────────────────────────────

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  const cached = wallClockFormatters.get(timeZone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    era: "short",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  wallClockFormatters.set(timeZone, formatter);
  return formatter;
}

interface WallClock extends CivilDate {
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const fields = new Map<string, string>();
  for (const part of wallClockFormatter(timeZone).formatToParts(instantMs)) fields.set(part.type, part.value);
  const number = (type: string): number => Number(fields.get(type));
  const yearOfEra = number("year");
  const isBeforeChrist = fields.get("era") === "BC";
  return {
    year: isBeforeChrist ? 1 - yearOfEra : yearOfEra,
    month: number("month"),
    day: number("day"),
    hour: number("hour"),
    minute: number("minute"),
    second: number("second"),
  };
}

/** How far the zone's wall clock is ahead of UTC at this instant. */
function offsetMsAt(instantMs: number, timeZone: string): number {
  const wall = wallClockAt(instantMs, timeZone);
  const wallMs = civilMs(wall, wall.hour * 60 + wall.minute) + wall.second * 1000;
  return wallMs - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant when the wall clock in `timeZone` shows `local` ("YYYY-MM-DDTHH:mm").
 * A time skipped by a DST jump moves forward by the jump; a time shown twice gives the earlier.
 * Throws RangeError for a malformed local value or an unknown time zone.
 */
export function localToUtc(local: string, timeZone: string): Date {
  const value = readLocalValue(local);
  if (!value || value.minutes === undefined) {
    throw new RangeError(`Expected a local date-time "YYYY-MM-DDTHH:mm", got "${local}"`);
  }
  const wallMs = civilMs(value.date, value.minutes);
  const offsetBefore = offsetMsAt(wallMs - DAY_MS, timeZone);
  const nearbyOffsets = [offsetBefore, offsetMsAt(wallMs, timeZone), offsetMsAt(wallMs + DAY_MS, timeZone)];
  const matching = nearbyOffsets
    .map((offset) => wallMs - offset)
    .filter((instant) => instant + offsetMsAt(instant, timeZone) === wallMs);
  if (matching.length > 0) return new Date(Math.min(...matching));
  return new Date(wallMs - offsetBefore); // inside a DST gap
}

/** The wall-clock date, time and weekday in `timeZone` at an instant. Throws RangeError on an invalid date or zone. */
export function utcToLocal(instant: Date, timeZone: string): LocalParts {
  const wall = wallClockAt(instant.getTime(), timeZone);
  return {
    date: formatCivilDate(wall),
    time: formatClock(wall.hour * 60 + wall.minute),
    weekday: weekdayOf(dayNumberOf(wall)),
  };
}

// ─── Display ─────────────────────────────────────────────────────────────────────────────────────

const VIETNAMESE_WEEKDAY_NAMES = ["Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"];
const ENGLISH_WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function formatWithWeekdayNames(local: string, weekdayNames: readonly string[]): string {
  const value = readLocalValue(local);
  if (!value) throw new RangeError(`Expected "YYYY-MM-DD" or "YYYY-MM-DDTHH:mm", got "${local}"`);
  const { year, month, day } = value.date;
  const weekdayName = weekdayNames[weekdayOf(dayNumberOf(value.date))] ?? "";
  const datePart = `${weekdayName}, ${pad(day)}/${pad(month)}/${pad(year, 4)}`;
  return value.minutes === undefined ? datePart : `${formatClock(value.minutes)} ${datePart}`;
}

/** "2026-12-05T19:30" → "19:30 thứ Bảy, 05/12/2026"; "2026-12-05" → "thứ Bảy, 05/12/2026". */
export function formatVietnameseDateTime(local: string): string {
  return formatWithWeekdayNames(local, VIETNAMESE_WEEKDAY_NAMES);
}

/** "2026-12-05T19:30" → "19:30 Saturday, 05/12/2026" (day/month/year, as in Vietnam). */
export function formatEnglishDateTime(local: string): string {
  return formatWithWeekdayNames(local, ENGLISH_WEEKDAY_NAMES);
}

// ─── Word tables (the only place with Vietnamese) ────────────────────────────────────────────────

type DayPeriod = "morning" | "noon" | "afternoon" | "evening" | "night";

interface RelativeDayWord {
  proper: string;
  days: number;
  period?: DayPeriod;
}

/** Longer phrases first: each match is blanked before the shorter ones are tried. */
const RELATIVE_DAY_WORDS: readonly RelativeDayWord[] = [
  { proper: "hôm nay", days: 0 },
  { proper: "bữa nay", days: 0 },
  { proper: "ngày mai", days: 1 },
  { proper: "ngày kia", days: 2 },
  { proper: "ngày mốt", days: 2 },
  { proper: "hôm qua", days: -1 },
  { proper: "bữa qua", days: -1 },
  { proper: "hôm kia", days: -2 },
  { proper: "tonight", days: 0, period: "evening" },
  { proper: "today", days: 0 },
  { proper: "tomorrow", days: 1 },
  { proper: "yesterday", days: -1 },
  { proper: "mai", days: 1 },
  { proper: "mốt", days: 2 },
  { proper: "nay", days: 0 },
];

/** Words before "mai" that make it a person's name ("chị Mai"). */
const PERSON_TITLES = ["d/c", "dc", "dong chi", "chi", "anh", "co", "ong", "ba", "em", "bac", "chu", "thay"];

const WEEK_WORDS: readonly (readonly [string, number])[] = [
  ["tuần sau nữa", 2],
  ["tuần tới nữa", 2],
  ["tuần này", 0],
  ["tuần sau", 1],
  ["tuần tới", 1],
  ["tuần trước", -1],
  ["this week", 0],
  ["next week", 1],
  ["last week", -1],
];

const MONTH_WORDS: readonly (readonly [string, number])[] = [
  ["tháng này", 0],
  ["tháng sau", 1],
  ["tháng tới", 1],
  ["tháng trước", -1],
  ["this month", 0],
  ["next month", 1],
];

const YEAR_WORDS: readonly (readonly [string, number])[] = [
  ["năm nay", 0],
  ["năm sau", 1],
  ["năm tới", 1],
  ["sang năm", 1],
  ["năm ngoái", -1],
  ["this year", 0],
  ["next year", 1],
];

const WEEKDAY_WORDS: readonly (readonly [string, Weekday])[] = [
  ["thứ hai", 1],
  ["thứ ba", 2],
  ["thứ tư", 3],
  ["thứ năm", 4],
  ["thứ sáu", 5],
  ["thứ bảy", 6],
  ["thứ bẩy", 6],
  ["chủ nhật", 0],
  ["chủ nhựt", 0],
  ["cn", 0],
  ["sunday", 0],
  ["monday", 1],
  ["tuesday", 2],
  ["wednesday", 3],
  ["thursday", 4],
  ["friday", 5],
  ["saturday", 6],
];

/** Numbers in words after "mùng" (day) — longest first. */
const DAY_NUMBER_WORDS: readonly (readonly [string, number])[] = [
  ["mười một", 11],
  ["mười mốt", 11],
  ["mười hai", 12],
  ["mười", 10],
  ["một", 1],
  ["mốt", 1],
  ["hai", 2],
  ["ba", 3],
  ["bốn", 4],
  ["tư", 4],
  ["năm", 5],
  ["sáu", 6],
  ["bảy", 7],
  ["bẩy", 7],
  ["tám", 8],
  ["chín", 9],
];

/** Month names after "tháng". Plain "sau" was already read as "tháng sau" (next month). */
const MONTH_NUMBER_WORDS: readonly (readonly [string, number])[] = [
  ["mười một", 11],
  ["mười hai", 12],
  ["mười", 10],
  ["giêng", 1],
  ["chạp", 12],
  ["một", 1],
  ["hai", 2],
  ["ba", 3],
  ["tư", 4],
  ["bốn", 4],
  ["năm", 5],
  ["sáu", 6],
  ["bảy", 7],
  ["bẩy", 7],
  ["tám", 8],
  ["chín", 9],
];

const DAY_PERIOD_WORDS: readonly (readonly [string, DayPeriod])[] = [
  ["sáng", "morning"],
  ["trưa", "noon"],
  ["chiều", "afternoon"],
  ["tối", "evening"],
  ["đêm", "night"],
  ["khuya", "night"],
  ["morning", "morning"],
  ["noon", "noon"],
  ["afternoon", "afternoon"],
  ["evening", "evening"],
  ["night", "night"],
];

/** Folded spellings, for lookaheads. */
const DAY_PERIOD_PATTERN = "sang|trua|chieu|toi|dem|khuya|morning|noon|afternoon|evening|night|[ap]\\.?m";
const HOUR_MARK = "(?:gio|h|g)(?![a-z])";
const MINUTE_MARK = "(?:\\s*(?:phut|ph|p|')(?![a-z]))?";
const TIME_RANGE_SEPARATOR = /^\s*(?:-|~|den|toi)\s*$/;

// ─── Normalising and scanning ────────────────────────────────────────────────────────────────────

/** The typed text (lower case) and, index for index, its folded copy; `work` loses what was read. */
interface Scan {
  readonly original: string;
  readonly folded: string;
  work: string;
}

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly groups: readonly (string | undefined)[];
  readonly spans: readonly (readonly [number, number] | undefined)[];
}

const WORD_START = "(?<![a-z0-9])";
const WORD_END = "(?![a-z0-9])";
const NOT_AFTER_NUMBER = "(?<![\\d/.:\\-])";
const NOT_BEFORE_NUMBER = "(?!\\d|[/.:\\-]\\d)";
const NOT_BEFORE_HOUR_MARK = `(?!\\s*${HOUR_MARK}|[:.]\\d)`;
const CONSUMED = "|";

function pattern(source: string): RegExp {
  return new RegExp(source, "gd");
}

function foldChar(char: string): string {
  if (/[a-z0-9/.:'\- ]/.test(char)) return char;
  if (char === "đ") return "d";
  if (char === "–" || char === "—") return "-";
  const decomposed = char.normalize("NFD");
  const base = decomposed.charAt(0);
  return decomposed.length > 1 && /[a-z]/.test(base) ? base : " ";
}

function createScan(text: string): Scan {
  const original = text.normalize("NFC").toLowerCase().normalize("NFC").replace(/\s+/g, " ").trim();
  const folded = original.split("").map(foldChar).join("");
  return { original, folded, work: folded };
}

function overwrite(scan: Scan, start: number, replacement: string): void {
  scan.work = scan.work.slice(0, start) + replacement + scan.work.slice(start + replacement.length);
}

/** Runs a global pattern over what is left; every hit `accept` takes is blanked. */
function consume(scan: Scan, regex: RegExp, accept: (hit: Hit) => boolean): void {
  for (const match of scan.work.matchAll(regex)) {
    const start = match.index;
    const hit: Hit = { start, end: start + match[0].length, groups: [...match], spans: [...(match.indices ?? [])] };
    if (accept(hit)) overwrite(scan, start, CONSUMED.repeat(hit.end - start));
  }
}

/** Folded pattern of a table phrase: spaces may be missing or doubled. */
function phraseSource(proper: string): string {
  return proper
    .split(" ")
    .map((word) => word.split("").map(foldChar).join("").replace(/[/.-]/g, "\\$&"))
    .join("\\s*");
}

/** True when each typed letter is the table's letter or that letter without its marks. */
function spelledAs(scan: Scan, span: readonly [number, number] | undefined, proper: string): boolean {
  if (!span) return false;
  const wanted = proper.replace(/\s+/g, "");
  let next = 0;
  for (let index = span[0]; index < span[1]; index++) {
    if (scan.folded[index] === " ") continue;
    const want = wanted.charAt(next++);
    const typed = scan.original.charAt(index);
    if (typed !== want && typed !== foldChar(want)) return false;
  }
  return next === wanted.length;
}

function consumePhrases<T>(
  scan: Scan,
  table: readonly (readonly [string, T])[],
  onFound: (value: T, hit: Hit) => boolean | void,
): void {
  for (const [proper, value] of table) {
    consume(scan, pattern(`${WORD_START}(${phraseSource(proper)})${WORD_END}`), (hit) => {
      if (!spelledAs(scan, hit.spans[1], proper)) return false;
      return onFound(value, hit) !== false;
    });
  }
}

// ─── Clues ───────────────────────────────────────────────────────────────────────────────────────

type DateClue =
  | { kind: "calendar"; day: number; month: number; year: number | undefined }
  | { kind: "dayOfMonth"; day: number }
  | { kind: "relative"; days: number }
  | { kind: "impossible" };

interface TimeClue {
  start: number;
  end: number;
  hour: number;
  minute: number;
  minutesBefore: number;
  meridiem: "am" | "pm" | undefined;
  /** Weak clues ("lúc 7", "7 tối") only count when the text has no strong one. */
  strong: boolean;
}

interface DottedPair {
  start: number;
  end: number;
  first: number;
  second: number;
  hint: "date" | "time" | undefined;
}

interface Clues {
  dates: DateClue[];
  weekdays: Weekday[];
  weekOffsets: number[];
  monthOffsets: number[];
  yearOffsets: number[];
  times: TimeClue[];
  periods: DayPeriod[];
  dottedPairs: DottedPair[];
}

function numberAt(hit: Hit, group: number): number {
  return Number(hit.groups[group]);
}

function yearFromDigits(digits: string | undefined): number | undefined {
  if (digits === undefined) return undefined;
  if (digits.length === 2) return 2000 + Number(digits);
  return digits.length === 4 ? Number(digits) : Number.NaN;
}

function calendarClue(day: number, month: number, yearDigits: string | undefined): DateClue {
  return { kind: "calendar", day, month, year: yearFromDigits(yearDigits) };
}

function findQualifierWords(scan: Scan, table: readonly (readonly [string, number])[], into: number[]): void {
  consumePhrases(scan, table, (offset) => {
    into.push(offset);
  });
}

/** "mùng năm" → "mùng 5", "tháng chạp" → "tháng 12", so the date patterns only see digits. */
function spellOutNumberWords(scan: Scan): void {
  const contexts = [
    { prefix: "mung|mong", words: DAY_NUMBER_WORDS },
    { prefix: "thang", words: MONTH_NUMBER_WORDS },
  ];
  for (const { prefix, words } of contexts) {
    for (const [proper, value] of words) {
      const regex = pattern(`${WORD_START}(?:${prefix})\\s*(${phraseSource(proper)})${WORD_END}`);
      for (const match of scan.work.matchAll(regex)) {
        const span = match.indices?.[1];
        if (span && spelledAs(scan, span, proper)) {
          overwrite(scan, span[0], String(value).padEnd(span[1] - span[0], " "));
        }
      }
    }
  }
}

function findNumericDates(scan: Scan, clues: Clues): void {
  const isoDate = `${NOT_AFTER_NUMBER}(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})${NOT_BEFORE_NUMBER}`;
  consume(scan, pattern(isoDate), (hit) => {
    clues.dates.push(calendarClue(numberAt(hit, 4), numberAt(hit, 3), hit.groups[1]));
    return true;
  });
  const dayMonthYear = `${NOT_AFTER_NUMBER}(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{1,4})${NOT_BEFORE_NUMBER}`;
  consume(scan, pattern(dayMonthYear), (hit) => {
    clues.dates.push(calendarClue(numberAt(hit, 1), numberAt(hit, 3), hit.groups[4]));
    return true;
  });
  const dayMonth = `${NOT_AFTER_NUMBER}(\\d{1,2})[-/](\\d{1,2})${NOT_BEFORE_NUMBER}${NOT_BEFORE_HOUR_MARK}`;
  consume(scan, pattern(dayMonth), (hit) => {
    clues.dates.push(calendarClue(numberAt(hit, 1), numberAt(hit, 2), undefined));
    return true;
  });
}

function findWrittenDates(scan: Scan, clues: Clues): void {
  const dayPrefix = `(?:${WORD_START}(?:(?:ngay\\s*)?(?:mung|mong)|ngay)\\s*)`;
  const yearPart = "(?:\\s*nam\\s*(\\d{1,4})|\\s*[/\\-]?\\s*(\\d{4}))?(?!\\d)";
  const dayMonthWords = `${NOT_AFTER_NUMBER}${dayPrefix}?(\\d{1,2})\\s*thang\\s*(\\d{1,2})(?!\\d)${yearPart}`;
  consume(scan, pattern(dayMonthWords), (hit) => {
    clues.dates.push(calendarClue(numberAt(hit, 1), numberAt(hit, 2), hit.groups[3] ?? hit.groups[4]));
    return true;
  });
  const dayOnly = `${dayPrefix}(\\d{1,2})${NOT_BEFORE_NUMBER}${NOT_BEFORE_HOUR_MARK}`;
  consume(scan, pattern(dayOnly), (hit) => {
    clues.dates.push({ kind: "dayOfMonth", day: numberAt(hit, 1) });
    return true;
  });
}

interface WeekdayForm {
  source: string;
  read: (hit: Hit) => Weekday | "impossible" | undefined;
}

function weekdayFromOrdinal(ordinal: number): Weekday | "impossible" {
  return ordinal >= 2 && ordinal <= 7 ? ((ordinal - 1) as Weekday) : "impossible";
}

function weekdayForms(scan: Scan): WeekdayForm[] {
  const named = WEEKDAY_WORDS.map(([proper, weekday]) => ({
    source: `${WORD_START}(${phraseSource(proper)})`,
    read: (hit: Hit) => (spelledAs(scan, hit.spans[1], proper) ? weekday : undefined),
  }));
  const numbered = {
    source: `${WORD_START}(thu)\\s*(\\d)(?!\\d)${NOT_BEFORE_HOUR_MARK}`,
    read: (hit: Hit) => (spelledAs(scan, hit.spans[1], "thứ") ? weekdayFromOrdinal(numberAt(hit, 2)) : undefined),
  };
  const short = { source: `${WORD_START}t([2-7])`, read: (hit: Hit) => weekdayFromOrdinal(numberAt(hit, 1)) };
  return [...named, numbered, short];
}

/** "này" or "tới" right after a weekday means "the coming one"; plain "toi" there is "tối". */
function isComingWord(scan: Scan, hit: Hit): boolean {
  const span = hit.spans[hit.spans.length - 1];
  if (!span) return false;
  const typed = scan.original.slice(span[0], span[1]);
  return typed === "tới" || spelledAs(scan, span, "này");
}

function findWeekdays(scan: Scan, clues: Clues): void {
  const record = (form: WeekdayForm, hit: Hit): boolean => {
    const weekday = form.read(hit);
    if (weekday === undefined) return false;
    if (weekday === "impossible") clues.dates.push({ kind: "impossible" });
    else clues.weekdays.push(weekday);
    return true;
  };
  for (const form of weekdayForms(scan)) {
    const withComingWord = pattern(`${form.source}\\s+(nay|toi)${WORD_END}`);
    consume(scan, withComingWord, (hit) => isComingWord(scan, hit) && record(form, hit));
    consume(scan, pattern(`${form.source}${WORD_END}`), (hit) => record(form, hit));
  }
}

/** "tới" (next) that no pattern used: drop it so it is never read as "tối" (evening). */
function dropComingWords(scan: Scan): void {
  consume(scan, pattern(`${WORD_START}toi${WORD_END}`), (hit) => scan.original.slice(hit.start, hit.end) === "tới");
}

function isAfterPersonTitle(scan: Scan, position: number): boolean {
  const from = Math.max(0, position - 16);
  const before = (from === 0 ? " " : "") + scan.folded.slice(from, position);
  return PERSON_TITLES.some((title) => new RegExp(`[^a-z0-9]${phraseSource(title)}\\s*$`).test(before));
}

function findRelativeDays(scan: Scan, clues: Clues): void {
  const table = RELATIVE_DAY_WORDS.map((word) => [word.proper, word] as const);
  consumePhrases(scan, table, (word, hit) => {
    if (word.proper === "mai" && isAfterPersonTitle(scan, hit.start)) return false;
    clues.dates.push({ kind: "relative", days: word.days });
    if (word.period) clues.periods.push(word.period);
    return true;
  });
}

function timeClue(hit: Hit, hour: number, fields: Partial<TimeClue> = {}): TimeClue {
  return {
    start: hit.start,
    end: hit.end,
    hour,
    minute: 0,
    minutesBefore: 0,
    meridiem: undefined,
    strong: true,
    ...fields,
  };
}

function findAmPmTimes(scan: Scan, clues: Clues): void {
  const source = `${NOT_AFTER_NUMBER}(\\d{1,2})(?:[:.h](\\d{1,2}))?\\s*([ap])\\.?m\\.?(?![a-z])`;
  consume(scan, pattern(source), (hit) => {
    const meridiem = hit.groups[3] === "a" ? "am" : "pm";
    clues.times.push(timeClue(hit, numberAt(hit, 1), { minute: Number(hit.groups[2] ?? 0), meridiem }));
    return true;
  });
}

/** "19h", "19h30", "19g30", "19 giờ 30 phút", "7h rưỡi", "8 giờ kém 15". */
function findHourMarkTimes(scan: Scan, clues: Clues): void {
  const minutes = `(\\d{1,2})(?!\\d|[/.:]\\d)${MINUTE_MARK}`;
  const halfPast = "(ruoi)(?![a-z])";
  const minutesBefore = `kem\\s*(\\d{1,2})(?!\\d)${MINUTE_MARK}`;
  const source = `${NOT_AFTER_NUMBER}(\\d{1,2})\\s*${HOUR_MARK}(?:\\s*(?:${minutes}|${halfPast}|${minutesBefore}))?`;
  consume(scan, pattern(source), (hit) => {
    const minute = hit.groups[3] ? 30 : Number(hit.groups[2] ?? 0);
    clues.times.push(timeClue(hit, numberAt(hit, 1), { minute, minutesBefore: Number(hit.groups[4] ?? 0) }));
    return true;
  });
}

function findColonTimes(scan: Scan, clues: Clues): void {
  const source = `${NOT_AFTER_NUMBER}(\\d{1,2}):(\\d{2})(?!\\d)(?:\\s*h(?![a-z]))?`;
  consume(scan, pattern(source), (hit) => {
    clues.times.push(timeClue(hit, numberAt(hit, 1), { minute: numberAt(hit, 2) }));
    return true;
  });
}

function dottedPairHint(scan: Scan, start: number, end: number): DottedPair["hint"] {
  const before = scan.work.slice(0, start);
  const after = scan.work.slice(end);
  if (/(?:luc|vao)\s*$/.test(before)) return "time";
  if (new RegExp(`^\\s*(?:${DAY_PERIOD_PATTERN}|h)(?![a-z])`).test(after)) return "time";
  if (/(?:ngay|mung|mong)\s*$/.test(before)) return "date";
  return undefined;
}

function findDottedPairs(scan: Scan, clues: Clues): void {
  const source = `${NOT_AFTER_NUMBER}(\\d{1,2})\\.(\\d{1,2})(?!\\d|\\.\\d)`;
  consume(scan, pattern(source), (hit) => {
    const hint = dottedPairHint(scan, hit.start, hit.end);
    clues.dottedPairs.push({ start: hit.start, end: hit.end, first: numberAt(hit, 1), second: numberAt(hit, 2), hint });
    return true;
  });
}

/** "7 rưỡi", "lúc 7", "7 tối". */
function findLooseHours(scan: Scan, clues: Clues): void {
  consume(scan, pattern(`${NOT_AFTER_NUMBER}(\\d{1,2})\\s+ruoi(?![a-z])`), (hit) => {
    clues.times.push(timeClue(hit, numberAt(hit, 1), { minute: 30 }));
    return true;
  });
  const afterAt = `${WORD_START}luc\\s*(\\d{1,2})${NOT_BEFORE_NUMBER}`;
  const beforePeriod = `${NOT_AFTER_NUMBER}(?<![a-z])(\\d{1,2})(?=\\s+(?:${DAY_PERIOD_PATTERN})(?![a-z]))`;
  for (const source of [afterAt, beforePeriod]) {
    consume(scan, pattern(source), (hit) => {
      clues.times.push(timeClue(hit, numberAt(hit, 1), { strong: false }));
      return true;
    });
  }
}

function findDayPeriods(scan: Scan, clues: Clues): void {
  consumePhrases(scan, DAY_PERIOD_WORDS, (period) => {
    clues.periods.push(period);
  });
}

function hasStrongTime(clues: Clues): boolean {
  return clues.times.some((time) => time.strong);
}

function dottedPairIsTime(pair: DottedPair, clues: Clues): boolean {
  if (pair.hint) return pair.hint === "time";
  if (hasStrongTime(clues)) return false;
  if (clues.dates.length > 0 || clues.weekdays.length > 0) return true;
  const couldBeDayMonth = pair.first >= 1 && pair.first <= 31 && pair.second >= 1 && pair.second <= 12;
  return !couldBeDayMonth;
}

function settleDottedPairs(clues: Clues): void {
  for (const pair of clues.dottedPairs) {
    if (dottedPairIsTime(pair, clues)) {
      const fields = { start: pair.start, end: pair.end, minute: pair.second, minutesBefore: 0 };
      clues.times.push({ ...fields, hour: pair.first, meridiem: undefined, strong: true });
    } else {
      clues.dates.push({ kind: "calendar", day: pair.first, month: pair.second, year: undefined });
    }
  }
}

function collectClues(scan: Scan): Clues {
  const clues: Clues = {
    dates: [],
    weekdays: [],
    weekOffsets: [],
    monthOffsets: [],
    yearOffsets: [],
    times: [],
    periods: [],
    dottedPairs: [],
  };
  findQualifierWords(scan, MONTH_WORDS, clues.monthOffsets); // before "tháng sáu" (June) is read
  spellOutNumberWords(scan);
  findNumericDates(scan, clues);
  findWrittenDates(scan, clues);
  findWeekdays(scan, clues); // before "năm nay", so "thứ năm này" stays a Thursday
  findQualifierWords(scan, WEEK_WORDS, clues.weekOffsets);
  findQualifierWords(scan, YEAR_WORDS, clues.yearOffsets);
  dropComingWords(scan);
  findRelativeDays(scan, clues);
  findAmPmTimes(scan, clues);
  findHourMarkTimes(scan, clues);
  findColonTimes(scan, clues);
  findDottedPairs(scan, clues);
  findLooseHours(scan, clues);
  findDayPeriods(scan, clues);
  settleDottedPairs(clues);
  return clues;
}

// ─── Resolving ───────────────────────────────────────────────────────────────────────────────────

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: MeetingTimeError };

function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

function failure<T>(reason: MeetingTimeError): Outcome<T> {
  return { ok: false, reason };
}

/** The one value all entries agree on; undefined when there are none; a failure when they differ. */
function agreedValue<T>(values: readonly T[]): Outcome<T | undefined> {
  const distinct = [...new Set(values)];
  return distinct.length > 1 ? failure("ambiguous") : success(distinct[0]);
}

function applyMeridiem(hour: number, meridiem: TimeClue["meridiem"]): number | undefined {
  if (meridiem === undefined) return hour;
  if (hour < 1 || hour > 12) return hour === 0 && meridiem === "am" ? 0 : undefined;
  if (meridiem === "am") return hour % 12;
  return hour === 12 ? 12 : hour + 12;
}

/** Conventions: sáng as written; trưa 11–13; chiều and tối add 12 below 12; đêm like tối from 6. */
function applyDayPeriod(hour: number, period: DayPeriod | undefined): number | undefined {
  switch (period) {
    case undefined:
      return hour;
    case "morning":
      return hour <= 12 ? hour : undefined;
    case "noon":
      if (hour >= 11 && hour <= 13) return hour;
      return hour === 1 ? 13 : undefined;
    case "afternoon":
      if (hour === 0) return undefined;
      return hour < 12 ? hour + 12 : hour;
    case "evening":
      if (hour === 0 || hour === 12) return undefined;
      return hour < 12 ? hour + 12 : hour;
    case "night":
      if (hour === 12) return undefined;
      return hour >= 6 && hour < 12 ? hour + 12 : hour;
  }
}

function minutesOfDay(clue: TimeClue, period: DayPeriod | undefined): Outcome<number> {
  if (clue.hour > 23 || clue.minute > 59 || clue.minutesBefore > 59) return failure("impossible_time");
  const clockHour = applyMeridiem(clue.hour, clue.meridiem);
  if (clockHour === undefined) return failure("ambiguous");
  const hour = applyDayPeriod(clockHour, period);
  if (hour === undefined || (clue.meridiem && hour !== clockHour)) return failure("ambiguous");
  const minutes = hour * 60 + clue.minute - clue.minutesBefore;
  return minutes < 0 ? failure("impossible_time") : success(minutes);
}

/** Strong clues if any, else weak ones; the end of a range ("19h-21h") is dropped. */
function chosenTimeClues(clues: Clues, scan: Scan): TimeClue[] {
  const candidates = hasStrongTime(clues) ? clues.times.filter((time) => time.strong) : clues.times;
  const ordered = [...candidates].sort((a, b) => a.start - b.start);
  return ordered.filter((clue, index) => {
    const previous = ordered[index - 1];
    return !previous || !TIME_RANGE_SEPARATOR.test(scan.folded.slice(previous.end, clue.start));
  });
}

function resolveTime(clues: Clues, scan: Scan): Outcome<number | undefined> {
  const chosen = chosenTimeClues(clues, scan);
  if (chosen.length === 0) return success(undefined);
  const period = agreedValue(clues.periods);
  if (!period.ok) return period;
  const values: number[] = [];
  for (const clue of chosen) {
    const minutes = minutesOfDay(clue, period.value);
    if (!minutes.ok) return minutes;
    values.push(minutes.value);
  }
  return agreedValue(values);
}

interface Today {
  dayNumber: number;
  date: CivilDate;
  /** Whether a wall-clock moment on a day is still ahead of now. */
  isAhead: (dayNumber: number, minutes: number) => boolean;
}

function nextYearlyDate(day: number, month: number, today: Today): Outcome<number> {
  for (let year = today.date.year; year <= today.date.year + 8; year++) {
    const date = { year, month, day };
    if (isRealDate(date) && dayNumberOf(date) >= today.dayNumber) return success(dayNumberOf(date));
  }
  return failure("impossible_date");
}

function nextMonthlyDate(day: number, today: Today): Outcome<number> {
  for (let ahead = 0; ahead <= 12; ahead++) {
    const date = { ...addMonths(today.date.year, today.date.month, ahead), day };
    if (isRealDate(date) && dayNumberOf(date) >= today.dayNumber) return success(dayNumberOf(date));
  }
  return failure("impossible_date");
}

function checkedDayNumber(date: CivilDate): Outcome<number> {
  return isRealDate(date) ? success(dayNumberOf(date)) : failure("impossible_date");
}

interface Qualifiers {
  monthOffset: number | undefined;
  yearOffset: number | undefined;
  weekOffset: number | undefined;
}

function resolveCalendar(
  clue: { day: number; month: number; year: number | undefined },
  today: Today,
  qualifiers: Qualifiers,
): Outcome<number> {
  if (clue.year !== undefined) return checkedDayNumber({ ...clue, year: clue.year });
  if (qualifiers.yearOffset !== undefined) {
    return checkedDayNumber({ ...clue, year: today.date.year + qualifiers.yearOffset });
  }
  return nextYearlyDate(clue.day, clue.month, today);
}

function resolveDayOfMonth(day: number, today: Today, qualifiers: Qualifiers): Outcome<number> {
  if (qualifiers.monthOffset === undefined) return nextMonthlyDate(day, today);
  const month = addMonths(today.date.year, today.date.month, qualifiers.monthOffset);
  return checkedDayNumber({ ...month, day });
}

function resolveDateClue(clue: DateClue, today: Today, qualifiers: Qualifiers): Outcome<number> {
  switch (clue.kind) {
    case "calendar":
      return resolveCalendar(clue, today, qualifiers);
    case "dayOfMonth":
      return resolveDayOfMonth(clue.day, today, qualifiers);
    case "relative":
      return success(today.dayNumber + clue.days);
    case "impossible":
      return failure("impossible_date");
  }
}

function mondayOfWeek(dayNumber: number, weekOffset: number): number {
  return dayNumber - ((weekdayOf(dayNumber) + 6) % 7) + 7 * weekOffset;
}

function dayInWeek(today: Today, weekOffset: number, weekday: Weekday): number {
  return mondayOfWeek(today.dayNumber, weekOffset) + ((weekday + 6) % 7);
}

/** Nearest future occurrence; today counts while the time (if any) is still ahead. */
function nextWeekday(weekday: Weekday, today: Today, minutes: number | undefined): number {
  const daysAhead = (weekday - weekdayOf(today.dayNumber) + 7) % 7;
  const candidate = today.dayNumber + daysAhead;
  const isGoneToday = daysAhead === 0 && minutes !== undefined && !today.isAhead(candidate, minutes);
  return isGoneToday ? candidate + 7 : candidate;
}

function readQualifiers(clues: Clues): Outcome<Qualifiers> {
  const monthOffset = agreedValue(clues.monthOffsets);
  const yearOffset = agreedValue(clues.yearOffsets);
  const weekOffset = agreedValue(clues.weekOffsets);
  if (!monthOffset.ok || !yearOffset.ok || !weekOffset.ok) return failure("ambiguous");
  return success({ monthOffset: monthOffset.value, yearOffset: yearOffset.value, weekOffset: weekOffset.value });
}

function resolveFixedDays(clues: Clues, today: Today, qualifiers: Qualifiers): Outcome<number[]> {
  const days: number[] = [];
  for (const clue of clues.dates) {
    const day = resolveDateClue(clue, today, qualifiers);
    if (!day.ok) return day;
    days.push(day.value);
  }
  return success(days);
}

function resolveDate(clues: Clues, today: Today, minutes: number | undefined): Outcome<number> {
  const qualifiers = readQualifiers(clues);
  if (!qualifiers.ok) return qualifiers;
  const { weekOffset } = qualifiers.value;
  const fixedDays = resolveFixedDays(clues, today, qualifiers.value);
  if (!fixedDays.ok) return fixedDays;
  const weekday = agreedValue(clues.weekdays);
  if (!weekday.ok) return weekday;
  if (weekday.value !== undefined && weekOffset !== undefined) {
    fixedDays.value.push(dayInWeek(today, weekOffset, weekday.value));
  }
  const agreed = agreedValue(fixedDays.value);
  if (!agreed.ok) return agreed;
  if (agreed.value === undefined) {
    if (weekday.value === undefined) return failure("no_date");
    return success(nextWeekday(weekday.value, today, minutes));
  }
  return checkAgainstWeek(agreed.value, weekday.value, weekOffset, today);
}

/** A written date must fall on the weekday and in the week also written with it. */
function checkAgainstWeek(
  day: number,
  weekday: Weekday | undefined,
  weekOffset: number | undefined,
  today: Today,
): Outcome<number> {
  if (weekday !== undefined && weekdayOf(day) !== weekday) return failure("ambiguous");
  if (weekOffset !== undefined && mondayOfWeek(day, 0) !== mondayOfWeek(today.dayNumber, weekOffset)) {
    return failure("ambiguous");
  }
  return success(day);
}

const ERROR_PRECEDENCE: readonly MeetingTimeError[] = ["impossible_date", "impossible_time", "ambiguous", "no_date"];

function firstFailure(outcomes: readonly Outcome<unknown>[]): MeetingTimeError | undefined {
  const reasons = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.reason]));
  return ERROR_PRECEDENCE.find((reason) => reasons.includes(reason)) ?? reasons[0];
}

function todayIn(opts: MeetingTimeOptions): Today {
  const local = utcToLocal(opts.now, opts.timeZone);
  const date = readLocalValue(local.date)?.date ?? { year: 1970, month: 1, day: 1 };
  const isAhead = (dayNumber: number, minutes: number): boolean =>
    momentOf(dayNumber, minutes, opts.timeZone).getTime() > opts.now.getTime();
  return { dayNumber: dayNumberOf(date), date, isAhead };
}

function momentOf(dayNumber: number, minutes: number, timeZone: string): Date {
  return localToUtc(`${formatCivilDate(civilDateOf(dayNumber))}T${formatClock(minutes)}`, timeZone);
}

function errorResult(reason: MeetingTimeError): MeetingTimeParse {
  return { kind: "error", reason };
}

function buildResult(dayNumber: number, minutes: number | undefined, today: Today, opts: MeetingTimeOptions): MeetingTimeParse {
  if (minutes === undefined) {
    if (dayNumber < today.dayNumber) return errorResult("in_the_past");
    return { kind: "date", local: formatCivilDate(civilDateOf(dayNumber)) };
  }
  if (!today.isAhead(dayNumber, minutes)) return errorResult("in_the_past");
  const wall = utcToLocal(momentOf(dayNumber, minutes, opts.timeZone), opts.timeZone);
  return { kind: "datetime", local: `${wall.date}T${wall.time}` };
}

function assertValidOptions(opts: MeetingTimeOptions): void {
  if (!(opts.now instanceof Date) || Number.isNaN(opts.now.getTime())) {
    throw new RangeError("parseMeetingTime: opts.now must be a valid Date");
  }
  wallClockFormatter(opts.timeZone); // throws RangeError for an unknown zone
}

/**
 * Reads a meeting date and time from chat text. Returns a local date-time, a date when no time was
 * written, or the reason it cannot be used. Never throws for any text.
 */
export function parseMeetingTime(text: string, opts: MeetingTimeOptions): MeetingTimeParse {
  assertValidOptions(opts);
  const scan = createScan(typeof text === "string" ? text : "");
  if (!/[a-z0-9]/.test(scan.folded)) return errorResult("empty");
  const clues = collectClues(scan);
  const today = todayIn(opts);
  const time = resolveTime(clues, scan);
  const date = resolveDate(clues, today, time.ok ? time.value : undefined);
  const reason = firstFailure([date, time]);
  if (reason || !date.ok || !time.ok) return errorResult(reason ?? "ambiguous");
  return buildResult(date.value, time.value, today, opts);
}
