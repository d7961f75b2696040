import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_REASON_LENGTH, REASON_CODES, cleanReason, parseRsvpText, reasonCodeOf } from "../../src/domain/rsvp-text.js";

// Answers to an announcement as members type them: "1", "2 ốm", "vắng vì đi công tác", and anything else.
// (rsvp-text.test.ts has the examples and the first properties: never throws, questions are never attending, spacing
// and letter case do not matter.)

/** Reasons members give, each alone a plain reason: no question, no hedge, no word of coming. */
const REASONS = [
  "ốm",
  "bị ốm",
  "sốt cao",
  "đi công tác",
  "đi công tác Hà Nội",
  "trực ca đêm",
  "về quê",
  "việc gia đình",
  "con ốm",
  "mẹ nằm viện",
  "đám cưới em gái",
  "bận việc riêng",
  "việc riêng",
];
const reason = fc.constantFrom(...REASONS);
const politeEnd = fc.constantFrom("", " ạ", " nhé", " 🙏", ".", " ạ.");
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc
    .array(fc.oneof(reason, fc.constantFrom("1", "2", "vắng", "dự", "không", "vì", "do", "?", ",", "\n", "ạ", "em")), {
      maxLength: 10,
    })
    .map((words) => words.join(" ")),
);

describe("the numbered reply", () => {
  it('"1" is attending, however it is dressed', () => {
    fc.assert(
      fc.property(fc.constantFrom("", " ", "  ", "\n"), politeEnd, (space, end) => {
        expect(parseRsvpText(`${space}1${end}${space}`)).toEqual({ kind: "attend" });
      }),
    );
  });

  it('"2 reason" is absent with that reason, cleaned, and its code', () => {
    fc.assert(
      fc.property(reason, fc.constantFrom(" ", "  ", ". ", ", ", " - ", ": "), politeEnd, (why, glue, end) => {
        const parsed = parseRsvpText(`2${glue}${why}${end}`);
        expect(parsed).toEqual({ kind: "absent", reason: cleanReason(why), reasonCode: reasonCodeOf(why) });
      }),
    );
  });

  it('a reply starting with "1" is never absent, one starting with "2" never attending', () => {
    fc.assert(
      fc.property(anyText, (rest) => {
        expect(parseRsvpText(`1 ${rest}`).kind).not.toBe("absent");
        expect(parseRsvpText(`2 ${rest}`).kind).not.toBe("attend");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("reasons", () => {
  it("an absence's reason is clean, bounded, on one line, and carries a code exactly when it exists", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseRsvpText(text);
        if (parsed.kind !== "absent") return;
        expect(parsed.reason === null).toBe(parsed.reasonCode === null);
        if (parsed.reason === null) return;
        expect([...parsed.reason].length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
        expect(parsed.reason).not.toMatch(/[\r\n]/);
        expect(parsed.reason).toBe(parsed.reason.trim());
        expect(REASON_CODES).toContain(parsed.reasonCode);
      }),
      { numRuns: 2000 },
    );
  });

  it("cleaning a reason that was not cut changes nothing more", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = cleanReason(text);
        if (once === null || [...once].length >= MAX_REASON_LENGTH) return;
        expect(cleanReason(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it("a reason cut to length ends in an ellipsis and keeps its beginning", () => {
    fc.assert(
      fc.property(reason, fc.integer({ min: 30, max: 120 }), (why, times) => {
        const long = Array.from({ length: times }, () => why).join(" ");
        const cut = cleanReason(long)!;
        if ([...long].length <= MAX_REASON_LENGTH) return;
        // cut at the limit, less the space the cut may have ended on
        expect([...cut].length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
        expect([...cut].length).toBeGreaterThanOrEqual(MAX_REASON_LENGTH - 1);
        expect(cut.endsWith("…")).toBe(true);
        expect(long.startsWith(cut.slice(0, -1).trimEnd())).toBe(true);
      }),
    );
  });

  it("every reason typed on its own gets a code, and only empty ones none", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.constant(null)), (text) => {
        const code = reasonCodeOf(text);
        if (code === null) expect(text === null || cleanReason(text) === null || text.trim() === "").toBe(true);
        else expect(REASON_CODES).toContain(code);
      }),
      { numRuns: 2000 },
    );
  });
});
