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

describe("the database going away mid-traffic", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "keeps the updates that arrive meanwhile: they are handled once it is back, and the outage is logged",
    async () => {
      proxy = await startTcpProxy(5432);
      const port = proxy.port;
      h = await startHarness({
        databaseUrl: (url) => url.replace("127.0.0.1:5432", `127.0.0.1:${port}`),
        env: { OUTBOX_CLAIM_TIMEOUT_SECONDS: "5" },
      });
      const members = [h.fake.user(), h.fake.user(), h.fake.user()];
      for (const member of members) await openPrivateChat(h, member);
      const before = members.map((member) => h!.fake.messages(member).length);

      proxy.cut();
      const sent = members.map((member) => h!.fake.sendText(member, "private", "/help"));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(members.map((member) => h!.fake.messages(member).length)).toEqual(before); // nothing handled while down
      proxy.restore();

      await Promise.all(sent);
      await h.fake.waitFor(() => members.every((member, i) => h!.fake.messages(member).length === before[i]! + 1), 20_000);
      expect(h.logs.some((line) => line.msg === "telegram polling failed; the batch will come again")).toBe(true);
      expect(await h.db.inboundUpdate.count({ where: { status: { not: "done" } } })).toBe(0);
    },
    60_000,
  );
});
