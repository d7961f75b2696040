// The answer storm (issue 3): the 14 cells of the fixture ward, every member answering the announcement within a
// few seconds, through the real bot against the fake Bot API (which enforces Telegram's limits).
// Reports handler latency (p50/p95/p99 from the bot's own "update handled" log lines), answers per second, tally
// edits per announcement, 429s, memory, and whether every final tally is exact.
// Run: npx tsx bench/rsvp-storm.ts   (set TEST_DATABASE_URL=postgresql://… for PostgreSQL)
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../src/db/client.js";
import { meetingTally } from "../src/domain/meeting-service.js";
import { createTranslations } from "../src/i18n.js";
import { tallyLine } from "../src/render/meeting.js";
import { startHarness } from "../test/support/harness.js";
import type { FakeChat, FakeUser } from "../test/support/fake-telegram/index.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test", "support", "fixtures");
const ward = JSON.parse(readFileSync(path.join(fixtures, "ward.json"), "utf8")) as { cells: { name: string; roster: string }[] };
const NOW = new Date("2026-11-25T03:00:00Z");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const h = await startHarness({ now: () => NOW, env: { LOG_LEVEL: "info" } });
const tapLast = async (user: FakeUser, chat: FakeChat | "private", data: string) => {
  const target = chat === "private" ? user : chat;
  const message = h.fake.lastMessage(target)!;
  await h.fake.pressButton(user, chat, message.message_id, (b) => b.callback_data === data);
};

interface CellUnderTest {
  group: FakeChat;
  members: FakeUser[];
  announcementId: number;
  code: string;
}
const cells: CellUnderTest[] = [];
for (const [index, spec] of ward.cells.entries()) {
  const secretary = h.fake.user({ first_name: `Bí thư ${index + 1}` });
  const group = h.fake.createGroup({ title: spec.name, creator: secretary, type: "supergroup" });
  await h.fake.sendText(secretary, group, "/setup");
  await tapLast(secretary, group, "setup:title");
  await tapLast(secretary, group, "setup:type:residential");
  await tapLast(secretary, group, "setup:ok");
  await h.fake.sendText(secretary, "private", "/start");
  await h.fake.sendDocument(secretary, "private", {
    fileName: spec.roster,
    mimeType: "text/csv",
    content: readFileSync(path.join(fixtures, spec.roster)),
  });
  const preview = h.fake.lastMessage(secretary)!;
  await h.fake.pressButton(secretary, "private", preview.message_id, (b) => b.callback_data?.startsWith("imp:ok:") ?? false);
  await h.fake.sendText(secretary, "private", "/newmeeting");
  for (const data of ["nm:pick:type:regular"]) await tapLast(secretary, "private", data);
  await h.fake.sendText(secretary, "private", `19h30 ngày ${5 + (index % 20)}/12`);
  await h.fake.sendText(secretary, "private", "Nhà văn hóa");
  for (const data of ["nm:pick:agenda-ok", "nm:pick:suggest:0", "nm:pick:skip", "nm:pick:minutes:90", "nm:pick:deadline:2h"])
    await tapLast(secretary, "private", data);
  const lastPrompt = h.fake.lastMessage(secretary)!;
  if (lastPrompt.text.includes("Vẫn giữ")) await tapLast(secretary, "private", "nm:pick:keep");
  await tapLast(secretary, "private", "nm:pick:publish");
  const binding = await h.db.chatBinding.findFirstOrThrow({ where: { chatId: String(group.id) } });
  const meeting = await h.db.meeting.findFirstOrThrow({ where: { cellId: binding.cellId! } });
  const roster = await h.db.member.findMany({ where: { cellId: binding.cellId!, membership: { not: "removed" } } });
  const members: FakeUser[] = [];
  for (const entry of roster) {
    const user = h.fake.user({ first_name: entry.fullName.split(" ").at(-1)! });
    void h.fake.addUserToGroup(group, user);
    await h.db.platformIdentity.create({
      data: { platform: "telegram", platformUserId: String(user.id), displayName: user.first_name, memberId: entry.id },
    });
    members.push(user);
  }
  await h.fake.settled();
  cells.push({ group, members, announcementId: h.fake.lastMessage(group)!.message_id, code: meeting.code });
}

const logsBefore = h.logs.length;
const editsBefore = h.fake.stats.edits;
const rateLimitedBefore = h.fake.stats.rateLimited;
const totalAnswers = cells.reduce((sum, cell) => sum + cell.members.length, 0);
const started = performance.now();
await Promise.all(
  cells.flatMap((cell) =>
    cell.members.map((member, i) =>
      h.fake.pressButton(
        member,
        cell.group,
        cell.announcementId,
        (b) => b.callback_data === (i % 4 === 0 ? `rsvp:n:${cell.code}` : `rsvp:y:${cell.code}`),
      ),
    ),
  ),
);
const answeredMs = performance.now() - started;
await h.app.stop(); // flushes the last coalesced tally edits
const check = await openDatabase(h.database.url, { migrate: false }); // a restart would repair a stale tally: read directly
const latencies = h.logs
  .slice(logsBefore)
  .filter((line) => line.msg === "update handled" && line.update_type === "callback_query")
  .map((line) => Number(line.ms))
  .sort((a, b) => a - b);

// Exact means: every tap is stored, and the announcement shows the tally the database holds after the storm.
const translations = await createTranslations("vi");
let exact = 0;
for (const cell of cells) {
  const meeting = await check.db.meeting.findUniqueOrThrow({ where: { code: cell.code } });
  const stored = await check.db.rsvp.count({ where: { meetingId: meeting.id } });
  const expectedLine = tallyLine(translations.t("vi"), await meetingTally(check.db, meeting)).replace(/<[^>]+>/g, "");
  const text = h.fake.messages(cell.group).find((m) => m.message_id === cell.announcementId)?.text ?? "";
  if (stored === cell.members.length && text.includes(expectedLine)) exact++;
}
const report = {
  database: h.database.provider,
  cells: cells.length,
  answers: totalAnswers,
  seconds: +(answeredMs / 1000).toFixed(2),
  answersPerSecond: Math.round(totalAnswers / (answeredMs / 1000)),
  latencyMs: {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1),
  },
  tallyEditsPerAnnouncement: +((h.fake.stats.edits - editsBefore) / cells.length).toFixed(1),
  rateLimited429: h.fake.stats.rateLimited - rateLimitedBefore,
  exactFinalTallies: `${exact}/${cells.length}`,
  rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
};
console.log(JSON.stringify(report, null, 2));
await check.close();
await h.fake.close();
await h.database.drop();
process.exit(0);
