/**
 * A meeting as an iCalendar file (RFC 5545) that members add to their phone's calendar.
 *
 * Decisions:
 *  - Times are written in UTC ("…Z"): every calendar shows them in the reader's own zone, and the
 *    file needs no VTIMEZONE block. The cell's zone is given as X-WR-TIMEZONE, a display hint.
 *  - No ORGANIZER: it must be an address (mailto:), which we do not have, and calendars would treat
 *    an event with a foreign organizer as an invitation with answer buttons that go nowhere. The
 *    organiser's name goes in CONTACT (plain text) instead. Answering stays in the chat.
 *  - One reminder (VALARM, display) one hour before the start.
 *  - Lines end with CRLF and are folded at 75 octets of UTF-8, between characters, never inside one.
 *  - Text is NFC, with control characters dropped and line breaks written as "\n".
 */

export interface MeetingIcsInput {
  /** Stable across updates of the same meeting, e.g. "<meeting id>@chibo". */
  uid: string;
  title: string;
  description: string;
  location: string;
  startUtc: Date;
  durationMinutes: number;
  /** The cell's IANA zone, e.g. "Asia/Ho_Chi_Minh". */
  timeZone: string;
  organizerName?: string | undefined;
  url?: string | undefined;
  now: Date;
  /** Bump when re-sending a changed meeting so calendars replace the old copy (default 0). */
  sequence?: number | undefined;
}

export const ICS_PRODID = "-//Chibo//Chi bo//VI";
const MAX_LINE_OCTETS = 75;
const CRLF = "\r\n";

/** Throws RangeError for an invalid date, duration, zone or URL. Empty description / location are left out. */
export function meetingIcs(input: MeetingIcsInput): string {
  const start = validDate(input.startUtc, "startUtc");
  const now = validDate(input.now, "now");
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes <= 0) {
    throw new RangeError(`durationMinutes must be a positive whole number, got ${input.durationMinutes}`);
  }
  assertTimeZone(input.timeZone);
  const sequence = input.sequence ?? 0;
  if (!Number.isInteger(sequence) || sequence < 0) throw new RangeError(`sequence must be a whole number ≥ 0, got ${sequence}`);
  const uid = escapeText(input.uid);
  if (uid === "") throw new RangeError("uid must not be empty");
  const end = new Date(start.getTime() + input.durationMinutes * 60_000);
  const title = escapeText(input.title);
  const description = escapeText(input.description);
  const location = escapeText(input.location);
  const organizer = input.organizerName === undefined ? "" : escapeText(input.organizerName);

  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${ICS_PRODID}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-TIMEZONE:${escapeText(input.timeZone)}`,
    "BEGIN:VEVENT",
    `UID:${uid}`,
    `DTSTAMP:${formatUtc(now)}`,
    `DTSTART:${formatUtc(start)}`,
    `DTEND:${formatUtc(end)}`,
    `SEQUENCE:${sequence}`,
    `SUMMARY:${title}`,
    ...(description ? [`DESCRIPTION:${description}`] : []),
    ...(location ? [`LOCATION:${location}`] : []),
    ...(organizer ? [`CONTACT:${organizer}`] : []),
    ...(input.url ? [`URL:${validUrl(input.url)}`] : []),
    "STATUS:CONFIRMED",
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "TRIGGER:-PT1H",
    `DESCRIPTION:${title || "Reminder"}`,
    "END:VALARM",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** "20261205T123000Z" (seconds kept, milliseconds dropped). */
export function formatUtc(instant: Date): string {
  return validDate(instant, "date")
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A TEXT value: NFC, control characters dropped, then \ ; , and line breaks escaped (RFC 5545 §3.3.11). */
export function escapeText(text: string): string {
  return text
    .replace(LONE_SURROGATES, "")
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL, "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\n/g, "\\n");
}

/**
 * Folds one content line (RFC 5545 §3.1): no physical line longer than 75 octets of UTF-8, the
 * continuation lines starting with one space (which counts in their 75). Breaks fall between
 * characters, never inside a multi-byte one. Unfolding (removing each CRLF + space) gives the line back.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = utf8Length(char);
    if (octets + size > limit && current !== "") {
      parts.push(current);
      current = "";
      octets = 0;
      limit = MAX_LINE_OCTETS - 1; // the leading space
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

function utf8Length(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code < 0x10000) return 3; // includes a lone surrogate, written as U+FFFD
  return 4;
}

function validDate(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} must be a valid Date`);
  return value;
}

function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat("en-US", { timeZone }); // throws RangeError for an unknown zone
}

function validUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    throw new RangeError(`url is not a valid URL: "${url}"`);
  }
}
