import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHECKIN_CODE_LENGTH, checkinCode, matchCheckinCode, readCheckinCode } from "../../src/domain/checkin.js";
import { normalizeCode, randomCode } from "../../src/domain/codes.js";
import { MEETING_CODE_DIGITS, MEETING_CODE_LETTERS, isMeetingCode, meetingCode } from "../../src/domain/meetings.js";

// Codes people type back: invite and chat codes (8 characters), meeting codes ("K7A") and check-in codes ("4071").

const INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
/** Anything a random source might return, including what it should not. */
const wildNumber = fc.oneof(unit, fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 1, -0, 1 - Number.EPSILON));

/** Random numbers replayed in a loop: a deterministic stand-in for Math.random. */
function cycling(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

/** The code as people write it down: any case, spaces or dashes anywhere. */
const typedLike = (code: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: code.length, maxLength: code.length }),
      fc.array(fc.constantFrom("", "", "", " ", "-", "  ", " - ", "\t"), {
        minLength: code.length + 1,
        maxLength: code.length + 1,
      }),
    )
    .map(
      ([lower, gaps]) =>
        [...code].map((c, i) => `${gaps[i] ?? ""}${lower[i] ? c.toLowerCase() : c}`).join("") + (gaps[code.length] ?? ""),
    );

describe("invite and chat codes", () => {
  it("are 8 characters of the unambiguous alphabet", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), (length) => {
        const code = randomCode(length);
        expect(code).toHaveLength(length);
        expect([...code].every((c) => INVITE_ALPHABET.includes(c))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("are recognised however they are typed back", () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: fc.constantFrom(...INVITE_ALPHABET), minLength: 8, maxLength: 8 })
          .chain((code) => typedLike(code).map((typed) => ({ code, typed }))),
        ({ code, typed }) => {
          expect(normalizeCode(typed)).toBe(code);
        },
      ),
    );
  });

  it("normalise to the same thing twice, and never throw", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const once = normalizeCode(text);
        expect(normalizeCode(once)).toBe(once);
        expect(once).not.toMatch(/[\s-]/);
      }),
    );
  });
});

describe("meeting codes", () => {
  const reference = (text: string) =>
    /^[A-Z2-9]{3,4}$/.test(text) &&
    [...text].every((c) => (MEETING_CODE_LETTERS + MEETING_CODE_DIGITS).includes(c)) &&
    [...text].some((c) => MEETING_CODE_LETTERS.includes(c)) &&
    [...text].some((c) => MEETING_CODE_DIGITS.includes(c));
  const codeLike = fc.oneof(
    fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc-# "), maxLength: 6 }),
    fc.string({ maxLength: 6 }),
  );

  it("isMeetingCode accepts exactly 3–4 characters of the alphabet, mixing a letter and a digit", () => {
    fc.assert(
      fc.property(codeLike, (text) => {
        expect(isMeetingCode(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("are always valid and never one already taken, even with a poor random source", () => {
    fc.assert(
      fc.property(
        fc.array(wildNumber, { minLength: 1, maxLength: 30 }),
        fc.uniqueArray(fc.string({ unit: fc.constantFrom(..."ABCKMX2347"), minLength: 3, maxLength: 3 }), { maxLength: 300 }),
        (draws, taken) => {
          const store = new Set(taken);
          const code = meetingCode((c) => store.has(c), cycling(draws));
          expect(isMeetingCode(code)).toBe(true);
          expect(store.has(code)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("stay unique as a store fills up", () => {
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 300 }), (draws, count) => {
        const store = new Set<string>();
        const random = cycling(draws);
        for (let i = 0; i < count; i++) {
          const code = meetingCode((c) => store.has(c), random);
          expect(isMeetingCode(code)).toBe(true);
          expect(store.has(code)).toBe(false);
          store.add(code);
        }
        expect(store.size).toBe(count);
      }),
      { numRuns: 25 },
    );
  });
});

describe("check-in codes", () => {
  const code = wildNumber.map((r) => checkinCode(() => r));

  it("are 4 digits, never 0000, whatever the random source returns", () => {
    fc.assert(
      fc.property(code, (c) => {
        expect(c).toMatch(new RegExp(`^\\d{${CHECKIN_CODE_LENGTH}}$`));
        expect(c).not.toBe("0000");
        expect(readCheckinCode(c)).toBe(c);
      }),
    );
  });

  it("are read back with spaces, dots, dashes or full-width digits", () => {
    const fullWidth = (digits: string) => [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join("");
    fc.assert(
      fc.property(
        code,
        fc.array(fc.constantFrom("", " ", ".", "-", "–", "  ", "_"), { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        (c, gaps, wide) => {
          const digits = wide ? fullWidth(c) : c;
          const typed = [...digits].map((d, i) => `${gaps[i]}${d}`).join("") + gaps[4];
          expect(readCheckinCode(typed)).toBe(c);
          expect(matchCheckinCode(typed, c)).toBe(true);
        },
      ),
    );
  });

  it("match only their own code, and never throw on any text", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "binary", maxLength: 12 }), code, fc.stringMatching(/^\d{3,5}$/)),
        code,
        (typed, c) => {
          const read = readCheckinCode(typed);
          if (read !== null) expect(read).toMatch(/^\d{4}$/);
          expect(matchCheckinCode(typed, c)).toBe(read === c);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
