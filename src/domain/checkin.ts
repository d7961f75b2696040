/**
 * Self check-in at the meeting: the chair reads a 4-digit code aloud, members type it to the bot,
 * and the time of their message says whether they came on time or late. Pure: no I/O, no chat
 * library.
 *
 * Decisions:
 *  - The code is 4 digits, 0001–9999 ("0000" never): digits are the easiest to read aloud and to
 *    type on any phone keypad, and it only has to hold for one meeting in one room.
 *  - Check-in opens 30 minutes before the start (configurable) and closes at the meeting's end.
 *    Up to 15 minutes after the start is on time, later is late (đi muộn).
 *  - Boundaries: at opensAt exactly → on_time; at lateAfter exactly → on_time; at closesAt
 *    exactly → late (still open); after closesAt → closed.
 */

import { randomInt } from "node:crypto";

// ─── Code ────────────────────────────────────────────────────────────────────────────────────────

export const CHECKIN_CODE_LENGTH = 4;
const CODE_COUNT = 10 ** CHECKIN_CODE_LENGTH;

/**
 * A fresh code such as "4071", never "0000". `random` returns numbers in [0, 1) (for tests); by
 * default the code comes from the cryptographic generator, so it cannot be guessed from earlier ones.
 */
export function checkinCode(random?: () => number): string {
  let value: number;
  if (random) {
    const draw = random();
    const fraction = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1 - Number.EPSILON) : 0;
    value = 1 + Math.floor(fraction * (CODE_COUNT - 1));
  } else {
    value = randomInt(1, CODE_COUNT);
  }
  return String(value).padStart(CHECKIN_CODE_LENGTH, "0");
}

/**
 * The code in a member's message, or null when the message is not a code: full-width digits
 * ("４０７１") are read as digits; spaces, dots and dashes between them are ignored ("40 71",
 * "40-71"). Nothing else may be in the message.
 */
export function readCheckinCode(input: string): string | null {
  const digits = input.normalize("NFKC").replace(/[\s.\-–—_]+/gu, "");
  return /^\d{4}$/.test(digits) ? digits : null;
}

/**
 * Whether the member typed the meeting's code. Compares every digit whatever the first mismatch,
 * so the answer takes the same time for any wrong code of the right length.
 */
export function matchCheckinCode(input: string, code: string): boolean {
  const typed = readCheckinCode(input);
  if (typed === null || typed.length !== code.length) return false;
  let difference = 0;
  for (let i = 0; i < code.length; i++) difference |= typed.charCodeAt(i) ^ code.charCodeAt(i);
  return difference === 0;
}

// ─── Window ──────────────────────────────────────────────────────────────────────────────────────

export const CHECKIN_OPENS_MINUTES_BEFORE = 30;
export const LATE_AFTER_MINUTES = 15;
const MINUTE_MS = 60_000;

export interface CheckinWindow {
  opensAt: Date;
  /** The end of the meeting. */
  closesAt: Date;
  /** startsAt + 15 minutes (or the end, for a meeting shorter than that). */
  lateAfter: Date;
}

export const CHECKIN_STATUSES = ["early", "on_time", "late", "closed"] as const;
export type CheckinStatus = (typeof CHECKIN_STATUSES)[number];

/**
 * When check-in is open for a meeting. Throws RangeError for an invalid start, a duration that is
 * not a positive whole number of minutes, or a negative or fractional opening lead.
 */
export function checkinWindow(
  startsAt: Date,
  durationMinutes: number,
  opensMinutesBefore: number = CHECKIN_OPENS_MINUTES_BEFORE,
): CheckinWindow {
  const start = startsAt.getTime();
  if (!Number.isFinite(start)) throw new RangeError("checkinWindow: invalid start");
  if (!Number.isInteger(durationMinutes) || durationMinutes <= 0) {
    throw new RangeError(`A meeting lasts a positive whole number of minutes, got ${durationMinutes}`);
  }
  if (!Number.isInteger(opensMinutesBefore) || opensMinutesBefore < 0) {
    throw new RangeError(`Check-in opens a whole number of minutes (0 or more) before the start, got ${opensMinutesBefore}`);
  }
  const end = start + durationMinutes * MINUTE_MS;
  return {
    opensAt: new Date(start - opensMinutesBefore * MINUTE_MS),
    closesAt: new Date(end),
    lateAfter: new Date(Math.min(start + LATE_AFTER_MINUTES * MINUTE_MS, end)),
  };
}

/** Where `at` falls in the window (boundaries in the header). */
export function checkinStatus(input: { at: Date; window: CheckinWindow }): CheckinStatus {
  const at = input.at.getTime();
  if (at < input.window.opensAt.getTime()) return "early";
  if (at <= input.window.lateAfter.getTime()) return "on_time";
  if (at <= input.window.closesAt.getTime()) return "late";
  return "closed";
}
