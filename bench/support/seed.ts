// Province-scale history for bench/committee-summary.ts and bench/instances.ts: a committee of cells × 150 members,
// one closed meeting a month for 12 months with roll-call attendance, written with multi-row INSERTs (seconds, not
// minutes).
import type { Db } from "../../src/db/client.js";

export const MEMBERS_PER_CELL = 150;
export const MONTHS = 12;
export const TIME_ZONE = "Asia/Ho_Chi_Minh";
const STATUSES = ["present", "present", "present", "present", "present", "present", "late", "excused", "unexcused", "present"];
const ROWS_PER_INSERT = 2000;

type SqlValue = string | number | Date | null;

function sqlValue(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  // The text Prisma's SQLite adapter writes for a DateTime; PostgreSQL reads it as the same UTC timestamp.
  if (value instanceof Date) return `'${value.toISOString().replace("Z", "+00:00")}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

async function insertRows(db: Db, table: string, columns: string[], rows: SqlValue[][]) {
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const values = rows.slice(i, i + ROWS_PER_INSERT).map((row) => `(${row.map(sqlValue).join(", ")})`);
    await db.$executeRawUnsafe(head + values.join(", "));
  }
}

export interface SeedOptions {
  /** The committee's name (bench/committee-summary.ts finds a kept database's committee by it). */
  name: string;
  cells: number;
  /** Also an RSVP per member and meeting (every fourth member "absent"). */
  rsvps: boolean;
}

/** Writes the committee, its cells and their history; statistics (ANALYZE) are left to the caller. */
export async function seedCommittee(db: Db, { name, cells, rsvps }: SeedOptions) {
  const committee = await db.committee.create({ data: { name, timeZone: TIME_ZONE } });
  const now = new Date();
  const cellRows = Array.from({ length: cells }, (_, c) => [
    `${committee.id}c${c}`,
    `Chi bộ ${c + 1}`,
    "residential",
    committee.id,
    TIME_ZONE,
  ]);
  await insertRows(db, "Cell", ["id", "name", "type", "committeeId", "timeZone"], cellRows);
  for (let c = 0; c < cells; c++) await seedCell(db, c, `${committee.id}c${c}`, now, rsvps);
  return committee;
}

async function seedCell(db: Db, c: number, cellId: string, now: Date, withRsvps: boolean) {
  const members = Array.from({ length: MEMBERS_PER_CELL }, (_, m) => [
    `${cellId}m${m}`,
    cellId,
    `Đảng viên ${c}-${m}`,
    `đảng viên ${c}-${m}`,
    `dang vien ${c}-${m}`,
    "official",
    m % 5 === 0 ? "exempt" : "active",
    now,
  ]);
  await insertRows(
    db,
    "Member",
    ["id", "cellId", "fullName", "nameKey", "searchKey", "status", "membership", "updatedAt"],
    members,
  );
  const meetings: SqlValue[][] = [];
  const attendances: SqlValue[][] = [];
  const rsvps: SqlValue[][] = [];
  for (let month = 0; month < MONTHS; month++) {
    const meetingId = `${cellId}k${month}`;
    const startsAt = new Date(Date.UTC(2025, 11 + month, 5, 12, 30));
    const actualEnd = new Date(startsAt.getTime() + 95 * 60_000);
    const type = month % 3 === 2 ? "combined" : "regular";
    meetings.push([meetingId, cellId, `B${c}x${month}`, type, startsAt, 90, "closed", "fair", startsAt, actualEnd, now]);
    for (let m = 0; m < MEMBERS_PER_CELL; m++) {
      const status = STATUSES[(m + c + month) % STATUSES.length]!;
      attendances.push([`${meetingId}a${m}`, meetingId, `${cellId}m${m}`, status, "rollcall", now]);
      rsvps.push([`${meetingId}r${m}`, meetingId, `${cellId}m${m}`, m % 4 === 0 ? "absent" : "attend", startsAt]);
    }
  }
  const meetingColumns = ["id", "cellId", "code", "type", "startsAt", "durationMinutes", "status", "rating"];
  await insertRows(db, "Meeting", [...meetingColumns, "actualStart", "actualEnd", "updatedAt"], meetings);
  await insertRows(db, "Attendance", ["id", "meetingId", "memberId", "status", "source", "updatedAt"], attendances);
  if (withRsvps) await insertRows(db, "Rsvp", ["id", "meetingId", "memberId", "answer", "answeredAt"], rsvps);
}
