// Scaling out (issue: production): several bot processes (`src/main.ts`, webhook mode) on one PostgreSQL database.
//
//   storm [counts] [inFlight] [interleaved|bycell]
//                               the answer storm of bench/rsvp-storm.ts (14 cells of the fixture ward, 745 members)
//                               against 1, 2 and 4 instances. The fake Telegram posts to an "edge" standing for
//                               Telegram's webhook delivery: up to `inFlight` POSTs at once (max_connections), sent
//                               to the instances in turn (round robin). Reports updates/s, POST→answer latency,
//                               tap→answerCallbackQuery latency, errors, the spread of work over instances, RSS,
//                               and whether the Rsvp table holds exactly one row per member with the last answer.
//   wave [chats] [instances]    the reminder wave of bench/reminder-wave.ts (no kill) with JOBS_ENABLED on N instances.
//   size [cells...]             database size and one instance's RSS and start-up time after seeding cells × 150
//                               members × 12 months (bench/support/seed.ts, as bench/committee-summary.ts).
//
// Run: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/instances.ts storm 1,2,4 20
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase, type Db } from "../src/db/client.js";
import { createTestDatabase } from "../test/support/database.js";
import { FakeTelegram } from "../test/support/fake-telegram/index.js";
import { freePort } from "../test/support/harness.js";
import { publishedCell, type PublishedCell } from "../test/support/published-cell.js";
import { cpuMs, percentile, rssMb, startInstance, TelegramEdge, type Instance } from "./support/instances.js";
import { MEMBERS_PER_CELL, MONTHS, seedCommittee } from "./support/seed.js";
import { enqueueReminderWave } from "./support/wave.js";

process.env.TEST_DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test", "support", "fixtures");
const SECRET = "bench-instances-secret";

async function startInstances(count: number, env: Record<string, string>): Promise<Instance[]> {
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) instances.push(await startInstance(env, await freePort()));
  return instances;
}

// ─── Answer storm ───────────────────────────────────────────────────────────────────────────────

