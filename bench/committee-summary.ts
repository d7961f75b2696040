// The committee's monthly summary at province scale (issue 5): 500 cells × 150 members × 12 months of history,
// loaded from the database and rendered as messages, chart (PNG) and workbook (XLSX).
// Reports the time to build the whole bundle and the peak memory of the process.
// Run: npx tsx bench/committee-summary.ts [cells]   (set TEST_DATABASE_URL=postgresql://… for PostgreSQL)
import { openDatabase } from "../src/db/client.js";
import { createTranslations } from "../src/i18n.js";
import { reportBundle } from "../src/jobs/monthly-summary.js";
import { createTestDatabase } from "../test/support/database.js";

const CELLS = Number(process.argv[2] ?? 500);
const MEMBERS = 150;
const MONTHS = 12;
const statuses = ["present", "present", "present", "present", "present", "present", "late", "excused", "unexcused", "present"];

const database = await createTestDatabase();
const { db, close } = await openDatabase(database.url);
const committee = await db.committee.create({ data: { name: "Đảng bộ tỉnh thử nghiệm", timeZone: "Asia/Ho_Chi_Minh" } });
const seedStarted = performance.now();
for (let c = 0; c < CELLS; c++) {
  const cell = await db.cell.create({
    data: { name: `Chi bộ ${c + 1}`, type: "residential", committeeId: committee.id, timeZone: "Asia/Ho_Chi_Minh" },
  });
  await db.member.createMany({
    data: Array.from({ length: MEMBERS }, (_, m) => ({
      id: `m${c}_${m}`,
      cellId: cell.id,
      fullName: `Đảng viên ${c}-${m}`,
      nameKey: `đảng viên ${c}-${m}`,
      searchKey: `dang vien ${c}-${m}`,
      status: "official",
      membership: m % 5 === 0 ? "exempt" : "active",
    })),
  });
  for (let month = 0; month < MONTHS; month++) {
    const startsAt = new Date(Date.UTC(2025, 11 + month, 5, 12, 30));
    const meeting = await db.meeting.create({
      data: {
        cellId: cell.id,
        code: `B${c}x${month}`,
        type: month % 3 === 2 ? "combined" : "regular",
        startsAt,
        durationMinutes: 90,
        status: "closed",
        rating: "fair",
        actualStart: startsAt,
        actualEnd: new Date(startsAt.getTime() + 95 * 60_000),
      },
    });
    await db.attendance.createMany({
      data: Array.from({ length: MEMBERS }, (_, m) => ({
        meetingId: meeting.id,
        memberId: `m${c}_${m}`,
        status: statuses[(m + c + month) % statuses.length]!,
        source: "rollcall",
      })),
    });
  }
}
const seedSeconds = (performance.now() - seedStarted) / 1000;

const { t } = await createTranslations("vi");
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const bundle = await reportBundle(
  db,
  t("vi"),
  "vi",
  { committeeId: committee.id },
  "2026-11",
  "Asia/Ho_Chi_Minh",
  new Date("2026-12-01T01:00:00Z"),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    {
      database: database.provider,
      cells: CELLS,
      members: CELLS * MEMBERS,
      attendanceRows: CELLS * MEMBERS * MONTHS,
      seedSeconds: Math.round(seedSeconds),
      bundleSeconds: +seconds.toFixed(2),
      messages: bundle.messages.length,
      pngKb: Math.round(bundle.png.length / 1024),
      xlsxKb: Math.round(bundle.xlsx.length / 1024),
      rssBeforeMb: Math.round(rssBefore / 1024 / 1024),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ),
);
await close();
await database.drop();
