// Builders for the monthly-report tests: a ward's members, meetings and attendance marks, in Hanoi time.
import type { AttendanceStatus } from "../../src/domain/attendance.js";
import { localToUtc } from "../../src/domain/dates.js";
import type { ReportCellInput, ReportMeetingInput } from "../../src/domain/monthly-report.js";

export const HANOI = "Asia/Ho_Chi_Minh";
export const at = (local: string): Date => localToUtc(local, HANOI);

/** `active` members p0…, then `exempt` members px0…. */
export function roster(prefix: string, active: number, exempt = 0): ReportCellInput["members"] {
  return [
    ...Array.from({ length: active }, (_, i) => ({ id: `${prefix}${i}`, membership: "active" as const })),
    ...Array.from({ length: exempt }, (_, i) => ({ id: `${prefix}x${i}`, membership: "exempt" as const })),
  ];
}

/** The same mark for `count` members from p{from}. */
export function marks(prefix: string, from: number, count: number, status: AttendanceStatus): ReportMeetingInput["records"] {
  return Array.from({ length: count }, (_, i) => ({ memberId: `${prefix}${from + i}`, status }));
}

/** A meeting at a Hanoi local time; closed ones last `minutes` (95) and are rated fair unless told. */
export function meeting(
  id: string,
  local: string,
  options: Partial<Pick<ReportMeetingInput, "type" | "status" | "rating" | "records">> & { minutes?: number } = {},
): ReportMeetingInput {
  const startsAt = at(local);
  const closed = (options.status ?? "closed") === "closed";
  return {
    id,
    code: "K7A",
    type: options.type ?? "regular",
    status: options.status ?? "closed",
    startsAt,
    durationMinutes: 90,
    actualStart: closed ? startsAt : null,
    actualEnd: closed ? new Date(startsAt.getTime() + (options.minutes ?? 95) * 60_000) : null,
    rating: closed ? (options.rating ?? "fair") : null,
    records: options.records ?? [],
  };
}
