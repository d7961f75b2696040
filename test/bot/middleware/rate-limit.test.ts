import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openPrivateChat } from "../../support/builders.js";
import { startHarness, type Harness } from "../../support/harness.js";

let h: Harness;
const LIMIT = 20;
beforeEach(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
});
afterEach(async () => h.stop());

describe("rate limiting per person", () => {
  it("answers a flood from one person up to the limit, says so once, and keeps serving everyone else", async () => {
    const flooder = h.fake.user();
    const other = h.fake.user();
    await openPrivateChat(h, flooder);
    await openPrivateChat(h, other);
    const before = h.fake.messages(flooder).length;
    await Promise.all(Array.from({ length: LIMIT + 15 }, () => h.fake.sendText(flooder, "private", "/me")));
    const answers = h.fake.messages(flooder).slice(before);
    expect(answers.filter((m) => m.text.includes("nhanh quá"))).toHaveLength(1);
    expect(answers.length).toBeLessThanOrEqual(LIMIT); // the window also held the two /start
    await h.fake.sendText(other, "private", "/me");
    expect(h.fake.messages(other).at(-1)!.text).not.toContain("nhanh quá");
    expect(h.logs.some((line) => line.msg === "rate limited")).toBe(true);
  });
});
