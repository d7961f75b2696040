// The committee's monthly summary at province scale (issue 5): 500 cells × 150 members × 12 months of history,
// loaded from the database and rendered as messages, chart (PNG) and workbook (XLSX).
// Reports the time to build the whole bundle and the peak memory of a fresh process that builds it, plus where the
// time goes (load, report, messages, chart, workbook).
//
// Run: npx tsx bench/committee-summary.ts [cells] [runs]
//   TEST_DATABASE_URL=postgresql://…   seed a new PostgreSQL database on that server (dropped at the end)
//   BENCH_DATABASE_URL=file:/tmp/bench.db (or postgresql://…/name)   keep the seeded database between runs: it is
//     seeded the first time and reused afterwards (the database named in a postgresql:// URL must exist)
//
// The data is written with multi-row INSERTs (bench/support/seed.ts); each measured run is a child process started
// after seeding, so its peak RSS is that of building the summary, not of seeding.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openDatabase, type Db } from "../src/db/client.js";
import { buildMonthlyReport } from "../src/domain/monthly-report.js";
import { createTranslations } from "../src/i18n.js";
import { reportBundle } from "../src/jobs/monthly-summary.js";
import { loadReportInput } from "../src/jobs/report-data.js";
import { reportChartLabels, reportChartPng } from "../src/render/report-chart.js";
import { reportMessage } from "../src/render/report-message.js";
import { reportXlsx, reportXlsxLabels } from "../src/render/report-xlsx.js";
import { createTestDatabase } from "../test/support/database.js";
import { MEMBERS_PER_CELL, MONTHS, seedCommittee, TIME_ZONE } from "./support/seed.js";

const PERIOD = "2026-11";
const NOW = new Date("2026-12-01T01:00:00Z");

async function main(cells: number, runs: number): Promise<void> {
  const kept = process.env.BENCH_DATABASE_URL;
  const database = kept
    ? { url: kept, provider: kept.startsWith("file:") ? "sqlite" : "postgresql", drop: async () => {} }
    : await createTestDatabase();
  const { db, close } = await openDatabase(database.url);
  const committeeName = `Đảng bộ tỉnh thử nghiệm (${cells} chi bộ)`;
  let committee = await db.committee.findFirst({ where: { name: committeeName } });
  let seedSeconds: number | null = null;
  if (!committee) {
    const started = performance.now();
    committee = await seed(db, database.provider, committeeName, cells);
    seedSeconds = Math.round((performance.now() - started) / 1000);
  }
  await close();

  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "--measure", database.url, committee.id],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    if (child.status !== 0) throw new Error(`measurement run failed (exit ${child.status})`);
    results.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Measurement);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const first = results[0]!;
  console.log(
    JSON.stringify(
      {
        database: database.provider,
        cells,
        members: cells * MEMBERS_PER_CELL,
        attendanceRows: cells * MEMBERS_PER_CELL * MONTHS,
        seedSeconds: seedSeconds ?? "reused",
        runs,
        bundleSeconds: median(results.map((r) => r.bundleSeconds)),
        cpuSeconds: median(results.map((r) => r.cpuSeconds)),
        againSeconds: median(results.map((r) => r.againSeconds)),
        peakRssMb: median(results.map((r) => r.peakRssMb)),
        rssBeforeMb: median(results.map((r) => r.rssBeforeMb)),
        stagesSeconds: Object.fromEntries(
          Object.keys(first.stagesSeconds).map((stage) => [stage, median(results.map((r) => r.stagesSeconds[stage]!))]),
        ),
        messages: first.messages,
        pngKb: first.pngKb,
        xlsxKb: first.xlsxKb,
        everyRun: results.map((r) => [r.bundleSeconds, r.againSeconds, r.peakRssMb]),
      },
      null,
      2,
    ),
  );
  if (!kept) await database.drop();
}

// ─── Seeding ─────────────────────────────────────────────────────────────────────────────────────

/** The same data as the first version of this bench (which created it row by row through Prisma in ~4 minutes). */
async function seed(db: Db, provider: string, name: string, cells: number) {
  const committee = await seedCommittee(db, { name, cells, rsvps: false });
  // PostgreSQL's autovacuum gathers statistics after such a load; without them its plans are far off (a 5 s summary).
  // SQLite needs none (the app never runs ANALYZE there).
  if (provider === "postgresql") await db.$executeRawUnsafe("ANALYZE");
  return committee;
}

// ─── One measured run (a fresh process) ──────────────────────────────────────────────────────────

interface Measurement {
  /** The first summary the process builds (its queries and the workbook library are new to it). */
  bundleSeconds: number;
  /** CPU time of this process during it (with SQLite, nearly all the work; a busy machine inflates the wall time). */
  cpuSeconds: number;
  /** The same summary built again at once. */
  againSeconds: number;
  /** Peak RSS of the process after the first summary. */
  peakRssMb: number;
  /** RSS just before it: Node, tsx, both Prisma clients, canvas, i18n, an open database. */
  rssBeforeMb: number;
  stagesSeconds: Record<string, number>;
  messages: number;
  pngKb: number;
  xlsxKb: number;
}

async function measure(url: string, committeeId: string): Promise<void> {
  const { db, close } = await openDatabase(url, { migrate: false });
  const { t } = await createTranslations("vi");
  // A running bot has queried the database before: warm the client up with queries the summary does not make.
  await db.committee.count();
  await db.cell.findFirst({ where: { committeeId } });
  await db.outboxMessage.count({ where: { status: "pending" } });
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const build = async () => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const bundle = await reportBundle(db, t("vi"), "vi", { committeeId }, PERIOD, TIME_ZONE, NOW);
    const { user, system } = process.cpuUsage(cpu);
    return { bundle, seconds: +((performance.now() - started) / 1000).toFixed(2), cpu: +((user + system) / 1e6).toFixed(2) };
  };
  const rssBefore = process.memoryUsage().rss;
  const first = await build();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const again = await build();

  // Where the time goes: the same steps once more, one by one.
  const stagesSeconds: Record<string, number> = {};
  const time = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    const stageStarted = performance.now();
    const result = await work();
    stagesSeconds[stage] = +((performance.now() - stageStarted) / 1000).toFixed(3);
    return result;
  };
  const input = await time("load", () => loadReportInput(db, { committeeId }, PERIOD, TIME_ZONE, NOW));
  const report = await time("report", () => buildMonthlyReport(input));
  const translate = (key: string, params?: Record<string, unknown>) => t("vi")(key, params);
  await time("messages", () => reportMessage(translate, report, { maxLength: 4096, locale: "vi" }));
  await time("chart", () => reportChartPng(report, reportChartLabels(translate, report, "vi")));
  await time("workbook", () => reportXlsx(report, reportXlsxLabels(translate)));
  await close();

  const measurement: Measurement = {
    bundleSeconds: first.seconds,
    cpuSeconds: first.cpu,
    againSeconds: again.seconds,
    peakRssMb: mb(peakRss),
    rssBeforeMb: mb(rssBefore),
    stagesSeconds,
    messages: first.bundle.messages.length,
    pngKb: Math.round(first.bundle.png.length / 1024),
    xlsxKb: Math.round(first.bundle.xlsx.length / 1024),
  };
  console.log(JSON.stringify(measurement));
}

if (process.argv[2] === "--measure") await measure(process.argv[3]!, process.argv[4]!);
else await main(Number(process.argv[2] ?? 500), Number(process.argv[3] ?? 3));
