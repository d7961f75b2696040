/**
 * Meeting vocabulary and the checks the bot runs when a secretary schedules a meeting.
 * Pure: no I/O, no chat library. Times are local wall-clock strings in the cell's time zone
 * ("YYYY-MM-DDTHH:mm"); the caller converts to and from instants with dates.ts.
 *
 * Local arithmetic (end = start + duration, deadline = start − 2 h) is done on the wall clock,
 * through dates.ts with the "UTC" zone, which has no DST: a 90-minute meeting at 19:30 ends at
 * 21:00 on the clock, which is what members read. Vietnam has no DST, so this is also exact there.
 */

import { localToUtc, utcToLocal } from "./dates.js";

// ─── Types ───────────────────────────────────────────────────────────────────────────────────────

/**
 * regular = sinh hoạt thường kỳ; thematic = chuyên đề; combined = thường kỳ kết hợp chuyên đề;
 * extraordinary = bất thường; committee = họp chi ủy; model = sinh hoạt mẫu.
 */
export const MEETING_TYPES = ["regular", "thematic", "combined", "extraordinary", "committee", "model"] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export function isMeetingType(value: string): value is MeetingType {
  return (MEETING_TYPES as readonly string[]).includes(value);
}

/** As stored in Meeting.status. */
export const MEETING_STATUSES = ["draft", "published", "cancelled", "closed"] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export function isMeetingStatus(value: string): value is MeetingStatus {
  return (MEETING_STATUSES as readonly string[]).includes(value);
}

/** The month's regular meeting: a combined meeting is the regular meeting with a thematic part. */
export function countsAsRegular(type: MeetingType): boolean {
  return type === "regular" || type === "combined" || type === "model";
}

// ─── Durations and periods ───────────────────────────────────────────────────────────────────────

/**
 * The minimum length from the rules (HD 12 / HD 42): 90 minutes, 120 when the regular and the
 * thematic meetings are combined. Used as the default; a cell may configure shorter ones.
 */
export function defaultDurationMinutes(type: MeetingType): number {
  return type === "combined" ? 120 : 90;
}

/** "2026-12-05" (or "2026-12-05T19:30") → "2026-12"; the month a regular meeting counts for. Throws RangeError if malformed. */
export function meetingPeriod(localDate: string): string {
  const date = localDate.slice(0, 10);
  const rest = localDate.slice(10);
  if (rest !== "" && !/^T\d{2}:\d{2}$/.test(rest)) throw new RangeError(`Expected "YYYY-MM-DD", got "${localDate}"`);
  // Validates the calendar date (no 2026-02-30) through dates.ts.
  toWallClock(`${date}T00:00`);
  return date.slice(0, 7);
}

/** The wall-clock end of a meeting: "2026-12-05T19:30" + 90 → "2026-12-05T21:00". */
export function meetingEndLocal(startsAtLocal: string, durationMinutes: number): string {
  assertDuration(durationMinutes);
  return addMinutesLocal(startsAtLocal, durationMinutes);
}

/** How long before the start members are asked to have answered. */
export const RSVP_DEADLINE_MINUTES_BEFORE = 120;

/**
 * Default RSVP deadline: 2 hours before the start, on the wall clock ("2026-12-05T19:30" →
 * "2026-12-05T17:30"). Two hours leaves the secretary time to chase those who have not answered
 * and to report the expected attendance, while evening meetings still get the whole working day.
 */
export function rsvpDeadlineDefault(startsAtLocal: string): string {
  return addMinutesLocal(startsAtLocal, -RSVP_DEADLINE_MINUTES_BEFORE);
}

// ─── Meeting codes ───────────────────────────────────────────────────────────────────────────────

/** No 0/O, 1/I/L: codes are read aloud and typed by elderly members (same alphabet as codes.ts). */
export const MEETING_CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ";
export const MEETING_CODE_DIGITS = "23456789";
const CODE_ALPHABET = MEETING_CODE_LETTERS + MEETING_CODE_DIGITS;

/** Random draws at each length before moving on. */
const RANDOM_TRIES_PER_LENGTH = 12;

/**
 * A valid meeting code: 3 or 4 characters from the alphabet with at least one letter and one digit
 * ("K7A", "4MR", "P3X9"). Mixing both means a code is never a word or a number that members type
 * in ordinary replies ("CO", "2").
 */
export function isMeetingCode(text: string): boolean {
  if (!/^[A-Z2-9]{3,4}$/.test(text)) return false;
  return [...text].every((c) => CODE_ALPHABET.includes(c)) && /[A-Z]/.test(text) && /\d/.test(text);
}

/**
 * A fresh meeting code such as "K7A". `existing(code)` says whether a code is taken (the caller
 * checks its store; codes are unique across all cells); `random` returns numbers in [0, 1).
 *
 * Collision handling:
 *  1. up to 12 random 3-character codes (17,112 possible);
 *  2. if all were taken, up to 12 random 4-character codes (639,584 possible);
 *  3. if those were taken too (the store is nearly full), every 4-character code in turn from a
 *     random starting point, so a free code is found whenever one exists;
 *  4. if none is free, throws an Error (a capacity problem, not a user mistake).
 * Draws that are not valid codes (no letter or no digit) are skipped without counting as a try.
 */
