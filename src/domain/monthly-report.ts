/**
 * The committee's monthly report (báo cáo tháng): for one month, per cell, whether the regular
 * meeting was held, its attendance, rating and flags; the cells that need attention; the
 * ward-wide totals and a 12-month trend. Pure: no I/O, no database, no chat library. The bot loads
 * {@link ReportInput} from the database; the renderers (src/render/report-*.ts) draw the result.
 *
 * A cell comes in one of two forms with the same meaning: record by record ({@link ReportCellInput}:
 * every member and roll-call record; tests and small callers), or counted by the database
 * ({@link ReportCountedCell}: active members, each meeting's roll call as counts, and the few members
 * who may carry a member flag). buildMonthlyReport counts the first form into the second itself, so
 * the rules below are applied once, to counts; src/jobs/report-data.ts counts in SQL the same way.
 *
 * Rules (DOMAIN.md, "What the committee receives", "Attendance", "Quality rating"):
 *  - A meeting belongs to the month of its scheduled start (`startsAt`) on the local calendar of
 *    `timeZone` (19:30 on the 31st in Hà Nội is that month, even though it is already the 31st
 *    12:30 UTC). The month's regular meeting is a regular, combined or model meeting.
 *  - status "held": a closed regular meeting that month; "scheduled": none closed but one
 *    published (announced, not closed yet); "not_held": none at all, or only cancelled or draft
 *    ones (a draft was never announced to the members). `cancelled` tells the last two apart.
 *  - When a month has several closed regular meetings (a regular meeting and a model meeting),
 *    the earliest is the month's meeting; `otherRegularMeetings` counts the rest.
 *  - Attendance (present / expected, excused, unexcused, rate) follows attendanceRate with the
 *    cell's members as given (pass everybody on the rolls at the time, exempt and transferred out
 *    included; removed members are not in the input and their records are ignored): only active
 *    members are expected, less those marked exempt at the meeting. Only held meetings have
 *    attendance: a meeting not closed yet may have a half-done roll call.
 *  - Meeting flags come from meetingFlags with the default minimum length (90 minutes, 120 when
 *    combined): a cell's own shorter minimum is not in the input.
 *  - Member flags come from memberFlags for the period's calendar year, over the cell's closed
 *    meetings up to the period's end, committee pre-meetings (họp chi ủy) excepted. Members
 *    transferred out are not counted (the cell they are in now deals with them).
 *  - thematicThisQuarter: a closed thematic or combined meeting in the period's quarter, up to the
 *    end of the period's month (a report for February does not see a March meeting).
 *  - Ward-wide rate = Σ present ÷ Σ expected over the held meetings (not the mean of the cells'
 *    rates: a 135-member cell weighs more than a 14-member one).
 *
 * needsAttention (the score cells are sorted by): the sum of the weights of the cell's reasons,
 * each weight larger than all the weights below it put together, so a higher reason always wins:
 *
 *  | reason               | weight            | when                                                          |
 *  |----------------------|-------------------|---------------------------------------------------------------|
 *  | not_held             | 1024              | no regular meeting closed or published this month            |
 *  | unexcused_3          | 32 × members (≤10)| members absent without reason 3+ times this calendar year     |
 *  | below_85             | 16                | the held meeting's rate is not above 85%                      |
 *  | rating_poor          | 8                 | the held meeting was rated poor (kém)                         |
 *  | rating_average       | 4                 | … or average (trung bình)                                     |
 *  | no_thematic          | 2                 | the period is a quarter's last month and no thematic meeting  |
 *  | scheduled_not_closed | 1                 | published, its planned end is past `now`, but not closed      |
 *
 * A cell with a score of 0 has no reason and is not in `attention`. Ties: lower rate first (no
 * rate last), then the cell's name.
 */

import {
  meetingFlags,
  memberFlags,
  UNEXCUSED_REMOVAL,
  UNEXCUSED_WARNING,
  type AttendanceHistoryEntry,
  type AttendanceStatus,
  type MeetingFlag,
} from "./attendance.js";
import { localToUtc, utcToLocal } from "./dates.js";
import { countsAsRegular, defaultDurationMinutes, type MeetingType } from "./meetings.js";
import type { Rating } from "./rating.js";