async function storm(counts: number[], inFlight: number, order: string) {
  const ward = JSON.parse(readFileSync(path.join(fixtures, "ward.json"), "utf8")) as {
    cells: { name: string; roster: string }[];
  };
  const fake = await FakeTelegram.start({ deliveryTimeoutMs: 60_000 });
  const database = await createTestDatabase();
  const { db, close } = await openDatabase(database.url);
  const edge = new TelegramEdge();
  await edge.listen();
  edge.inFlight = inFlight;
  const env = {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: database.url,
    BOT_MODE: "webhook",
    WEBHOOK_URL: `http://127.0.0.1:${edge.port}/telegram`,
    WEBHOOK_SECRET: SECRET,
    JOBS_ENABLED: "false",
    RATE_LIMIT_PER_MINUTE: "100000",
    LOG_LEVEL: "info",
  };

  // The world, set up through one instance (the same steps as bench/rsvp-storm.ts).
  const setupStarted = performance.now();
  let instances = await startInstances(1, env);
  edge.targets = instances.map((i) => i.port);
  const cells: PublishedCell[] = [];
  for (const [index, spec] of ward.cells.entries())
    cells.push(
      await publishedCell(fake, db, {
        title: spec.name,
        roster: spec.roster,
        day: 5 + (index % 20),
        secretaryName: `Bí thư ${index + 1}`,
      }),
    );
  for (const instance of instances) await instance.stop();
  const setupSeconds = Math.round((performance.now() - setupStarted) / 1000);
  const totalAnswers = cells.reduce((sum, cell) => sum + cell.members.length, 0);
  console.error(`set up ${cells.length} cells, ${totalAnswers} members in ${setupSeconds} s`);

  const results = [];
  for (const [round, count] of counts.entries()) {
    instances = await startInstances(count, env);
    edge.targets = instances.map((i) => i.port);
    edge.mode = "concurrent";
    edge.deliveries.length = 0;
    edge.failures = 0;
    const maxSeqBefore = (await db.inboundUpdate.aggregate({ _max: { seq: true } }))._max.seq ?? 0;
    const callsBefore = fake.calls.length;
    const cpuBefore = instances.map((i) => cpuMs(i.child.pid!));
    const benchCpuBefore = process.cpuUsage();
    const rateLimitedBefore = fake.stats.rateLimited;
    // each round flips some answers, so every round writes: member i says "absent" when (i + round) % 4 === 0
    const absent = (i: number) => (i + round) % 4 === 0;
    const started = performance.now();
    const startedClock = Date.now();
    // "interleaved": the taps of all groups mixed (member 0 of every cell, then member 1, …), as a real storm
    // across many groups arrives; "bycell": every member of one cell, then the next (a single busy group at a time)
    const taps = cells.flatMap((cell) => cell.members.map((member, i) => ({ cell, member, i })));
    if (order === "interleaved") taps.sort((x, y) => x.i - y.i);
    await Promise.all(
      taps.map(({ cell, member, i }) =>
        fake.pressButton(
          member,
          cell.group,
          cell.announcementId,
          (b) => b.callback_data === `rsvp:${absent(i) ? "n" : "y"}:${cell.code}`,
        ),
      ),
    );
    await edge.drained();
    // a POST answered after its 5 s wait leaves the update stored but not yet handled: wait for the inbox to empty
    const backlog = () =>
      db.inboundUpdate.count({ where: { seq: { gt: maxSeqBefore }, status: { in: ["pending", "processing"] } } });
    const backlogAtLastAnswer = await backlog();
    for (let i = 0; i < 1200 && (await backlog()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = (performance.now() - started) / 1000;
    const instanceCpuMs = instances.reduce((sum, i, k) => sum + cpuMs(i.child.pid!) - cpuBefore[k]!, 0);
    const benchCpu = process.cpuUsage(benchCpuBefore);

    const latencies = edge.deliveries.map((d) => d.latencyMs).sort((a, b) => a - b);
    // tap (the edge received the update) → the bot's answerCallbackQuery, on the fake's clock (Date.now)
    const tapAt = new Map(edge.deliveries.map((d) => [d.callbackQueryId, startedClock + (d.receivedAt - started)]));
    const replies = fake.calls
      .slice(callsBefore)
      .filter((call) => call.method === "answerCallbackQuery" && tapAt.has(String(call.params.callback_query_id)))
      .map((call) => call.time - tapAt.get(String(call.params.callback_query_id))!)
      .sort((a, b) => a - b);
    let exact = 0;
    let rows = 0;
    for (const cell of cells) {
      const rsvps = await db.rsvp.findMany({ where: { meetingId: cell.meetingId } });
      rows += rsvps.length;
      const byMember = new Map(rsvps.map((r) => [r.memberId, r.answer]));
      const right = cell.memberIds.every((id, i) => byMember.get(id) === (absent(i) ? "absent" : "attend"));
      if (right && rsvps.length === cell.members.length) exact++;
    }
    const handled = await db.inboundUpdate.groupBy({
      by: ["claimedBy", "status"],
      where: { seq: { gt: maxSeqBefore } },
      _count: { _all: true },
    });
    const rss = instances.map((i) => rssMb(i.child.pid!));
    const report = {
      instances: count,
      inFlight,
      order,
      answers: totalAnswers,
      deliveries: edge.deliveries.length,
      seconds: +seconds.toFixed(2),
      updatesPerSecond: Math.round(totalAnswers / seconds),
      postLatencyMs: {
        p50: Math.round(percentile(latencies, 50)),
        p95: Math.round(percentile(latencies, 95)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(latencies.at(-1) ?? 0),
      },
      tapToAnswerCallbackMs: {
        count: replies.length,
        p50: Math.round(percentile(replies, 50)),
        p95: Math.round(percentile(replies, 95)),
        max: Math.round(replies.at(-1) ?? 0),
      },
      backlogAtLastAnswer,
      answersOver5s: latencies.filter((ms) => ms >= 5000).length,
      failedPosts: edge.failures,
      non2xxAfterRetries: edge.deliveries.filter((d) => d.status < 200 || d.status >= 300).length,
      inboxByInstanceAndStatus: handled.map((h) => `${h.claimedBy?.split(":")[1] ?? "-"} ${h.status}: ${h._count._all}`),
      rsvpRows: `${rows}/${totalAnswers}`,
      exactCells: `${exact}/${cells.length}`,
      rateLimited429: fake.stats.rateLimited - rateLimitedBefore,
      tallyEditsPerAnnouncement: +(
        fake.calls
          .slice(callsBefore)
          .filter(
            (call) => call.method === "editMessageText" && cells.some((c) => String(c.group.id) === String(call.params.chat_id)),
          ).length / cells.length
      ).toFixed(1),
      instanceStartupMs: instances.map((i) => i.startupMs),
      instanceRssMb: rss,
      // CPU the instances used for the whole storm, per update (the machine is shared: this is what sizing needs)
      instanceCpuMsPerUpdate: +(instanceCpuMs / totalAnswers).toFixed(1),
      benchProcessCpuSeconds: +((benchCpu.user + benchCpu.system) / 1e6).toFixed(1),
      instanceWarnings: instances.map((i) => (i.output().match(/"level":(40|50|60)/g) ?? []).length),
    };
    console.log(JSON.stringify(report));
    results.push(report);
    edge.mode = "sync";
    for (const instance of instances) await instance.stop();
  }
  await close();
  await edge.close();
  await fake.close();
  await database.drop();
  return results;
}

// ─── Reminder wave on several instances ─────────────────────────────────────────────────────────

async function wave(total: number, count: number) {
  const fake = await FakeTelegram.start();
  const database = await createTestDatabase();
  const { db, close } = await openDatabase(database.url);
  const reminders = await enqueueReminderWave(fake, db, total);
  const env = {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: database.url,
    BOT_MODE: "webhook",
    WEBHOOK_URL: "http://127.0.0.1:9/telegram", // nothing is posted in this run
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: "info",
  };
  // start every instance before the first can send: the rows are due already, so start them paused by count
  const started = performance.now();
  const instances = await Promise.all(Array.from({ length: count }, async () => startInstance(env, await freePort())));
  await fake.waitFor(() => reminders.delivered() >= total, 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const sentBy = await db.outboxMessage.groupBy({ by: ["claimedBy"], _count: { _all: true } }).catch(() => []);
  for (const instance of instances) await instance.stop();
  const report = {
    instances: count,
    chats: total,
    seconds: +seconds.toFixed(1),
    ...reminders.outcome(seconds),
    sentBy: sentBy.map((row) => `${String(row.claimedBy).split(":")[1]}: ${row._count._all}`),
    note: "wall time includes the instances' start-up (~1-2 s)",
  };
  console.log(JSON.stringify(report));
  await close();
  await fake.close();
  await database.drop();
}

// ─── Cost per cell ──────────────────────────────────────────────────────────────────────────────

/** The seeding of bench/committee-summary.ts, plus answers. */
async function seed(db: Db, cells: number) {
  await seedCommittee(db, { name: `Đảng bộ thử nghiệm ${cells}`, cells, rsvps: true });
  await db.$executeRawUnsafe("VACUUM ANALYZE");
}

async function size(cellCounts: number[]) {
  const fake = await FakeTelegram.start();
  for (const cells of cellCounts) {
    const database = await createTestDatabase();
    const { db, close } = await openDatabase(database.url);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const dbSize = async () =>
      Number((await admin.query<{ size: string }>("SELECT pg_database_size(current_database()) AS size")).rows[0]!.size);
    const emptyBytes = await dbSize();
    const seedStarted = performance.now();
    await seed(db, cells);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
    const bytes = await dbSize();
    const tables = await admin.query<{ name: string; bytes: string }>(
      `SELECT relname AS name, pg_total_relation_size(relid) AS bytes FROM pg_catalog.pg_statio_user_tables
       ORDER BY pg_total_relation_size(relid) DESC LIMIT 5`,
    );
    await admin.end();
    await close();
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: database.url,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "http://127.0.0.1:9/telegram",
      WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: "info",
    };
    const starts: { ms: number; rss: number; rssAfter: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const instance = await startInstance(env, await freePort());
      const rss = rssMb(instance.child.pid!);
      // a minute's scheduler tick and outbox polls on the seeded data (JOBS_ENABLED defaults to true)
      await new Promise((resolve) => setTimeout(resolve, 5000));
      starts.push({ ms: instance.startupMs, rss, rssAfter: rssMb(instance.child.pid!) });
      await instance.stop();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
    console.log(
      JSON.stringify({
        cells,
        members: cells * MEMBERS_PER_CELL,
        meetings: cells * MONTHS,
        attendanceRows: cells * MEMBERS_PER_CELL * MONTHS,
        rsvpRows: cells * MEMBERS_PER_CELL * MONTHS,
        seedSeconds,
        emptyDatabaseMb: +(emptyBytes / 1048576).toFixed(1),
        databaseMb: +(bytes / 1048576).toFixed(1),
        perCellKb: Math.round((bytes - emptyBytes) / 1024 / cells),
        largestTablesMb: tables.rows.map((t) => `${t.name} ${(Number(t.bytes) / 1048576).toFixed(1)}`),
        startupMsMedian: median(starts.map((s) => s.ms)),
        startupMsEvery: starts.map((s) => s.ms),
        rssAfterStartMb: median(starts.map((s) => s.rss)),
        rssAfter5sMb: median(starts.map((s) => s.rssAfter)),
      }),
    );
    await database.drop();
  }
  await fake.close();
}

const [part, a, b, c] = process.argv.slice(2);
if (part === "storm") await storm((a ?? "1,2,4").split(",").map(Number), Number(b ?? 20), c ?? "interleaved");
else if (part === "wave") await wave(Number(a ?? 900), Number(b ?? 2));
else if (part === "size") await size((a ?? "50,200").split(",").map(Number));
else throw new Error("usage: bench/instances.ts storm|wave|size …");
process.exit(0);
