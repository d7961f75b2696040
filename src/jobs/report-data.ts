import type { Db } from "../db/client.js";
import type { AttendanceStatus } from "../domain/attendance.js";
import type { ReportInput, ReportMeetingStatus } from "../domain/monthly-report.js";
import type { MeetingType } from "../domain/meetings.js";
import type { Rating } from "../domain/rating.js";

type Membership = "active" | "exempt" | "transferred_out";

/**
 * Loads what the monthly report needs for some cells: members, and the meetings of the twelve months up to the
 * period's end with their attendance records. Three queries whatever the number of cells.
 */
export async function loadReportInput(
  db: Db,
  scope: { committeeId?: string; cellIds?: string[] },
  period: string,
  timeZone: string,
  now: Date,
): Promise<ReportInput> {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const periodEnd = new Date(Date.UTC(year, month, 1) + 24 * 3600_000); // a day's margin for time zones
  const from = new Date(Date.UTC(year - 1, month, 1) - 24 * 3600_000);
  const cells = await db.cell.findMany({
    where: scope.committeeId ? { committeeId: scope.committeeId } : { id: { in: scope.cellIds ?? [] } },
    orderBy: { name: "asc" },
    include: { committee: true },
  });
  const cellIds = cells.map((cell) => cell.id);
  const [members, meetings] = await Promise.all([
    db.member.findMany({
      where: { cellId: { in: cellIds }, membership: { in: ["active", "exempt", "transferred_out"] } },
      select: { id: true, cellId: true, membership: true },
    }),
    db.meeting.findMany({
      where: { cellId: { in: cellIds }, startsAt: { gte: from, lt: periodEnd } },
      include: { attendances: { select: { memberId: true, status: true } } },
    }),
  ]);
  const membersOf = groupBy(members, (m) => m.cellId);
  const meetingsOf = groupBy(meetings, (m) => m.cellId);
  return {
    committeeName: cells[0]?.committee?.name ?? null,
    period,
    timeZone,
    now,
    cells: cells.map((cell) => ({
      id: cell.id,
      name: cell.name,
      members: (membersOf.get(cell.id) ?? []).map((m) => ({ id: m.id, membership: m.membership as Membership })),
      meetings: (meetingsOf.get(cell.id) ?? []).map((m) => ({
        id: m.id,
        code: m.code,
        type: m.type as MeetingType,
        status: m.status as ReportMeetingStatus,
        startsAt: m.startsAt,
        durationMinutes: m.durationMinutes,
        actualStart: m.actualStart,
        actualEnd: m.actualEnd,
        rating: m.rating as Rating | null,
        records: m.attendances.map((a) => ({ memberId: a.memberId, status: a.status as AttendanceStatus })),
      })),
    })),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
