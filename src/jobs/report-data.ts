import type { Db } from "../db/client.js";
// Prisma.sql and Prisma.join build provider-neutral queries: the same runtime serves the PostgreSQL client.
import { Prisma } from "../db/generated/sqlite/client.js";
import { EXCUSED_IN_A_ROW, UNEXCUSED_WARNING, type AttendanceStatus } from "../domain/attendance.js";
import {
  reportWindow,
  type ReportAbsentee,
  type ReportInput,
  type ReportMeetingStatus,
  type ReportRollCall,
} from "../domain/monthly-report.js";
import type { MeetingType } from "../domain/meetings.js";
import type { Rating } from "../domain/rating.js";

/** Members whose records are fetched in one query (bound parameters stay far below SQLite's limit). */
const MEMBERS_PER_QUERY = 500;

/**
 * Loads what the monthly report needs for some cells, counted in the database: a province's 900,000 attendance
 * records never leave it. Per cell: its active members (counted), its meetings of the report's 12 months
 * (reportWindow), each closed meeting's roll call counted over active members, and the members who may carry a member
 * flag (with their records only when they have 3 or more excused absences). Five queries whatever the number of
 * cells, plus one per 500 such members; plain SQL that SQLite and PostgreSQL both run.
 */
export async function loadReportInput(
  db: Db,
  scope: { committeeId?: string; cellIds?: string[] },
  period: string,
  timeZone: string,
  now: Date,
): Promise<ReportInput> {
  const { from, to, yearFrom } = reportWindow(period, timeZone);
  const cells = await db.cell.findMany({
    where: scope.committeeId ? { committeeId: scope.committeeId } : { id: { in: scope.cellIds ?? [] } },
    orderBy: { name: "asc" },
    include: { committee: true },
  });
  const cellIds = cells.map((cell) => cell.id);
  if (cellIds.length === 0) return { committeeName: null, period, timeZone, now, cells: [] };
  const window = { cellIds, from, to, yearFrom };
  const [activeMembers, meetings, rollCalls, absentees] = await Promise.all([
    db.member.groupBy({ by: ["cellId"], where: { cellId: { in: cellIds }, membership: "active" }, _count: { _all: true } }),
    db.meeting.findMany({
      where: { cellId: { in: cellIds }, startsAt: { gte: from, lt: to } },
      select: {
        id: true,
        cellId: true,
        code: true,
        type: true,
        status: true,
        startsAt: true,
        durationMinutes: true,
        actualStart: true,
        actualEnd: true,
        rating: true,
      },
    }),
    countRollCalls(db, window),
    findAbsentees(db, window),
  ]);
  const records = await recordsOf(
    db,
    window,
    absentees.filter((absentee) => absentee.excused >= EXCUSED_IN_A_ROW).map((absentee) => absentee.memberId),
  );

  const activeOf = new Map(activeMembers.map((row) => [row.cellId, row._count._all]));
  const rollCallOf = new Map(rollCalls.map(({ meetingId, ...counts }) => [meetingId, counts]));
  const meetingsOf = groupBy(meetings, (meeting) => meeting.cellId);
  const recordsOf_ = groupBy(records, (record) => record.memberId);
  const absenteesOf = new Map<string, ReportAbsentee[]>();
  for (const { memberId, cellId, unexcused } of absentees) {
    const list = absenteesOf.get(cellId) ?? [];
    absenteesOf.set(cellId, list);
    list.push({
      memberId,
      unexcusedThisYear: unexcused,
      records: (recordsOf_.get(memberId) ?? []).map(({ meetingId, status }) => ({ meetingId, status })),
    });
  }
  const noRecords: ReportRollCall = { marked: 0, excused: 0, unexcused: 0, exempt: 0 };
  return {
    committeeName: cells[0]?.committee?.name ?? null,
    period,
    timeZone,
    now,
    cells: cells.map((cell) => ({
      id: cell.id,
      name: cell.name,
      activeMembers: activeOf.get(cell.id) ?? 0,
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
        rollCall: rollCallOf.get(m.id) ?? noRecords,
      })),
      absentees: absenteesOf.get(cell.id) ?? [],
    })),
  };
}

interface Window {
  cellIds: string[];
  from: Date;
  to: Date;
  yearFrom: Date;
}

/**
 * Each closed meeting's roll call, counted over the records of the cell's own active members. One row per meeting:
 * the counts are conditional sums, so SQLite streams the records meeting by meeting instead of sorting them.
 */
