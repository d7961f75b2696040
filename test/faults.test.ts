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
    fake = await FakeTelegram.start();
    database = await createTestDatabase();
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: database.url,
      JOBS_ENABLED: "false",
    };
    const first = startProcess(env);
    runs.push(first);
    await first.waitForOutput("chibo is running");
    const secretary = fake.user({ first_name: "Đạt" });
    const group = fake.createGroup({ title: "Chi bộ khối 9", creator: secretary });
    await fake.sendText(secretary, group, "/setup");
    const question = fake.lastMessage(group)!;
    first.kill("SIGKILL");
    await first.exit;

    const second = startProcess(env);
    runs.push(second);
    await second.waitForOutput("chibo is running");
    await fake.pressButton(secretary, group, question.message_id, byData("setup:title"));
    await fake.pressButton(secretary, group, fake.lastMessage(group)!.message_id, byData("setup:type:residential"));
    await fake.pressButton(secretary, group, fake.lastMessage(group)!.message_id, byData("setup:ok"));
    expect(fake.lastMessage(group)!.text).toContain("Chi bộ khối 9");
  }, 60_000);

  it("a process killed with kill -9 while it saves a roster import: after a restart the import is saved once, nobody twice", async () => {
    fake = await FakeTelegram.start({ deliveryTimeoutMs: 60_000 });
    database = await createTestDatabase();
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: database.url,
      JOBS_ENABLED: "false",
      OUTBOX_CLAIM_TIMEOUT_SECONDS: "2", // the dead process's update is taken over quickly
    };
    const first = startProcess(env);
    runs.push(first);
    await first.waitForOutput("chibo is running");
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
    const saving = () => fake!.calls.slice(callsBefore).some((call) => call.method === "answerCallbackQuery");
    void fake
      .pressButton(secretary, "private", preview.message_id, (b) => b.callback_data?.startsWith("imp:ok:") ?? false)
      .catch(() => undefined);
    await fake.waitFor(saving, 20_000);
    first.kill("SIGKILL");
    await first.exit;
    const opened = await openDatabase(database.url, { migrate: false });
    try {
      expect([0, 135]).toContain(await opened.db.member.count()); // all or nothing, never half a roster

      const second = startProcess(env);
      runs.push(second);
      await second.waitForOutput("chibo is running");
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