// ─── Input ───────────────────────────────────────────────────────────────────────────────────────

export type ReportMeetingStatus = "published" | "cancelled" | "closed" | "draft";

/** A meeting as the report sees it, without its attendance. */
export interface ReportMeetingBase {
  id: string;
  code: string;
  type: MeetingType;
  status: ReportMeetingStatus;
  startsAt: Date;
  durationMinutes: number;
  actualStart: Date | null;
  actualEnd: Date | null;
  rating: Rating | null;
}

/** A meeting with each of its roll-call records. */
export interface ReportMeetingInput extends ReportMeetingBase {
  records: { memberId: string; status: AttendanceStatus }[];
}

/** A cell with every member and every roll-call record: buildMonthlyReport counts them itself. */
export interface ReportCellInput {
  id: string;
  name: string;
  members: { id: string; membership: "active" | "exempt" | "transferred_out" }[];
  /** The cell's meetings of the last 12 months up to the period's end; older or later ones are ignored. */
  meetings: ReportMeetingInput[];
}

/**
 * A meeting's roll call counted over the cell's active members (the only ones attendanceRate can count as present or
 * absent): records of exempt, transferred-out or removed members and of strangers are left out.
 */
export interface ReportRollCall {
  /** Active members with a record. */
  marked: number;
  excused: number;
  unexcused: number;
  /** Active members marked exempt at this meeting: not expected. The other records count as present. */
  exempt: number;
}

export interface ReportCountedMeeting extends ReportMeetingBase {
  /** Read for closed meetings only. */
  rollCall: ReportRollCall;
}

/**
 * A member on the rolls (active or exempt) who may carry a member flag, from their records at the counted meetings:
 * the cell's closed meetings in the report's 12 months ({@link reportWindow}), committee pre-meetings excepted.
 */
export interface ReportAbsentee {
  memberId: string;
  /** Absences without reason at counted meetings in the period's calendar year (from `yearFrom`). */
  unexcusedThisYear: number;
  /**
   * Every record of the member at the counted meetings when they have 3 or more excused absences there (a run of 3
   * excused absences needs them); may be empty otherwise.
   */
  records: { meetingId: string; status: AttendanceStatus }[];
}

/**
 * A cell as the database counts it, so that a province's 900,000 records never leave the database (see
 * src/jobs/report-data.ts). Gives the same report as the {@link ReportCellInput} it counts.
 */
export interface ReportCountedCell {
  id: string;
  name: string;
  /** Members whose membership is active (not exempt, transferred out or removed): the rate's denominator. */
  activeMembers: number;
  /** The cell's meetings of the last 12 months up to the period's end; older or later ones are ignored. */
  meetings: ReportCountedMeeting[];
  /**
   * At least every member with 2 or more unexcused absences this year or 3 or more excused absences in the 12 months
   * (one entry per member); others may be listed too.
   */
  absentees: ReportAbsentee[];
}

export interface ReportInput {
  committeeName: string | null;
  /** "YYYY-MM" */
  period: string;
  timeZone: string;
  now: Date;
  cells: (ReportCellInput | ReportCountedCell)[];
}

// ─── Output ──────────────────────────────────────────────────────────────────────────────────────

export type CellMonthStatus = "held" | "scheduled" | "not_held";

/** In order of weight, heaviest first (see the table in the header). */
export const ATTENTION_REASONS = [
  "not_held",
  "unexcused_3",
  "below_85",
  "rating_poor",
  "rating_average",
  "no_thematic",
  "scheduled_not_closed",
] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

export const ATTENTION_WEIGHTS: Readonly<Record<AttentionReason, number>> = Object.freeze({
  not_held: 1024,
  unexcused_3: 32,
  below_85: 16,
  rating_poor: 8,
  rating_average: 4,
  no_thematic: 2,
  scheduled_not_closed: 1,
});

/** unexcused_3 weighs 32 per flagged member, counted up to this many (32 × 10 < 1024). */
export const UNEXCUSED_3_MEMBERS_CAP = 10;

