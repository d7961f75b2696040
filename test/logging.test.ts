import { Writable } from "node:stream";
import { Api, HttpError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import {
  announceMeeting,
  byData,
  dataStartsWith,
  groupMember,
  importRoster,
  last,
  linkedMembers,
  openPrivateChat,
  setUpCell,
} from "./support/builders.js";
import { freePort, startHarness, type Harness } from "./support/harness.js";

// What an operator keeps at the default LOG_LEVEL=info must hold no member's data and no secret: names, reasons,
// what people typed, the bot token, the webhook secret. A realistic evening runs through the bot (webhook mode, so
// there is a secret), including the failures that log errors: a member who blocked the bot, a send that fails.

const NOW = new Date("2026-11-25T03:00:00Z");
const REASON = "đi công tác Hải Phòng với đoàn kiểm tra";
const QUESTION = "cho em hỏi mấy giờ bắt đầu ạ";
const TYPED_REASON = "con nhỏ bị sốt xuất huyết";

let h: Harness;
afterEach(async () => h?.stop());

describe("logs at info level", () => {
  it("hold counts and ids, never members' names, what they wrote, the bot token or the webhook secret", async () => {
    h = await startHarness({ mode: "webhook", env: { LOG_LEVEL: "info" }, now: () => NOW });
    const { secretary, group, cell } = await setUpCell(h);
    await openPrivateChat(h, secretary);
    await importRoster(h, secretary, "cell-14.csv");
    const meeting = await announceMeeting(h, secretary);
    const announcement = last(h, group);
    const [absent, attending, quiet] = await linkedMembers(h, group, cell.id, 3, { startedBot: true });

    // answers: absent with a typed reason in the private chat, attending by a tap, a question typed in reply
    await h.fake.pressButton(absent!, group, announcement.message_id, byData(`rsvp:n:${meeting.code}`));
    const question = await h.fake.waitFor(() => h.fake.messages(absent!).find((m) => m.text.includes("ý do vắng")));
    await h.fake.sendText(absent!, "private", REASON, { replyTo: question.message_id });
    await h.fake.pressButton(attending!, group, announcement.message_id, byData(`rsvp:y:${meeting.code}`));
    await h.fake.sendText(quiet!, group, QUESTION, { replyTo: announcement.message_id });
    await h.fake.sendText(quiet!, group, `xin phép vắng vì ${TYPED_REASON}`, { replyTo: announcement.message_id });

    // a claim approved while the member has blocked the bot: telling them fails (403) and is logged
    const claimant = await groupMember(h, group, { first_name: "Hùng", last_name: "Phạm Thanh", username: "hung_pt" });
    await openPrivateChat(h, claimant);
    await h.fake.sendText(claimant, group, "/iam Phạm Thanh Hùng");
    await h.fake.pressButton(claimant, group, last(h, group).message_id, dataStartsWith("lk:c:"));
    h.fake.blockBot(claimant);
    await h.fake.pressButton(secretary, "private", last(h, secretary).message_id, dataStartsWith("lk:a:"));

    // the secretary searches the roster and opens a card; a reply fails on Telegram's side and is logged as an error
    await h.fake.sendText(secretary, "private", "/members Hứa Kim Oanh");
    h.fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: message is too long" });
    await h.fake.sendText(secretary, "private", "/members Lương Kim Nhung");
    await h.fake.settled();

    const roster = await h.db.member.findMany({ where: { cellId: cell.id } });
    const reasons = (await h.db.rsvp.findMany({ where: { reason: { not: null } } })).map((r) => r.reason!);
    expect(reasons).toEqual(expect.arrayContaining([REASON]));
    const secrets = [h.config.telegram!.token, h.config.webhook!.secret];
    const personal = [
      ...roster.map((m) => m.fullName),
      "Hứa Minh Đạt", // the secretary's Telegram name
      "hung_pt",
      ...reasons,
      REASON,
      QUESTION,
      TYPED_REASON,
    ];

    expect(h.logs.length).toBeGreaterThan(20);
    expect(h.logs.every((line) => Number(line.level) >= 30)).toBe(true);
    const leaks = h.logs.flatMap((line) => {
      const text = JSON.stringify(line);
      return [...secrets, ...personal].filter((value) => text.includes(value)).map((value) => `${value} in ${text}`);
    });
    expect(leaks).toEqual([]);
    // the failures were logged (so the check above saw them), by what failed, not by what was in it
    expect(h.logs.some((line) => line.msg === "could not tell the member about the decision")).toBe(true);
    expect(h.logs.some((line) => line.msg === "update handling failed")).toBe(true);
  });

  it("keep the bot token out of a network failure, although the failed request's URL carries it", async () => {
    // the bot's own API client, as the poller and the sender use it, when Telegram cannot be reached
    const token = "123456:SECRET-token-in-the-url";
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(
          ...chunk
            .toString("utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        );
        done();
      },
    });
    const logger = createLogger("info", sink);
    const api = new Api(token, { apiRoot: `http://127.0.0.1:${await freePort()}` });
    const error = await api.getMe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    logger.warn({ err: error, retryInMs: 500 }, "telegram polling failed; the batch will come again");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).toContain("ECONNREFUSED"); // the cause is still there to read
    expect(JSON.stringify(lines[0])).not.toContain("SECRET-token");
  });
});
