import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callbackData, featurePattern, parseCallback } from "../../src/bot/callback-data.js";
import { meetingCode } from "../../src/domain/meetings.js";

// Callback data comes back from the user's client, so its parser meets anything a modified client sends; what the
// bot builds must fit Telegram's 64 bytes or fail loudly when built, never be cut.

const MAX_BYTES = 64;
/** Every feature prefix the bot uses (src/bot/features, meeting-keyboards.ts). */
const FEATURES = ["mem", "imp", "lk", "cell", "lang", "setup", "nm", "cl", "rsvp", "px", "ma", "ci", "rc"];

const bytes = (text: string) => Buffer.byteLength(text, "utf8");
/** A part of callback data: any text without the separator, multi-byte characters included. */
const part = fc.string({ unit: "grapheme", maxLength: 12 }).filter((text) => !text.includes(":"));
const feature = fc.oneof(
  fc.constantFrom(...FEATURES),
  part.filter((text) => text.length > 0),
);
const action = part.filter((text) => text.length > 0);
const arg = fc.oneof(part, fc.integer(), fc.nat());
const anyData = fc.oneof(
  fc.string({ unit: "binary", maxLength: 120 }),
  fc.array(fc.oneof(fc.constantFrom(...FEATURES), part, fc.constant("")), { maxLength: 8 }).map((parts) => parts.join(":")),
);

describe("callbackData and parseCallback", () => {
  it("read back what was built, or refuse to build data over 64 bytes", () => {
    fc.assert(
      fc.property(feature, action, fc.array(arg, { maxLength: 6 }), (f, a, args) => {
        const joined = [f, a, ...args.map(String)].join(":");
        if (bytes(joined) > MAX_BYTES) {
          expect(() => callbackData(f, a, ...args)).toThrow(/64 bytes/);
          return;
        }
        const data = callbackData(f, a, ...args);
        expect(data).toBe(joined);
        expect(parseCallback(data, f)).toEqual({ action: a, args: args.map(String) });
        if (FEATURES.includes(f)) expect(featurePattern(f).test(data)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throw on anything a client sends, and only accept data of their own feature", () => {
    fc.assert(
      fc.property(anyData, fc.constantFrom(...FEATURES), (data, f) => {
        const parsed = parseCallback(data, f);
        if (parsed === undefined) return;
        expect(data.startsWith(`${f}:`)).toBe(true);
        expect(parsed.action).not.toBe("");
        expect([f, parsed.action, ...parsed.args].join(":")).toBe(data);
        for (const other of FEATURES.filter((o) => o !== f)) expect(parseCallback(data, other)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("route every feature's data to that feature only", () => {
    fc.assert(
      fc.property(fc.constantFrom(...FEATURES), action, fc.array(part, { maxLength: 3 }), (f, a, args) => {
        const data = [f, a, ...args].join(":");
        for (const other of FEATURES) expect(featurePattern(other).test(data)).toBe(other === f);
      }),
    );
  });
});

describe("the callback data the bot builds", () => {
  /** Database ids are cuids: 25 lower-case letters and digits. */
  const id = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 25, maxLength: 25 });
  const draws = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 40 });
  const cycling = (values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length]!;
  };
  const code = draws.map((values) => meetingCode(() => false, cycling(values)));
  /** Four characters: the first dozen three-character codes drawn are all taken. */
  const longCode = draws.map((values) => {
    let tries = 0;
    return meetingCode(() => tries++ < 12, cycling(values));
  });
  const page = fc.integer({ min: 1, max: 99 });
  const filter = fc.oneof(
    fc.constantFrom("a", "u", "x", "q"),
    fc.integer({ min: 0, max: 11 }).map((n) => `g${n}`),
  );
  const reason = fc.constantFrom("y", "n", "sick", "work", "family", "travel", "other");
  const token = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Buffer.from(b).toString("base64url"));
  const epochMinutes = fc.integer({ min: 0, max: Math.floor(Date.UTC(2100, 0, 1) / 60_000) });

  it("always fits in 64 bytes, with the longest ids and codes", () => {
    fc.assert(
      fc.property(
        fc.record({ id, other: id, code: fc.oneof(code, longCode), page, filter, reason, token, epochMinutes }),
        ({ id, other, code, page, filter, reason, token, epochMinutes }) => {
          const shapes: [string, string, ...(string | number)[]][] = [
            ["mem", "ro", id, 4],
            ["mem", "p", page],
            ["imp", "ok", token],
            ["lk", "d", id, other],
            ["lk", "a", id],
            ["cell", "use", id],
            ["rsvp", "r", code, reason],
            ["rsvp", "lp", code, page],
            ["px", "a", code, id, reason],
            ["px", "p", code, page],
            ["ma", "tr", code, epochMinutes],
            ["ma", "f", code, 29],
            ["ma", "pa", id],
            ["ci", "y", code],
            ["rc", "s", code, id, "x", filter],
            ["rc", "m", code, id, filter],
            ["rc", "p", code, filter, page],
          ];
          for (const [f, a, ...args] of shapes) {
            const data = callbackData(f, a, ...args);
            expect(bytes(data)).toBeLessThanOrEqual(MAX_BYTES);
            expect(parseCallback(data, f)).toEqual({ action: a, args: args.map(String) });
          }
        },
      ),
    );
  });
});