export interface CellReport {
  cellId: string;
  name: string;
  status: CellMonthStatus;
  /** The month's meeting: the held one, else the published one; null when not held. */
  meetingId: string | null;
  code: string | null;
  type: MeetingType | null;
  /** Local "YYYY-MM-DD" of the meeting's scheduled start (held or scheduled); null when not held. */
  date: string | null;
  /** Actual length in minutes (actualEnd − actualStart, rounded); null unless held with both times. */
  minutes: number | null;
  /** Attendance of the held meeting; all null unless held. */
  present: number | null;
  expected: number | null;
  /** present ÷ expected, 0..1; null unless held, or when nobody was expected. */
  rate: number | null;
  excused: number | null;
  unexcused: number | null;
  rating: Rating | null;
  /** meetingFlags of the held meeting; empty otherwise. */
  flags: MeetingFlag[];
  /** A regular meeting of this month was cancelled (and none was held or is scheduled). */
  cancelled: boolean;
  /** Scheduled only: the planned end is already past `now` and the meeting is still not closed. */
  overdue: boolean;
  /** Closed regular meetings this month beyond the one reported. */
  otherRegularMeetings: number;
  /** Members absent without reason 3 or more times this calendar year (xóa tên to consider). */
  membersUnexcused3: number;
  /** Members absent without reason exactly 2 times this calendar year (warned). */
  membersUnexcused2: number;
  /** Members whose latest 3+ meetings were all excused absences. */
  membersExcused3InARow: number;
  thematicThisQuarter: boolean;
  /** Sorting score; 0 = nothing to look at. */
  needsAttention: number;
  /** In the order of ATTENTION_REASONS. */
  reasons: AttentionReason[];
}

export interface AttentionItem {
  cellId: string;
  name: string;
  needsAttention: number;
  reasons: AttentionReason[];
  /** The same cell's rate, for display. */
  rate: number | null;
  /** Members with 3+ unexcused absences this year (for the unexcused_3 reason's text). */
  membersUnexcused3: number;
}

export interface ReportTotals {
  cells: number;
  held: number;
  scheduled: number;
  notHeld: number;
  present: number;
  expected: number;
  /** Σ present ÷ Σ expected over held meetings; null when none had anybody expected. */
  rate: number | null;
  excused: number;
  unexcused: number;
  /** Held meetings with a rate not above 85%. */
  below85: number;
  membersUnexcused3: number;
  membersUnexcused2: number;
  membersExcused3InARow: number;
  /** Cells with a thematic meeting this quarter so far. */
  thematicThisQuarter: number;
  /** Cells in `attention`. */
  needingAttention: number;
}

export interface TrendMonth {
  /** "YYYY-MM" */
  period: string;
  /** Ward-wide Σ present ÷ Σ expected of the month's held meetings; null when none. */
  rate: number | null;
  present: number;
  expected: number;
  /** Cells that held their meeting that month. */
  held: number;
  /** One per cell, in the order of MonthlyReport.cells. */
  cells: { cellId: string; rate: number | null }[];
}

export interface MonthlyReport {
  committeeName: string | null;
  period: string;
  timeZone: string;
  generatedAt: Date;
  /** 1..4, the period's quarter. */
  quarter: number;
  /** The period is the last month of its quarter (the no_thematic reason applies). */
  quarterEnd: boolean;
  /** Sorted by name (Vietnamese order, numbers compared as numbers: "khối 2" before "khối 10"). */
  cells: CellReport[];
  totals: ReportTotals;
  /** Cells with a reason, most in need first. */
  attention: AttentionItem[];
  /** The 12 months ending with the period, oldest first. */
  trend: TrendMonth[];
}

// ─── Periods ─────────────────────────────────────────────────────────────────────────────────────

interface YearMonth {
  year: number;
  month: number;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

function formatPeriod({ year, month }: YearMonth): string {
  return `${String(year).padStart(4, "0")}-${pad2(month)}`;
}

function readPeriod(period: string): YearMonth | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? { year, month } : undefined;
}

