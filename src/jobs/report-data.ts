import type { Db } from "../db/client.js";
// Prisma.sql and Prisma.join build provider-neutral queries: the PostgreSQL client shares the same runtime.
import { Prisma } from "../db/generated/sqlite/client.js";
import { EXCUSED_IN_A_ROW, UNEXCUSED_WARNING, type AttendanceStatus } from "../domain/attendance.js";
import {
  reportWindow,
  type ReportAbsentee,
  type ReportInput,
  type ReportMeetingBase,
  type ReportMeetingStatus,
  type ReportRollCall,
} from "../domain/monthly-report.js";
import type { MeetingType } from "../domain/meetings.js";
import type { Rating } from "../domain/rating.js";

/** Members whose records one query fetches (bound parameters stay far below SQLite's limit of 32,766). */
const MEMBERS_PER_QUERY = 500;

interface Scope {
  cellIds: string[];
  /** reportWindow: the report's 12 months are [from, to), its year starts at yearFrom. */
  from: Date;
  to: Date;
  yearFrom: Date;
}

/**
 * Loads what the monthly report needs for some cells, counted in the database so that a province's 900,000
 * attendance records never leave it. Per cell: how many active members it has, its meetings of the report's 12 months
 * (reportWindow), each closed meeting's roll call counted over its active members, and the members who may carry a
 * member flag, with their records only when they have 3 or more excused absences (for the run of excused absences).
 *
 * Five queries whatever the number of cells (plus one per 500 members with 3+ excused absences), plain SQL that SQLite
 * and PostgreSQL both run (Prisma model names, quoted). The two that read every record of the year each make one pass:
 * the roll calls grouped by meeting, the absences grouped by member. Raw SQL also spares the ORM's query compiler, which
 * costs more than the query itself the first time a shape is seen.
 */
export async function loadReportInput(
  db: Db,
  scope: { committeeId?: string; cellIds?: string[] },
  period: string,
  timeZone: string,
  now: Date,
): Promise<ReportInput> {
  const cells = await db.cell.findMany({
    where: scope.committeeId ? { committeeId: scope.committeeId } : { id: { in: scope.cellIds ?? [] } },
    orderBy: { name: "asc" },
    include: { committee: true },
  });
  if (cells.length === 0) return { committeeName: null, period, timeZone, now, cells: [] };
  const where: Scope = { cellIds: cells.map((cell) => cell.id), ...reportWindow(period, timeZone) };
  const [activeMembers, meetings, rollCalls, absentees] = await Promise.all([
    countActiveMembers(db, where),
    findMeetings(db, where),
    countRollCalls(db, where),
    findAbsentees(db, where),
  ]);
  const runs = absentees.filter((absentee) => absentee.excused >= EXCUSED_IN_A_ROW).map((absentee) => absentee.memberId);
  const recordsOf = groupBy(await findRecords(db, where, runs), (record) => record.memberId);

  const meetingsOf = groupBy(meetings, (meeting) => meeting.cellId);
  const rollCallOf = new Map(rollCalls.map((row) => [row.meetingId, row.rollCall]));
  const absenteesOf = groupBy(absentees, (absentee) => absentee.cellId);
  const noRecords: ReportRollCall = { marked: 0, excused: 0, unexcused: 0, exempt: 0 };
  return {
    committeeName: cells[0]?.committee?.name ?? null,
    period,
    timeZone,
    now,
    cells: cells.map((cell) => ({
      id: cell.id,
      name: cell.name,
      activeMembers: activeMembers.get(cell.id) ?? 0,
      meetings: (meetingsOf.get(cell.id) ?? []).map(({ meeting }) => ({
        ...meeting,
        rollCall: rollCallOf.get(meeting.id) ?? noRecords,
      })),
      absentees: (absenteesOf.get(cell.id) ?? []).map(
        ({ memberId, unexcused }): ReportAbsentee => ({
          memberId,
          unexcusedThisYear: unexcused,
          records: (recordsOf.get(memberId) ?? []).map(({ meetingId, status }) => ({ meetingId, status })),
        }),
      ),
    })),
  };
}

/** Active members per cell (not exempt, transferred out or removed). */
async function countActiveMembers(db: Db, where: Scope): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ cellId: string; active: number | bigint }[]>`
    SELECT "cellId" AS "cellId", CAST(COUNT(*) AS INTEGER) AS "active"
    FROM "Member"
    WHERE "cellId" IN (${Prisma.join(where.cellIds)}) AND "membership" = 'active'
    GROUP BY "cellId"`;
  return new Map(rows.map((row) => [row.cellId, Number(row.active)]));
}

