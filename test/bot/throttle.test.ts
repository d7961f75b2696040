import { describe, expect, it } from "vitest";
import { KeyedThrottle } from "../../src/bot/throttle.js";

// The tally and the questions for reasons run through this throttle: a run that another instance's budget refused
// must be tried again when the budget allows (else the tally stays behind), and never more often than asked.
describe("the keyed throttle", () => {
  it("runs again after the wait a refused run asks for, then stops retrying once it succeeds", async () => {
    const runs: number[] = [];
    const started = Date.now();
    const throttle = new KeyedThrottle(
      1_000,
      (key) => {
        runs.push(Date.now() - started);
        return Promise.resolve(runs.length < 3 && key === "m1" ? 50 : undefined);
      },
      () => undefined,
    );
    throttle.request("m1");
    await throttle.idle();
    expect(runs).toHaveLength(3);
    // the retries follow the asked-for 50 ms, not the 1 s between ordinary runs
    expect(runs[2]!).toBeLessThan(900);
  });

  it("merges requests arriving while a run waits into one run", async () => {
    let count = 0;
    const throttle = new KeyedThrottle(
      100,
      () => {
        count++;
        return Promise.resolve();
      },
      () => undefined,
    );
    throttle.request("m1");
    await throttle.idle();
    for (let i = 0; i < 5; i++) throttle.request("m1");
    await throttle.idle();
    expect(count).toBe(2);
  });

  it("does not retry after it was stopped", async () => {
    let count = 0;
    const throttle = new KeyedThrottle(
      10,
      () => {
        count++;
        return Promise.resolve(20);
      },
      () => undefined,
    );
    throttle.request("m1");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await throttle.stop();
    const after = count;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count).toBe(after);
  });
});
