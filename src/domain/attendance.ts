/**
 * Attendance at a meeting (điểm danh) and the flags the cell and the committee must see.
 * Pure: no I/O, no chat library. Flags are recomputed from the history every time, never stored.
 *
 * Rules (DOMAIN.md, "Attendance"):
 *  - rate = present ÷ (all members − exempt − temporarily transferred out); late and left-early
 *    count as present; exempt members who came anyway are counted apart, never in the rate;
 *  - a meeting is of good quality only if the rate is strictly above 85% and nobody is absent
 *    without reason;
 *  - a member absent without reason 2 times in a calendar year is warned about, 3 times (not
 *    necessarily in a row) means the cell must consider removing them from the rolls (xóa tên);
 *  - a member absent with reason 3 meetings in a row is flagged.
 */

import type { MembershipState } from "./roster.js";
import { utcToLocal } from "./dates.js";

// ─── Statuses ────────────────────────────────────────────────────────────────────────────────────

/**
 * present = có mặt; late = đi muộn; left_early = về sớm; excused = vắng có lý do;
 * unexcused = vắng không lý do; exempt = miễn (miễn công tác và sinh hoạt đảng).
 */
export const ATTENDANCE_STATUSES = ["present", "late", "left_early", "excused", "unexcused", "exempt"] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export function isAttendanceStatus(value: string): value is AttendanceStatus {
  return (ATTENDANCE_STATUSES as readonly string[]).includes(value);
}

/** Present, late and left early all count as present for the rate. */
export function countsAsPresent(status: AttendanceStatus): boolean {
  return status === "present" || status === "late" || status === "left_early";
}

// ─── Attendance rate ─────────────────────────────────────────────────────────────────────────────

export interface AttendanceMember {
  id: string;
  /** The member's state at the meeting. Removed members ("removed") are not counted at all. */
  membership: MembershipState;
}

export interface AttendanceRecord {
  memberId: string;
  status: AttendanceStatus;
  /** The reason given for an absence, if any. */
  reason?: string | null;
}

export interface AttendanceSummary {
  /** Members on the rolls: active + exempt + transferred out (removed members are left out). */
  total: number;
  /** Exempt members: exempt by membership, or marked "exempt" at this meeting. */
  exempt: number;
  transferredOut: number;
  /** total − exempt − transferredOut: the members the rate counts. */
  expected: number;
  /** Expected members present, late or left early. */
  present: number;
  /** Of `present`, those who came late. */
  late: number;
  /** Of `present`, those who left early. */
  leftEarly: number;
  /** Exempt members who came anyway: reported apart, never in `present` or the rate. */
  exemptPresent: number;
  excused: number;
  unexcused: number;
  /** Expected members with no record yet. present + excused + unexcused + unmarked = expected. */
  unmarked: number;
  /** present ÷ expected, from 0 to 1; null when nobody is expected. */
  rate: number | null;
}

/**
 * Counts a meeting's attendance. When a member has several records, the last one in `records`
 * wins; records of members not in `members` (strangers, removed or transferred-out members) are
 * ignored; a member listed twice counts once.
 *
 * An active member marked "exempt" at this meeting counts as exempt (the cell's exemption may
 * date from after the roster snapshot), so `expected` stays total − exempt − transferredOut.
 */
export function attendanceRate(input: {
  members: readonly AttendanceMember[];
  records: readonly AttendanceRecord[];
}): AttendanceSummary {
  const latest = new Map<string, AttendanceStatus>();
  for (const record of input.records) latest.set(record.memberId, record.status);

  const seen = new Set<string>();
  const summary: AttendanceSummary = {
    total: 0,
    exempt: 0,
    transferredOut: 0,
    expected: 0,
    present: 0,
    late: 0,
    leftEarly: 0,
    exemptPresent: 0,
    excused: 0,
    unexcused: 0,
    unmarked: 0,
    rate: null,
  };

  for (const member of input.members) {
    if (seen.has(member.id)) continue;
    seen.add(member.id);
    if (member.membership === "removed") continue;
    summary.total++;
    if (member.membership === "transferred_out") {
      summary.transferredOut++;
      continue;
    }
    const status = latest.get(member.id);
    if (member.membership === "exempt" || status === "exempt") {
      summary.exempt++;
      if (status !== undefined && countsAsPresent(status)) summary.exemptPresent++;
      continue;
    }
    summary.expected++;
    if (status === undefined) summary.unmarked++;
    else if (status === "excused") summary.excused++;
    else if (status === "unexcused") summary.unexcused++;
    else {
      summary.present++;
      if (status === "late") summary.late++;
      if (status === "left_early") summary.leftEarly++;
    }
  }

  summary.rate = summary.expected === 0 ? null : summary.present / summary.expected;
  return summary;
}

