import { afterEach, describe, expect, it } from "vitest";
import { openPrivateChat } from "../support/builders.js";
import { startHarness, type Harness } from "../support/harness.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

let h: Harness | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  proxy?.restore();
  await h?.stop();
  await proxy?.close();
  h = proxy = undefined;
});

/** As the issue asks: the database unreachable for 30 s while members keep writing. */
const OUTAGE_MS = 30_000;

describe("the database going away mid-traffic", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "keeps the updates that arrive during 30 s without the database: each is answered once it is back, and the outage is logged",
    async () => {
      proxy = await startTcpProxy(5432);
      const port = proxy.port;
      h = await startHarness({
        databaseUrl: (url) => url.replace("127.0.0.1:5432", `127.0.0.1:${port}`),
        env: { OUTBOX_CLAIM_TIMEOUT_SECONDS: "5" },
        fake: { deliveryTimeoutMs: 2 * OUTAGE_MS }, // the members' messages wait out the outage
      });
      const members = [h.fake.user(), h.fake.user(), h.fake.user(), h.fake.user()];
      for (const member of members) await openPrivateChat(h, member);
      const before = members.map((member) => h!.fake.messages(member).length);
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      proxy.cut();
      // two members write as it goes down, two more half-way through
      const sent = members.slice(0, 2).map((member) => h!.fake.sendText(member, "private", "/help"));
      await pause(OUTAGE_MS / 2);
      sent.push(...members.slice(2).map((member) => h!.fake.sendText(member, "private", "/help")));
      await pause(OUTAGE_MS / 2);
      expect(members.map((member) => h!.fake.messages(member).length)).toEqual(before); // nothing handled while down
      proxy.restore();

      await Promise.all(sent);
      const answered = () => members.every((member, i) => h!.fake.messages(member).length === before[i]! + 1);
      expect(await h.fake.waitFor(answered, 30_000)).toBe(true);
      await pause(1_000);
      expect(answered()).toBe(true); // once each, not again
      expect(h.logs.some((line) => line.msg === "telegram polling failed; the batch will come again")).toBe(true);
      expect(h.logs.some((line) => line.msg === "database signals: connection lost, polling until it is back")).toBe(true);
      expect(await h.db.inboundUpdate.count({ where: { status: { not: "done" } } })).toBe(0);
    },
    120_000,
  );
});
