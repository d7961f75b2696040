import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import { DEFAULT_RUBRIC, RatingError, parseScores, parseVote, type Vote } from "../../src/domain/rating.js";

// The vote on the resolution and the meeting's scores, as the chair types them at /close.

/** Throws only refusals the bot can explain (a RatingError, which is a DomainError). */
function refusesPolitely(parse: () => unknown) {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(RatingError);
    expect(error).toBeInstanceOf(DomainError);
  }
}

const noise = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc
    .array(
      fc.oneof(
        fc.nat({ max: 200 }).map(String),
        fc.constantFrom(
          "tán thành",
          "không",
          "biểu quyết",
          "phản đối",
          "chuẩn bị",
          "điểm danh",
          "tổng",
          "điểm",
          "/",
          ",",
          "-",
          ".",
        ),
        fc.constantFrom("%", "1.5", "-3", "for", "against", "abstain", "=", ":", "\n"),
      ),
      { maxLength: 12 },
    )
    .map((words) => words.join(" ")),
);

const count = fc.nat({ max: 500 });
const vote = fc.record({ for: count, against: count, abstain: count });

/** How a side is named, with and without diacritics, Vietnamese or English. */
const SIDE_WORDS: Record<keyof Vote, string[]> = {
  for: ["tán thành", "tan thanh", "đồng ý", "nhất trí", "for", "yes"],
  against: ["không tán thành", "khong tan thanh", "phản đối", "against", "no"],
  abstain: ["không biểu quyết", "khong bieu quyet", "phiếu trắng", "abstain"],
};

describe("parseVote", () => {
  it("never fails with anything but a refusal it can explain", () => {
    fc.assert(
      fc.property(noise, (text) => refusesPolitely(() => parseVote(text))),
      { numRuns: 2000 },
    );
  });

  it('reads "for/against/abstain" back, whatever the separators', () => {
    fc.assert(
      fc.property(vote, fc.constantFrom("/", " ", "-", " / ", ", ", " - "), (v, separator) => {
        expect(parseVote([v.for, v.against, v.abstain].join(separator))).toEqual(v);
      }),
    );
  });

  it("reads the sides named in any order, the count before or after, and a side left out as 0", () => {
    fc.assert(
      fc.property(
        vote,
        fc.shuffledSubarray(["for", "against", "abstain"] as const, { minLength: 1 }),
        fc.boolean(),
        fc.constantFrom(", ", "; ", " "),
        fc.nat(),
        (v, sides, countFirst, separator, pick) => {
          const named = sides.map((side) => {
            const words = SIDE_WORDS[side];
            const word = words[pick % words.length]!;
            return countFirst ? `${v[side]} ${word}` : `${word} ${v[side]}`;
          });
          const expected = { for: 0, against: 0, abstain: 0 };
          for (const side of sides) expected[side] = v[side];
          expect(parseVote(named.join(separator))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("parseScores with the default rubric", () => {
  const parts = DEFAULT_RUBRIC.parts;
  const scores = fc.tuple(...parts.map((part) => fc.integer({ min: 0, max: part.max })));
  const PART_WORDS: Record<string, string> = {
    preparation: "chuẩn bị",
    attendance: "điểm danh",
    conduct: "tiến hành",
    closing: "kết thúc",
  };

  it("never fails with anything but a refusal it can explain", () => {
    fc.assert(
      fc.property(noise, (text) => refusesPolitely(() => parseScores(text, DEFAULT_RUBRIC))),
      { numRuns: 2000 },
    );
  });

  it("reads the scores in rubric order back", () => {
    fc.assert(
      fc.property(scores, fc.constantFrom(" ", "/", ", ", " - "), (values, separator) => {
        const expected = Object.fromEntries(parts.map((part, i) => [part.key, values[i]]));
        expect(parseScores(values.join(separator), DEFAULT_RUBRIC)).toEqual(expected);
      }),
    );
  });

  it("reads the scores named in any order, with a total that matches, and refuses one that does not", () => {
    fc.assert(
      fc.property(
        scores,
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        (values, order, withTotal, off) => {
          const expected = Object.fromEntries(parts.map((part, i) => [part.key, values[i]]));
          const sum = values.reduce((a, b) => a + b, 0);
          const named = order.map((i) => `${PART_WORDS[parts[i]!.key]} ${values[i]}`).join(", ");
          expect(parseScores(withTotal ? `${named}, tổng ${sum}` : named, DEFAULT_RUBRIC)).toEqual(expected);
          expect(() => parseScores(`${named}, tổng ${sum + off}`, DEFAULT_RUBRIC)).toThrow(RatingError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses a score above its part's maximum", () => {
    fc.assert(
      fc.property(scores, fc.nat({ max: 3 }), fc.integer({ min: 1, max: 50 }), (values, index, over) => {
        const raised = values.map((value, i) => (i === index ? parts[i]!.max + over : value));
        expect(() => parseScores(raised.join(" "), DEFAULT_RUBRIC)).toThrow(RatingError);
      }),
    );
  });
});
