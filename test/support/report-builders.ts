// Builders for the monthly-report tests: a ward's members, meetings and attendance marks, in Hanoi time.
import type { AttendanceStatus } from "../../src/domain/attendance.js";
import { localToUtc } from "../../src/domain/dates.js";
import type { ReportCellInput, ReportInput, ReportMeetingInput } from "../../src/domain/monthly-report.js";

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

/** The ward's November 2026 report, read on 2 December, over the cells given. */
export function wardReport(cells: ReportCellInput[]): ReportInput {
  return { committeeName: "Đảng bộ phường Đông Kinh", period: "2026-11", timeZone: HANOI, now: at("2026-12-02T10:00"), cells };
}

/** khối 1: 135 members, 54 exempt; a thematic meeting in October; in November 70 of 81 present, 6 excused, 5 unexcused. */
export function block1Cell(): ReportCellInput {
  return {
    id: "c1",
    name: "Chi bộ khối 1",
    members: roster("k", 81, 54),
    meetings: [
      meeting("k-oct", "2026-10-20T19:30", { type: "thematic" }),
      meeting("k-nov", "2026-11-05T19:30", {
        records: [...marks("k", 0, 70, "present"), ...marks("k", 70, 6, "excused"), ...marks("k", 76, 5, "unexcused")],
      }),
    ],
  };
}

/**
 * Công an phường: 14 members; in November 11 present, 3 unexcused, 80 minutes, rated average; a0 was also absent
 * without reason in March and July (3 this year), a1 in July (2).
 */
export function policeCell(): ReportCellInput {
  return {
    id: "c4",
    name: "Chi bộ Công an phường",
    members: roster("a", 14),
    meetings: [
      meeting("a-mar", "2026-03-10T08:00", { records: [...marks("a", 0, 1, "unexcused"), ...marks("a", 1, 13, "present")] }),
      meeting("a-jul", "2026-07-10T08:00", { records: [...marks("a", 0, 2, "unexcused"), ...marks("a", 2, 12, "present")] }),
      meeting("a-nov", "2026-11-10T08:00", {
        minutes: 80,
        rating: "average",
        records: [...marks("a", 0, 3, "unexcused"), ...marks("a", 3, 11, "present")],
      }),
    ],
  };
}