/** The cells' meetings in the report's 12 months, of every type and status. */
async function findMeetings(db: Db, where: Scope): Promise<{ cellId: string; meeting: ReportMeetingBase }[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      cellId: string;
      code: string;
      type: string;
      status: string;
      startsAt: Date;
      durationMinutes: number | bigint;
      actualStart: Date | null;
      actualEnd: Date | null;
      rating: string | null;
    }[]
  >`
    SELECT "id", "cellId", "code", "type", "status", "startsAt", "durationMinutes", "actualStart", "actualEnd", "rating"
    FROM "Meeting"
    WHERE "cellId" IN (${Prisma.join(where.cellIds)}) AND "startsAt" >= ${where.from} AND "startsAt" < ${where.to}`;
  return rows.map((row) => ({
    cellId: row.cellId,
    meeting: {
      id: row.id,
      code: row.code,
      type: row.type as MeetingType,
      status: row.status as ReportMeetingStatus,
      startsAt: new Date(row.startsAt),
      durationMinutes: Number(row.durationMinutes),
      actualStart: row.actualStart === null ? null : new Date(row.actualStart),
      actualEnd: row.actualEnd === null ? null : new Date(row.actualEnd),
      rating: row.rating as Rating | null,
    },
  }));
}

/**
 * Each closed meeting's roll call, counted over the records of its cell's own active members: one row per meeting,
 * the statuses counted by conditional sums.
 */
async function countRollCalls(db: Db, where: Scope): Promise<{ meetingId: string; rollCall: ReportRollCall }[]> {
  type Count = number | bigint;
  const rows = await db.$queryRaw<{ meetingId: string; marked: Count; excused: Count; unexcused: Count; exempt: Count }[]>`
    SELECT a."meetingId" AS "meetingId",
      CAST(COUNT(*) AS INTEGER) AS "marked",
      CAST(SUM(CASE WHEN a."status" = 'excused' THEN 1 ELSE 0 END) AS INTEGER) AS "excused",
      CAST(SUM(CASE WHEN a."status" = 'unexcused' THEN 1 ELSE 0 END) AS INTEGER) AS "unexcused",
      CAST(SUM(CASE WHEN a."status" = 'exempt' THEN 1 ELSE 0 END) AS INTEGER) AS "exempt"
    FROM "Meeting" m
    CROSS JOIN "Attendance" a
    CROSS JOIN "Member" p
    WHERE m."cellId" IN (${Prisma.join(where.cellIds)}) AND m."status" = 'closed'
      AND m."startsAt" >= ${where.from} AND m."startsAt" < ${where.to}
      AND a."meetingId" = m."id"
      AND p."id" = a."memberId" AND p."cellId" = m."cellId" AND p."membership" = 'active'
    GROUP BY a."meetingId"`;
  return rows.map((row) => ({
    meetingId: row.meetingId,
    rollCall: {
      marked: Number(row.marked),
      excused: Number(row.excused),
      unexcused: Number(row.unexcused),
      exempt: Number(row.exempt),
    },
  }));
}

/**
 * Members on the rolls (active or exempt) who, at the meetings member flags count (closed, not committee
 * pre-meetings, in the report's 12 months), have 2 or more unexcused absences this year or 3 or more excused absences:
 * the only ones who can carry a flag. Only absences are grouped, and each member is looked up once, after grouping.
 */
async function findAbsentees(
  db: Db,
  where: Scope,
): Promise<{ memberId: string; cellId: string; unexcused: number; excused: number }[]> {
  const rows = await db.$queryRaw<{ memberId: string; cellId: string; unexcused: number | bigint; excused: number | bigint }[]>`
    SELECT g."memberId" AS "memberId", g."cellId" AS "cellId", g."unexcused" AS "unexcused", g."excused" AS "excused"
    FROM (
      SELECT a."memberId" AS "memberId", m."cellId" AS "cellId",
        CAST(SUM(CASE WHEN a."status" = 'unexcused' AND m."startsAt" >= ${where.yearFrom} THEN 1 ELSE 0 END) AS INTEGER)
          AS "unexcused",
        CAST(SUM(CASE WHEN a."status" = 'excused' THEN 1 ELSE 0 END) AS INTEGER) AS "excused"
      FROM "Meeting" m
      CROSS JOIN "Attendance" a
      WHERE m."cellId" IN (${Prisma.join(where.cellIds)}) AND m."status" = 'closed' AND m."type" <> 'committee'
        AND m."startsAt" >= ${where.from} AND m."startsAt" < ${where.to}
        AND a."meetingId" = m."id" AND a."status" IN ('excused', 'unexcused')
      GROUP BY a."memberId", m."cellId"
    ) g
    JOIN "Member" p ON p."id" = g."memberId" AND p."cellId" = g."cellId"
    WHERE p."membership" IN ('active', 'exempt')
      AND (g."unexcused" >= ${UNEXCUSED_WARNING} OR g."excused" >= ${EXCUSED_IN_A_ROW})`;
  return rows.map((row) => ({
    memberId: row.memberId,
    cellId: row.cellId,
    unexcused: Number(row.unexcused),
    excused: Number(row.excused),
  }));
}

/** Every record of these members at the meetings member flags count, in their own cell. */
async function findRecords(
  db: Db,
  where: Scope,
  memberIds: readonly string[],
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
          AND m."startsAt" >= ${where.from} AND m."startsAt" < ${where.to}
          AND a."meetingId" = m."id" AND a."memberId" = p."id"`),
    );
  }
  return records;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
