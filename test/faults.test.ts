import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { byData, fixture, openPrivateChat } from "./support/builders.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { FakeTelegram } from "./support/fake-telegram/index.js";
import { startHarness, type Harness } from "./support/harness.js";
import { startProcess, type Run } from "./support/process.js";

let h: Harness | undefined;
let fake: FakeTelegram | undefined;
let database: TestDatabase | undefined;
const runs: Run[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) run.kill("SIGKILL");
  await h?.stop();
  await fake?.close();
  await database?.drop();
  h = fake = database = undefined;
});

/** A bot process on its own fake Telegram and database, as `npm start` runs it; killed after each test. */
async function processWorld(extraEnv: Record<string, string> = {}) {
  fake = await FakeTelegram.start({ deliveryTimeoutMs: 60_000 });
  database = await createTestDatabase();
  const env = {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: database.url,
    JOBS_ENABLED: "false",
    ...extraEnv,
  };
  const start = async () => {
    const run = startProcess(env);
    runs.push(run);
    await run.waitForOutput("chibo is running");
    return run;
  };
  return { fake, database, start };
}

async function killHard(run: Run) {
  run.kill("SIGKILL");
  await run.exit;
}

describe("faults", () => {
  it("Telegram answering 5xx then 429 to the reply: the member still gets exactly one answer", async () => {
    h = await startHarness();
    const member = h.fake.user();
    await openPrivateChat(h, member);
    const before = h.fake.messages(member).length;
    h.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 1);
    h.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 }, 2);
    await h.fake.sendText(member, "private", "/me");
    expect(h.fake.messages(member)).toHaveLength(before + 1);
  }, 30_000);

  it("a process killed with kill -9 in the middle of a conversation: after a restart the form goes on", async () => {
    const { fake, start } = await processWorld();
    const first = await start();
    const secretary = fake.user({ first_name: "Đạt" });
    const group = fake.createGroup({ title: "Chi bộ khối 9", creator: secretary });
    await fake.sendText(secretary, group, "/setup");
    const question = fake.lastMessage(group)!;
    await killHard(first);

    await start();
    await fake.pressButton(secretary, group, question.message_id, byData("setup:title"));
    await fake.pressButton(secretary, group, fake.lastMessage(group)!.message_id, byData("setup:type:residential"));
    await fake.pressButton(secretary, group, fake.lastMessage(group)!.message_id, byData("setup:ok"));
    expect(fake.lastMessage(group)!.text).toContain("Chi bộ khối 9");
  }, 60_000);

  it("a process killed with kill -9 while it saves a roster import: after a restart the import is saved once, nobody twice", async () => {
    // the dead process's update is taken over quickly
    const { fake, database, start } = await processWorld({ OUTBOX_CLAIM_TIMEOUT_SECONDS: "2" });
    const first = await start();
    const secretary = fake.user({ first_name: "Đạt" });
    const group = fake.createGroup({ title: "Chi bộ khối 7+10", creator: secretary });
    await fake.sendText(secretary, group, "/setup");
    for (const data of ["setup:title", "setup:type:residential", "setup:ok"])
      await fake.pressButton(secretary, group, fake.lastMessage(group)!.message_id, byData(data));
    await fake.sendText(secretary, "private", "/start");
    await fake.sendDocument(secretary, "private", {
      fileName: "cell-01.csv",
      mimeType: "text/csv",
      content: fixture("cell-01.csv"),
    });
    const preview = fake.lastMessage(secretary)!;
    expect(preview.text).toContain("135");

    // the moment the bot says "saving", the process dies: the import is in its transaction, or about to be
    const callsBefore = fake.calls.length;
    const saving = () => fake.calls.slice(callsBefore).some((call) => call.method === "answerCallbackQuery");
    void fake
      .pressButton(secretary, "private", preview.message_id, (b) => b.callback_data?.startsWith("imp:ok:") ?? false)
      .catch(() => undefined);
    await fake.waitFor(saving, 20_000);
    await killHard(first);
    const opened = await openDatabase(database.url, { migrate: false });
    try {
      expect([0, 135]).toContain(await opened.db.member.count()); // all or nothing, never half a roster
      // the tap was still in hand when the process died, so the restart has to handle it again
      expect(await opened.db.inboundUpdate.count({ where: { status: "processing" } })).toBe(1);

      await start();
      const saved = await fake.waitFor(
        () => fake!.messages(secretary).find((m) => m.text.startsWith("✅ Đã lưu danh sách")),
        30_000,
      );
      expect(saved.text).toContain("Tổng số trong tệp: 135");
      const members = await opened.db.member.findMany({ select: { fullName: true } });
      expect(members).toHaveLength(135);
      expect(new Set(members.map((m) => m.fullName)).size).toBe(135);
    } finally {
      await opened.close();
    }
  }, 90_000);
});