async function countRollCalls(db: Db, window: Window): Promise<({ meetingId: string } & ReportRollCall)[]> {
  const rows = await db.$queryRaw<
    { meetingId: string; marked: unknown; excused: unknown; unexcused: unknown; exempt: unknown }[]
  >`
    SELECT a."meetingId" AS "meetingId",
      CAST(COUNT(*) AS INTEGER) AS "marked",
      CAST(SUM(CASE WHEN a."status" = 'excused' THEN 1 ELSE 0 END) AS INTEGER) AS "excused",
      CAST(SUM(CASE WHEN a."status" = 'unexcused' THEN 1 ELSE 0 END) AS INTEGER) AS "unexcused",
      CAST(SUM(CASE WHEN a."status" = 'exempt' THEN 1 ELSE 0 END) AS INTEGER) AS "exempt"
    FROM "Meeting" m
    CROSS JOIN "Attendance" a
    CROSS JOIN "Member" p
    WHERE m."cellId" IN (${Prisma.join(window.cellIds)}) AND m."status" = 'closed'
      AND m."startsAt" >= ${window.from} AND m."startsAt" < ${window.to}
      AND a."meetingId" = m."id"
      AND p."id" = a."memberId" AND p."cellId" = m."cellId" AND p."membership" = 'active'
    GROUP BY a."meetingId"`;
  return rows.map((row) => ({
    meetingId: row.meetingId,
    marked: Number(row.marked),
    excused: Number(row.excused),
    unexcused: Number(row.unexcused),
    exempt: Number(row.exempt),
  }));
}

/**
 * Members on the rolls (active or exempt) with, at the counted meetings (closed, not committee pre-meetings, in the
 * report's 12 months), 2 or more unexcused absences this year or 3 or more excused absences: the only ones who can
 * carry a member flag. Only absences are grouped, and members are looked up once each, after grouping.
 */
async function findAbsentees(
  db: Db,
  window: Window,
): Promise<{ memberId: string; cellId: string; unexcused: number; excused: number }[]> {
  const rows = await db.$queryRaw<{ memberId: string; cellId: string; unexcused: unknown; excused: unknown }[]>`
    SELECT g."memberId" AS "memberId", g."cellId" AS "cellId", g."unexcused" AS "unexcused", g."excused" AS "excused"
    FROM (
      SELECT a."memberId" AS "memberId", m."cellId" AS "cellId",
        CAST(SUM(CASE WHEN a."status" = 'unexcused' AND m."startsAt" >= ${window.yearFrom} THEN 1 ELSE 0 END) AS INTEGER)
          AS "unexcused",
        CAST(SUM(CASE WHEN a."status" = 'excused' THEN 1 ELSE 0 END) AS INTEGER) AS "excused"
      FROM "Meeting" m
      CROSS JOIN "Attendance" a
      WHERE m."cellId" IN (${Prisma.join(window.cellIds)}) AND m."status" = 'closed' AND m."type" <> 'committee'
        AND m."startsAt" >= ${window.from} AND m."startsAt" < ${window.to}
        AND a."meetingId" = m."id" AND a."status" IN ('excused', 'unexcused')
      GROUP BY a."memberId", m."cellId"
    ) g
    JOIN "Member" p ON p."id" = g."memberId" AND p."cellId" = g."cellId"
    WHERE p."membership" IN ('active', 'exempt') AND (g."unexcused" >= ${UNEXCUSED_WARNING} OR g."excused" >= ${EXCUSED_IN_A_ROW})`;
  return rows.map((row) => ({
    memberId: row.memberId,
    cellId: row.cellId,
    unexcused: Number(row.unexcused),
    excused: Number(row.excused),
  }));
}

/** Every record of these members at the counted meetings of their own cell, for the runs of excused absences. */
async function recordsOf(
  db: Db,
  window: Window,
  memberIds: string[],
): Promise<{ memberId: string; meetingId: string; status: AttendanceStatus }[]> {
  const records: { memberId: string; meetingId: string; status: AttendanceStatus }[] = [];
  for (let i = 0; i < memberIds.length; i += MEMBERS_PER_QUERY) {
    records.push(
      ...(await db.$queryRaw<{ memberId: string; meetingId: string; status: AttendanceStatus }[]>`
        SELECT a."memberId" AS "memberId", a."meetingId" AS "meetingId", a."status" AS "status"
        FROM "Member" p
        CROSS JOIN "Meeting" m
        CROSS JOIN "Attendance" a
        WHERE p."id" IN (${Prisma.join(memberIds.slice(i, i + MEMBERS_PER_QUERY))})
          AND m."cellId" = p."cellId" AND m."status" = 'closed' AND m."type" <> 'committee'
          AND m."startsAt" >= ${window.from} AND m."startsAt" < ${window.to}
          AND a."meetingId" = m."id" AND a."memberId" = p."id"`),
    );
  }
  return records;
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
