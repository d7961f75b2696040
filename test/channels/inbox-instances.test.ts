import { createServer, request, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { FakeTelegram, type FakeUser } from "../support/fake-telegram/index.js";
import { publishedCell } from "../support/published-cell.js";
import { freePort } from "../support/harness.js";
import { startProcess, type Run } from "../support/process.js";

// Two real instances behind a round-robin "load balancer", on one PostgreSQL database, as a province would run them.
let fake: FakeTelegram | undefined;
let database: TestDatabase | undefined;
let db: Database | undefined;
let balancer: Server | undefined;
const runs: Run[] = [];
const SECRET = "instances-webhook-secret";

afterEach(async () => {
  for (const run of runs.splice(0)) run.kill("SIGKILL");
  await new Promise((resolve) => (balancer ? balancer.close(resolve) : resolve(undefined)));
  await db?.close();
  await fake?.close();
  await database?.drop();
  fake = db = database = balancer = undefined;
});

/** Forwards each webhook call to the next instance in turn, as a load balancer would. */
async function roundRobin(ports: number[]): Promise<number> {
  let next = 0;
  const port = await freePort();
  balancer = createServer((req, res) => {
    const target = ports[next++ % ports.length]!;
    const forward = request(
      { host: "127.0.0.1", port: target, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => balancer!.listen(port, "127.0.0.1", resolve));
  return port;
}

async function twoInstances() {
  fake = await FakeTelegram.start({ deliveryTimeoutMs: 60_000 });
  database = await createTestDatabase();
  db = await openDatabase(database.url);
  const ports = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${await roundRobin(ports)}/telegram`;
  for (const port of ports) {
    const run = startProcess({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: database.url,
      BOT_MODE: "webhook",
      WEBHOOK_URL: url,
      WEBHOOK_SECRET: SECRET,
      HTTP_PORT: String(port),
      JOBS_ENABLED: "false",
    });
    runs.push(run);
    await run.waitForOutput("chibo is running");
  }
}

describe("several instances behind a load balancer", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "a conversation goes on whichever instance gets the next update, and one chat's updates are handled in order",
    async () => {
      await twoInstances();
      const secretary = fake!.user({ first_name: "Đạt", username: "bithu" });
      const group = fake!.createGroup({ title: "Chi bộ khối 7", creator: secretary });
      // /setup's three steps alternate between the instances
      await fake!.sendText(secretary, group, "/setup");
      for (const data of ["setup:title", "setup:type:residential", "setup:ok"]) {
        const question = fake!.lastMessage(group)!;
        await fake!.pressButton(secretary, group, question.message_id, (button) => button.callback_data === data);
      }
      const cell = await db!.db.cell.findFirstOrThrow({ include: { bindings: true } });
      expect(cell.name).toBe("Chi bộ khối 7");
      const handledBy = await db!.db.inboundUpdate.groupBy({ by: ["claimedBy"], _count: true });
      expect(handledBy.length).toBe(2);

      // twelve changes of the usual place arrive at once (the group's 20 messages a minute bound the replies) (stored together, as two webhooks would store them);
      // both instances compete for them, and must take them one at a time, in order
      await db!.db.inboundUpdate.createMany({
        data: Array.from({ length: 12 }, (_, i) => ({
          platform: "telegram",
          updateId: String(500_001 + i),
          chatKey: `telegram:${group.id}`,
          availableAt: Date.now(),
          payload: JSON.stringify({
            update_id: 500_001 + i,
            message: {
              message_id: 10_001 + i,
              date: Math.floor(Date.now() / 1000),
              chat: { id: group.id, type: "group", title: "Chi bộ khối 7" },
              from: { id: secretary.id, is_bot: false, first_name: "Đạt", username: "bithu" },
              text: `/settings place Nơi ${i + 1}`,
              entities: [{ type: "bot_command", offset: 0, length: 9 }],
            },
          }),
        })),
      });
      const placeChanges = () => db!.db.auditLog.findMany({ where: { action: "setting_place" }, orderBy: { at: "asc" } });
      for (let i = 0; i < 400 && (await placeChanges()).length < 12; i++) await new Promise((r) => setTimeout(r, 50));
      const changes = await placeChanges();
      expect(changes.map((entry) => (JSON.parse(entry.after!) as { value: string }).value)).toEqual(
        Array.from({ length: 12 }, (_, i) => `Nơi ${i + 1}`),
      );
      expect((await db!.db.cell.findUniqueOrThrow({ where: { id: cell.id } })).usualPlace).toBe("Nơi 12");
    },
    120_000,
  );

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "members answering in one group through two instances for a minute: no 429 from Telegram, and the tally ends exact",
    async () => {
      await twoInstances();
      const cell = await publishedCell(fake!, db!.db, {
        title: "Chi bộ Trường Tiểu học Đông Kinh",
        roster: "cell-12.csv",
        day: 9,
      });
      const rateLimitedBefore = fake!.stats.rateLimited;
      // members change their minds, "absent" (a tally edit and a question for the reason, from each instance) then
      // "attend", twice over: two taps a second for about 45 s, far more than the group's 20 messages a minute
      const tap = (member: FakeUser, answer: "y" | "n") =>
        fake!.pressButton(member, cell.group, cell.announcementId, (b) => b.callback_data === `rsvp:${answer}:${cell.code}`);
      for (const answer of ["n", "y", "n", "y"] as const) {
        for (const member of cell.members) {
          await Promise.all([tap(member, answer), new Promise((resolve) => setTimeout(resolve, 550))]);
        }
      }
      const total = cell.members.length;
      const tallyShown = () => fake!.messages(cell.group).find((m) => m.message_id === cell.announcementId)?.text ?? "";
      for (let i = 0; i < 300 && !tallyShown().includes(`✅ ${total} sẽ dự · ❌ 0 vắng`); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(tallyShown()).toContain(`✅ ${total} sẽ dự · ❌ 0 vắng có lý do · ⏳ 0 chưa trả lời`);
      expect(await db!.db.rsvp.count({ where: { meetingId: cell.meetingId, answer: "attend" } })).toBe(total);
      expect(fake!.stats.rateLimited - rateLimitedBefore).toBe(0);
      // both instances did the work, and both edited the tally or asked for reasons
      const handledBy = await db!.db.inboundUpdate.groupBy({ by: ["claimedBy"], _count: true });
      expect(handledBy.length).toBe(2);
      const reasonQuestions = fake!
        .messages(cell.group)
        .filter((m) => m.text.includes(cell.code) && m.message_id > cell.announcementId);
      expect(reasonQuestions.length).toBeGreaterThan(0);
    },
    180_000,
  );
});