export function meetingCode(existing: (code: string) => boolean, random: () => number = Math.random): string {
  for (const length of [3, 4]) {
    let tries = 0;
    let draws = 0;
    while (tries < RANDOM_TRIES_PER_LENGTH && draws < RANDOM_TRIES_PER_LENGTH * 20) {
      draws++;
      const code = codeAt(randomIndex(random, CODE_ALPHABET.length ** length), length);
      if (!isMeetingCode(code)) continue;
      tries++;
      if (!existing(code)) return code;
    }
  }
  const space = CODE_ALPHABET.length ** 4;
  const start = randomIndex(random, space);
  for (let step = 0; step < space; step++) {
    const code = codeAt((start + step) % space, 4);
    if (isMeetingCode(code) && !existing(code)) return code;
  }
  throw new Error("meetingCode: every meeting code is taken");
}

function randomIndex(random: () => number, size: number): number {
  const value = random();
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.min(size - 1, Math.floor(value * size));
}

/** The index-th code of the given length, in base 31 over the alphabet. */
function codeAt(index: number, length: number): string {
  let code = "";
  let rest = index;
  for (let position = 0; position < length; position++) {
    code = CODE_ALPHABET.charAt(rest % CODE_ALPHABET.length) + code;
    rest = Math.floor(rest / CODE_ALPHABET.length);
  }
  return code;
}

// ─── Scheduling checks ───────────────────────────────────────────────────────────────────────────

/**
 * Warnings shown to the secretary before publishing; none of them blocks scheduling.
 *  - in_the_past: the start is not after now.
 *  - outside_hours: starts before 06:00 or ends after 22:00 (ending at 22:00 sharp is fine; ending
 *    on the next day is after 22:00).
 *  - second_regular_in_month: this is the month's regular meeting (regular, combined or model)
 *    and the cell already has one, not cancelled, in the same calendar month.
 *  - clash: it overlaps another non-cancelled meeting of the cell (meetings that only touch,
 *    one ending at 19:30 and the next starting at 19:30, do not clash).
 */
export const MEETING_TIME_WARNINGS = ["in_the_past", "outside_hours", "second_regular_in_month", "clash"] as const;
export type MeetingTimeWarning = (typeof MEETING_TIME_WARNINGS)[number];

export interface OtherMeeting {
  startsAtLocal: string;
  durationMinutes: number;
  type: MeetingType;
  status: MeetingStatus;
}

export interface MeetingTimeCheck {
  startsAtLocal: string /* "YYYY-MM-DDTHH:mm" in the cell's zone */;
  durationMinutes: number;
  type: MeetingType;
  nowLocal: string /* "YYYY-MM-DDTHH:mm" in the cell's zone */;
  /** The cell's other meetings; leave out the meeting being edited. */
  others: readonly OtherMeeting[];
}

const EARLIEST_START = "06:00";
const LATEST_END = "22:00";

/**
 * The warnings for a proposed meeting time, in the order of MEETING_TIME_WARNINGS, each at most once.
 * Throws RangeError for a malformed time or a duration that is not a positive whole number of minutes.
 */
export function checkMeetingTime(input: MeetingTimeCheck): MeetingTimeWarning[] {
  const start = toWallClock(input.startsAtLocal);
  const now = toWallClock(input.nowLocal);
  assertDuration(input.durationMinutes);
  const end = start + input.durationMinutes * MINUTE_MS;
  const warnings: MeetingTimeWarning[] = [];

  if (start <= now) warnings.push("in_the_past");

  const startDate = input.startsAtLocal.slice(0, 10);
  const earliest = toWallClock(`${startDate}T${EARLIEST_START}`);
  const latest = toWallClock(`${startDate}T${LATEST_END}`);
  if (start < earliest || end > latest) warnings.push("outside_hours");

  const active = input.others.filter((other) => other.status !== "cancelled");
  if (countsAsRegular(input.type)) {
    const period = meetingPeriod(input.startsAtLocal);
    const sameMonth = active.some((other) => countsAsRegular(other.type) && meetingPeriod(other.startsAtLocal) === period);
    if (sameMonth) warnings.push("second_regular_in_month");
  }

  const clashes = active.some((other) => {
    assertDuration(other.durationMinutes);
    const otherStart = toWallClock(other.startsAtLocal);
    const otherEnd = otherStart + other.durationMinutes * MINUTE_MS;
    return start < otherEnd && otherStart < end;
  });
  if (clashes) warnings.push("clash");

  return warnings;
}

// ─── Wall-clock helpers (through dates.ts) ───────────────────────────────────────────────────────

const MINUTE_MS = 60_000;

/** Milliseconds of a local "YYYY-MM-DDTHH:mm" read on a DST-free clock; throws RangeError if malformed. */
function toWallClock(local: string): number {
  return localToUtc(local, "UTC").getTime();
}

function addMinutesLocal(local: string, minutes: number): string {
  const moved = utcToLocal(new Date(toWallClock(local) + minutes * MINUTE_MS), "UTC");
  return `${moved.date}T${moved.time}`;
}

function assertDuration(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes <= 0) {
    throw new RangeError(`A meeting lasts a positive whole number of minutes, got ${minutes}`);
  }
}