function addMonths({ year, month }: YearMonth, count: number): YearMonth {
  const index = year * 12 + (month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function localMonth(now: Date, timeZone: string): YearMonth {
  const date = utcToLocal(now, timeZone).date;
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
}

/**
 * The instants a report reads, on the local calendar of `timeZone`: its 12 months are [from, to) (from the 1st of the
 * trend's first month to the 1st of the month after the period), the period's calendar year starts at `yearFrom`.
 * A meeting is in the report's months exactly when from ≤ startsAt < to. Throws RangeError for a malformed period or
 * an unknown time zone.
 */
export function reportWindow(period: string, timeZone: string): { from: Date; to: Date; yearFrom: Date } {
  const month = readPeriod(period);
  if (!month) throw new RangeError(`reportWindow: expected a period "YYYY-MM", got "${period}"`);
  const firstOf = (value: YearMonth) => localToUtc(`${formatPeriod(value)}-01T00:00`, timeZone);
  return {
    from: firstOf(addMonths(month, -11)),
    to: firstOf(addMonths(month, 1)),
    yearFrom: firstOf({ year: month.year, month: 1 }),
  };
}

/** "YYYY-MM" of the month before `now`'s local month in `timeZone` (January → December of the year before). */
export function previousPeriod(now: Date, timeZone: string): string {
  return formatPeriod(addMonths(localMonth(now, timeZone), -1));
}

/** Lower case, no diacritics (đ → d), single spaces. */
function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

const ENGLISH_MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** 1..12 for "nov", "november", "sept"; undefined otherwise. */
function englishMonth(word: string): number | undefined {
  const index = ENGLISH_MONTHS.findIndex(
    (name) => name === word || name.slice(0, 3) === word || (word === "sept" && name === "september"),
  );
  return index < 0 ? undefined : index + 1;
}

function validMonth(year: number, month: number): string | undefined {
  if (!Number.isInteger(month) || month < 1 || month > 12 || year < 1900 || year > 2999) return undefined;
  return formatPeriod({ year, month });
}

/** A month without a year: the latest such month not after the current one ("tháng 11" in January → last year's). */
function latestMonth(month: number, current: YearMonth): string | undefined {
  return validMonth(month <= current.month ? current.year : current.year - 1, month);
}

/**
 * Reads the month a user asks the report for: "11/2026", "11-2026", "2026-11", "2026/11",
 * "tháng 11", "thang 11/2026", "tháng 11 năm 2026", "t11", "T11/2026", "11", "nov 2026",
 * "november", "tháng trước" / "last month", "tháng này" / "this month". Case and diacritics do
 * not matter. A month without a year is the latest such month up to now's local month (reports are
 * about the past). Returns "YYYY-MM", or undefined for anything else (month 13, words, empty).
 */
export function parsePeriod(text: string, now: Date, timeZone: string): string | undefined {
  if (typeof text !== "string") return undefined;
  const folded = fold(text).replace(/[.,;!?]+$/, "");
  if (folded === "" || folded.length > 40) return undefined;
  const current = localMonth(now, timeZone);

  if (/^(?:thang truoc|thang vua roi|thang vua qua|last month|previous month)$/.test(folded)) {
    return formatPeriod(addMonths(current, -1));
  }
  if (/^(?:thang nay|this month)$/.test(folded)) return formatPeriod(current);

  const yearFirst = /^(\d{4}) ?[-/.] ?(\d{1,2})$/.exec(folded);
  if (yearFirst) return validMonth(Number(yearFirst[1]), Number(yearFirst[2]));

  const monthWord = "(?:thang|th|t|month)";
  const monthYear = new RegExp(`^(?:${monthWord} ?)?(\\d{1,2})(?: ?[-/.] ?| nam | year | )(\\d{4})$`).exec(folded);
  if (monthYear) return validMonth(Number(monthYear[2]), Number(monthYear[1]));

  const monthOnly = new RegExp(`^(?:${monthWord} ?)?(\\d{1,2})$`).exec(folded);
  if (monthOnly) return latestMonth(Number(monthOnly[1]), current);

  const english = /^([a-z]{3,9}) ?,? ?(\d{4})?$/.exec(folded);
  const englishNumber = englishMonth(english?.[1] ?? "");
  if (english && englishNumber !== undefined) {
    return english[2] === undefined ? latestMonth(englishNumber, current) : validMonth(Number(english[2]), englishNumber);
  }
  return undefined;
}

// ─── Building ────────────────────────────────────────────────────────────────────────────────────

const MINUTE_MS = 60_000;

/** Local "YYYY-MM-DD" of instants, cached: 500 cells × 12 months would otherwise format 6,000+ times twice. */
function localDates(timeZone: string): (instant: Date) => string {
  const cache = new Map<number, string>();
  return (instant) => {
    const ms = instant.getTime();
    let date = cache.get(ms);
    if (date === undefined) {
      date = utcToLocal(instant, timeZone).date;
      cache.set(ms, date);
    }
    return date;
  };
}

function byStart(a: ReportMeetingBase, b: ReportMeetingBase): number {
  return a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

interface MonthMeetings {
  /** Closed regular meetings, earliest first. */
  closed: ReportCountedMeeting[];
  published: ReportCountedMeeting[];
  cancelled: boolean;
}

function emptyMonth(): MonthMeetings {
  return { closed: [], published: [], cancelled: false };
}

interface HeldAttendance {
  present: number;
  expected: number;
  excused: number;
  unexcused: number;
  rate: number | null;
}

/**
 * attendanceRate's present, expected, excused and unexcused from the counts: only active members are expected, less
 * those marked exempt at the meeting; every record of an active member that is not an absence or an exemption counts
 * as present (late and left early included); exempt members who came anyway are never in the rate.
 */
function heldAttendance(meeting: ReportCountedMeeting, activeMembers: number): HeldAttendance {
  const { marked, excused, unexcused, exempt } = meeting.rollCall;
  const expected = activeMembers - exempt;
  const present = marked - excused - unexcused - exempt;
  return { present, expected, excused, unexcused, rate: expected === 0 ? null : present / expected };
}

function actualMinutes(meeting: ReportMeetingBase): number | null {
  if (!meeting.actualStart || !meeting.actualEnd) return null;
  const minutes = Math.round((meeting.actualEnd.getTime() - meeting.actualStart.getTime()) / MINUTE_MS);
  return minutes >= 0 ? minutes : null;
}

/** What member flags count: a closed meeting, not a committee pre-meeting (in the report's 12 months). */
function countsForMemberFlags(meeting: ReportMeetingBase): boolean {
  return meeting.status === "closed" && meeting.type !== "committee";
}

/**
 * Member flag counts for the year: unexcused_3 and unexcused_2 with memberFlags' thresholds from each absentee's count,
 * excused_3_in_a_row from memberFlags over their records at the counted meetings of the window.
 */
function memberFlagCounts(
  absentees: readonly ReportAbsentee[],
  inWindow: readonly ReportCountedMeeting[],
  year: number,
  timeZone: string,
): { unexcused3: number; unexcused2: number; excused3InARow: number } {
  const counted = new Map(inWindow.filter(countsForMemberFlags).map((meeting) => [meeting.id, meeting]));
  const counts = { unexcused3: 0, unexcused2: 0, excused3InARow: 0 };
  const history: AttendanceHistoryEntry[] = [];
  for (const absentee of absentees) {
    if (absentee.unexcusedThisYear >= UNEXCUSED_REMOVAL) counts.unexcused3++;
    else if (absentee.unexcusedThisYear >= UNEXCUSED_WARNING) counts.unexcused2++;
    for (const { meetingId, status } of absentee.records) {
      const meeting = counted.get(meetingId);
      if (meeting) history.push({ memberId: absentee.memberId, meetingId, startsAt: meeting.startsAt, status });
    }
  }
  for (const standing of memberFlags(history, { year, timeZone })) {
    if (standing.flags.includes("excused_3_in_a_row")) counts.excused3InARow++;
  }
  return counts;
}

function attentionOf(cell: Omit<CellReport, "needsAttention" | "reasons">, quarterEnd: boolean): AttentionReason[] {
  const reasons = new Set<AttentionReason>();
  if (cell.status === "not_held") reasons.add("not_held");
  if (cell.membersUnexcused3 > 0) reasons.add("unexcused_3");
  if (cell.flags.includes("below_85")) reasons.add("below_85");
  if (cell.rating === "poor") reasons.add("rating_poor");
  if (cell.rating === "average") reasons.add("rating_average");
  if (quarterEnd && !cell.thematicThisQuarter) reasons.add("no_thematic");
  if (cell.status === "scheduled" && cell.overdue) reasons.add("scheduled_not_closed");
  return ATTENTION_REASONS.filter((reason) => reasons.has(reason));
}

function scoreOf(reasons: readonly AttentionReason[], membersUnexcused3: number): number {
  let score = 0;
  for (const reason of reasons) {
    const weight = ATTENTION_WEIGHTS[reason];
    score += reason === "unexcused_3" ? weight * Math.min(membersUnexcused3, UNEXCUSED_3_MEMBERS_CAP) : weight;
  }
  return score;
}

const nameCollator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });

function compareCells(a: { name: string; cellId: string }, b: { name: string; cellId: string }): number {
  return nameCollator.compare(a.name, b.name) || (a.cellId < b.cellId ? -1 : a.cellId > b.cellId ? 1 : 0);
}

/** Most in need first; ties: lower rate first (no rate last), then name. */
export function compareAttention(
  a: { needsAttention: number; rate: number | null; name: string; cellId: string },
  b: { needsAttention: number; rate: number | null; name: string; cellId: string },
): number {
  if (a.needsAttention !== b.needsAttention) return b.needsAttention - a.needsAttention;
  if (a.rate !== b.rate) {
    if (a.rate === null) return 1;
    if (b.rate === null) return -1;
    return a.rate - b.rate;
  }
  return compareCells(a, b);
}

interface CellWork {
  report: CellReport;
  /** Per trend month (oldest first): the held meeting's attendance, or null. */
  trend: (HeldAttendance | null)[];
}

interface CellContext {
  period: string;
  year: number;
  trendPeriods: readonly string[];
  quarterPeriods: ReadonlySet<string>;
  quarterEnd: boolean;
  timeZone: string;
  now: Date;
  localDate: (instant: Date) => string;
}

/** The local "YYYY-MM" of a meeting in the report's 12 months, or undefined for an older or later one. */
function windowMonth(meeting: ReportMeetingBase, context: CellContext): string | undefined {
  const month = context.localDate(meeting.startsAt).slice(0, 7);
  return month > context.period || month < (context.trendPeriods[0] ?? context.period) ? undefined : month;
}

function isCounted(cell: ReportCellInput | ReportCountedCell): cell is ReportCountedCell {
  return "activeMembers" in cell;
}

/**
 * Counts a cell given record by record, as src/jobs/report-data.ts counts it in the database: the last record of a
 * member at a meeting wins (one roll call per meeting), a member listed twice counts once (the first listing), records
 * of members not listed are ignored. Absentees: the members on the rolls with an absence at a counted meeting.
 */
function countCell(cell: ReportCellInput, context: CellContext): ReportCountedCell {
  const membership = new Map<string, ReportCellInput["members"][number]["membership"]>();
  for (const member of cell.members) if (!membership.has(member.id)) membership.set(member.id, member.membership);
  let activeMembers = 0;
  for (const state of membership.values()) if (state === "active") activeMembers++;

  const absentees = new Map<string, ReportAbsentee & { absent: boolean }>();
  const meetings = cell.meetings.map(({ records, ...meeting }): ReportCountedMeeting => {
    const latest = new Map<string, AttendanceStatus>();
    for (const record of records) latest.set(record.memberId, record.status);
    const rollCall: ReportRollCall = { marked: 0, excused: 0, unexcused: 0, exempt: 0 };
    const month = countsForMemberFlags(meeting) ? windowMonth(meeting, context) : undefined;
    for (const [memberId, status] of latest) {
      const state = membership.get(memberId);
      if (state === "active") {
        rollCall.marked++;
        if (status === "excused" || status === "unexcused" || status === "exempt") rollCall[status]++;
      }
      if (month === undefined || (state !== "active" && state !== "exempt")) continue;
      let absentee = absentees.get(memberId);
      if (!absentee) {
        absentee = { memberId, unexcusedThisYear: 0, records: [], absent: false };
        absentees.set(memberId, absentee);
      }
      absentee.records.push({ meetingId: meeting.id, status });
      if (status === "excused" || status === "unexcused") absentee.absent = true;
      if (status === "unexcused" && month.startsWith(`${context.year}-`)) absentee.unexcusedThisYear++;
    }
    return { ...meeting, rollCall };
  });
  return {
    id: cell.id,
    name: cell.name,
    activeMembers,
    meetings,
    absentees: [...absentees.values()]
      .filter((absentee) => absentee.absent)
      .map(({ memberId, unexcusedThisYear, records }) => ({ memberId, unexcusedThisYear, records })),
  };
}

function buildCell(input: ReportCellInput | ReportCountedCell, context: CellContext): CellWork {
  const { period, localDate } = context;
  const cell = isCounted(input) ? input : countCell(input, context);
  const months = new Map<string, MonthMeetings>();
  const inWindow: ReportCountedMeeting[] = [];
  let thematicThisQuarter = false;

  for (const meeting of [...cell.meetings].sort(byStart)) {
    const month = windowMonth(meeting, context);
    if (month === undefined) continue;
    inWindow.push(meeting);
    const bucket = months.get(month) ?? emptyMonth();
    months.set(month, bucket);
    const closed = meeting.status === "closed";
    if ((meeting.type === "thematic" || meeting.type === "combined") && closed && context.quarterPeriods.has(month)) {
      thematicThisQuarter = true;
    }
    if (!countsAsRegular(meeting.type)) continue;
    if (closed) bucket.closed.push(meeting);
    else if (meeting.status === "published") bucket.published.push(meeting);
    else if (meeting.status === "cancelled") bucket.cancelled = true;
  }

  const trend = context.trendPeriods.map((month) => {
    const held = months.get(month)?.closed[0];
    return held ? heldAttendance(held, cell.activeMembers) : null;
  });

  const bucket = months.get(period) ?? emptyMonth();
  const held = bucket.closed[0];
  const scheduled = bucket.published[0];
  const flags = memberFlagCounts(cell.absentees, inWindow, context.year, context.timeZone);
  const common = {
    cellId: cell.id,
    name: cell.name,
    otherRegularMeetings: Math.max(0, bucket.closed.length - 1),
    membersUnexcused3: flags.unexcused3,
    membersUnexcused2: flags.unexcused2,
    membersExcused3InARow: flags.excused3InARow,
    thematicThisQuarter,
  };
  const none = {
    present: null,
    expected: null,
    rate: null,
    excused: null,
    unexcused: null,
    rating: null,
    flags: [],
    minutes: null,
  };

  let base: Omit<CellReport, "needsAttention" | "reasons">;
  if (held) {
    const attendance = trend[trend.length - 1] ?? heldAttendance(held, cell.activeMembers);
    const minutes = actualMinutes(held);
    base = {
      ...common,
      status: "held",
      meetingId: held.id,
      code: held.code,
      type: held.type,
      date: localDate(held.startsAt),
      minutes,
      ...attendance,
      rating: held.rating,
      flags: meetingFlags({
        rate: attendance.rate,
        unexcused: attendance.unexcused,
        actualMinutes: minutes,
        minimumMinutes: defaultDurationMinutes(held.type),
      }),
      cancelled: false,
      overdue: false,
    };
  } else if (scheduled) {
    const plannedEnd = scheduled.startsAt.getTime() + Math.max(0, scheduled.durationMinutes) * MINUTE_MS;
    base = {
      ...common,
      ...none,
      status: "scheduled",
      meetingId: scheduled.id,
      code: scheduled.code,
      type: scheduled.type,
      date: localDate(scheduled.startsAt),
      cancelled: false,
      overdue: plannedEnd < context.now.getTime(),
    };
  } else {
    base = {
      ...common,
      ...none,
      status: "not_held",
      meetingId: null,
      code: null,
      type: null,
      date: null,
      cancelled: bucket.cancelled,
      overdue: false,
    };
  }

  const reasons = attentionOf(base, context.quarterEnd);
  return { report: { ...base, needsAttention: scoreOf(reasons, base.membersUnexcused3), reasons }, trend };
}

function ratio(present: number, expected: number): number | null {
  return expected === 0 ? null : present / expected;
}

/**
 * The committee's report for `input.period`. Throws RangeError for a malformed period
 * ("YYYY-MM") or an unknown time zone. Runs in time linear in the number of records.
 */
export function buildMonthlyReport(input: ReportInput): MonthlyReport {
  const month = readPeriod(input.period);
  if (!month) throw new RangeError(`buildMonthlyReport: expected a period "YYYY-MM", got "${input.period}"`);
  const localDate = localDates(input.timeZone);
  localDate(input.now); // validates the time zone early

  const trendPeriods = Array.from({ length: 12 }, (_, i) => formatPeriod(addMonths(month, i - 11)));
  const quarter = Math.floor((month.month - 1) / 3) + 1;
  const quarterFirstMonth = (quarter - 1) * 3 + 1;
  const quarterPeriods = new Set<string>();
  for (let m = quarterFirstMonth; m <= month.month; m++) quarterPeriods.add(formatPeriod({ year: month.year, month: m }));
  const quarterEnd = month.month % 3 === 0;

  const works = input.cells.map((cell) =>
    buildCell(cell, {
      period: input.period,
      year: month.year,
      trendPeriods,
      quarterPeriods,
      quarterEnd,
      timeZone: input.timeZone,
      now: input.now,
      localDate,
    }),
  );
  works.sort((a, b) => compareCells(a.report, b.report));
  const cells = works.map((work) => work.report);

  const totals: ReportTotals = {
    cells: cells.length,
    held: 0,
    scheduled: 0,
    notHeld: 0,
    present: 0,
    expected: 0,
    rate: null,
    excused: 0,
    unexcused: 0,
    below85: 0,
    membersUnexcused3: 0,
    membersUnexcused2: 0,
    membersExcused3InARow: 0,
    thematicThisQuarter: 0,
    needingAttention: 0,
  };
  for (const cell of cells) {
    if (cell.status === "held") totals.held++;
    else if (cell.status === "scheduled") totals.scheduled++;
    else totals.notHeld++;
    totals.present += cell.present ?? 0;
    totals.expected += cell.expected ?? 0;
    totals.excused += cell.excused ?? 0;
    totals.unexcused += cell.unexcused ?? 0;
    if (cell.flags.includes("below_85")) totals.below85++;
    totals.membersUnexcused3 += cell.membersUnexcused3;
    totals.membersUnexcused2 += cell.membersUnexcused2;
    totals.membersExcused3InARow += cell.membersExcused3InARow;
    if (cell.thematicThisQuarter) totals.thematicThisQuarter++;
    if (cell.needsAttention > 0) totals.needingAttention++;
  }
  totals.rate = ratio(totals.present, totals.expected);

  const attention: AttentionItem[] = cells
    .filter((cell) => cell.needsAttention > 0)
    .sort(compareAttention)
    .map((cell) => ({
      cellId: cell.cellId,
      name: cell.name,
      needsAttention: cell.needsAttention,
      reasons: cell.reasons,
      rate: cell.rate,
      membersUnexcused3: cell.membersUnexcused3,
    }));

  const trend: TrendMonth[] = trendPeriods.map((period, index) => {
    let present = 0;
    let expected = 0;
    let held = 0;
    const cellRates = works.map((work) => {
      const attendance = work.trend[index] ?? null;
      if (attendance) {
        present += attendance.present;
        expected += attendance.expected;
        held++;
      }
      return { cellId: work.report.cellId, rate: attendance?.rate ?? null };
    });
    return { period, rate: ratio(present, expected), present, expected, held, cells: cellRates };
  });

  return {
    committeeName: input.committeeName,
    period: input.period,
    timeZone: input.timeZone,
    generatedAt: input.now,
    quarter,
    quarterEnd,
    cells,
    totals,
    attention,
    trend,
  };
}