// ─── Meeting flags ───────────────────────────────────────────────────────────────────────────────

/** The rate a good meeting must be strictly above. */
export const GOOD_ATTENDANCE_RATE = 0.85;

/**
 * Rates are ratios of whole numbers; two different ones with denominators below 50,000 differ by
 * far more than this, so a rate within it of 85% is exactly 85% (17/20 computed any way).
 */
const RATE_EPSILON = 1e-9;

export const MEETING_FLAGS = ["below_85", "unexcused_absence", "too_short"] as const;
export type MeetingFlag = (typeof MEETING_FLAGS)[number];

export interface MeetingFlagInput {
  /** From attendanceRate; null (nobody expected) raises no rate flag. */
  rate: number | null;
  /** Expected members absent without reason. */
  unexcused: number;
  /** How long the meeting really lasted; null when unknown (not closed yet) raises no length flag. */
  actualMinutes: number | null;
  /** 90, or 120 for a combined meeting (meetings.defaultDurationMinutes), or the cell's own. */
  minimumMinutes: number;
}

/**
 * What keeps a meeting from good quality, in the order of MEETING_FLAGS:
 *  - below_85: the rate is not above 85% (exactly 85.0% is flagged);
 *  - unexcused_absence: somebody expected was absent without reason;
 *  - too_short: it lasted less than the minimum (exactly the minimum is fine).
 */
export function meetingFlags(input: MeetingFlagInput): MeetingFlag[] {
  const flags: MeetingFlag[] = [];
  if (input.rate !== null && input.rate <= GOOD_ATTENDANCE_RATE + RATE_EPSILON) flags.push("below_85");
  if (input.unexcused > 0) flags.push("unexcused_absence");
  if (input.actualMinutes !== null && input.actualMinutes < input.minimumMinutes) flags.push("too_short");
  return flags;
}

// ─── Member flags ────────────────────────────────────────────────────────────────────────────────

export const MEMBER_FLAGS = ["unexcused_2", "unexcused_3", "excused_3_in_a_row"] as const;
export type MemberFlag = (typeof MEMBER_FLAGS)[number];

export const UNEXCUSED_WARNING = 2;
export const UNEXCUSED_REMOVAL = 3;
export const EXCUSED_IN_A_ROW = 3;

export interface AttendanceHistoryEntry {
  memberId: string;
  meetingId: string;
  startsAt: Date;
  status: AttendanceStatus;
}

export interface MemberStanding {
  memberId: string;
  /** Absences without reason at meetings held in the year (local date in the cell's zone). */
  unexcusedThisYear: number;
  /** The member's current run of excused absences, ending at their latest meeting up to the year's end. */
  excusedInARow: number;
  /** In the order of MEMBER_FLAGS; unexcused_2 and unexcused_3 never both. */
  flags: MemberFlag[];
}

/**
 * Each member's standing for `year`, one entry per member in the history, sorted by memberId.
 * Pass the meetings that count (the cell's meetings, not committee pre-meetings), one entry per
 * meeting the member was marked at; a meeting missing from a member's history is skipped.
 *
 *  - The year of a meeting is its local date in `timeZone`: 01/01 06:00 in Hà Nội (31/12 23:00
 *    UTC) belongs to the new year.
 *  - unexcused_2: exactly 2 unexcused absences in the year (warn); unexcused_3: 3 or more (the
 *    cell must consider xóa tên).
 *  - excused_3_in_a_row: the CURRENT streak: the member's meetings in time order, up to the end of
 *    `year`, end with 3 or more excused absences in a row (any year: a streak may span New Year).
 *    An older streak that has since been broken by attending (or an unexcused absence) is not
 *    flagged. Meetings at which the member was exempt neither break nor extend a streak.
 *  - Meetings after `year` are ignored, so a report for a past year reads the same later.
 *  - The result does not depend on the order of `history`. The same member and meeting listed
 *    twice with the same time and status counts once; with different ones it is a RangeError
 *    (one meeting has one roll call). An invalid time zone is a RangeError.
 */
export function memberFlags(
  history: readonly AttendanceHistoryEntry[],
  options: { year: number; timeZone: string },
): MemberStanding[] {
  const byMember = new Map<string, Map<string, AttendanceHistoryEntry>>();
  for (const entry of history) {
    const meetings = byMember.get(entry.memberId) ?? new Map<string, AttendanceHistoryEntry>();
    const previous = meetings.get(entry.meetingId);
    if (previous && (previous.status !== entry.status || previous.startsAt.getTime() !== entry.startsAt.getTime())) {
      throw new RangeError(`memberFlags: member ${entry.memberId} has two different records for meeting ${entry.meetingId}`);
    }
    meetings.set(entry.meetingId, entry);
    byMember.set(entry.memberId, meetings);
  }

  const yearCache = new Map<number, number>();
  const localYear = (instant: Date): number => {
    const ms = instant.getTime();
    let year = yearCache.get(ms);
    if (year === undefined) {
      year = Number(utcToLocal(instant, options.timeZone).date.slice(0, 4));
      yearCache.set(ms, year);
    }
    return year;
  };

  const standings: MemberStanding[] = [];
  for (const [memberId, meetings] of byMember) {
    const entries = [...meetings.values()]
      .filter((entry) => localYear(entry.startsAt) <= options.year)
      .sort(
        (a, b) =>
          a.startsAt.getTime() - b.startsAt.getTime() || (a.meetingId < b.meetingId ? -1 : a.meetingId > b.meetingId ? 1 : 0),
      );

    const unexcusedThisYear = entries.filter(
      (entry) => entry.status === "unexcused" && localYear(entry.startsAt) === options.year,
    ).length;

    let excusedInARow = 0;
    for (let i = entries.length - 1; i >= 0; i--) {
      const status = entries[i]?.status;
      if (status === "exempt") continue;
      if (status !== "excused") break;
      excusedInARow++;
    }

    const flags: MemberFlag[] = [];
    if (unexcusedThisYear >= UNEXCUSED_REMOVAL) flags.push("unexcused_3");
    else if (unexcusedThisYear >= UNEXCUSED_WARNING) flags.push("unexcused_2");
    if (excusedInARow >= EXCUSED_IN_A_ROW) flags.push("excused_3_in_a_row");

    standings.push({ memberId, unexcusedThisYear, excusedInARow, flags });
  }

  return standings.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

// ─── Absentees ───────────────────────────────────────────────────────────────────────────────────

export interface ExcusedAbsentee {
  memberId: string;
  name: string;
  /** Trimmed; null when none was given. */
  reason: string | null;
}

export interface UnexcusedAbsentee {
  memberId: string;
  name: string;
}

export interface Absentees {
  excused: ExcusedAbsentee[];
  unexcused: UnexcusedAbsentee[];
}

/**
 * Absentees by name for the minutes and the committee report, each list in Vietnamese
 * alphabetical order (localeCompare with "vi"; equal names by memberId). The last record of a
 * member wins. Records of members without a name in `names` are left out (removed members,
 * strangers): pass the names of everybody who was expected.
 */
export function absentees(records: readonly AttendanceRecord[], names: ReadonlyMap<string, string>): Absentees {
  const latest = new Map<string, AttendanceRecord>();
  for (const record of records) latest.set(record.memberId, record);

  const excused: ExcusedAbsentee[] = [];
  const unexcused: UnexcusedAbsentee[] = [];
  for (const [memberId, record] of latest) {
    const name = names.get(memberId);
    if (name === undefined) continue;
    if (record.status === "excused") excused.push({ memberId, name, reason: record.reason?.trim() || null });
    else if (record.status === "unexcused") unexcused.push({ memberId, name });
  }

  const byName = (a: { name: string; memberId: string }, b: { name: string; memberId: string }): number =>
    a.name.localeCompare(b.name, "vi") || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
  return { excused: excused.sort(byName), unexcused: unexcused.sort(byName) };
}
