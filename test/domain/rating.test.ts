import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import {
  DEFAULT_RUBRIC,
  RatingError,
  parseScores,
  parseVote,
  scoreMeeting,
  validateRubric,
  type MeetingFacts,
  type Rubric,
} from "../../src/domain/rating.js";

const ALL_MET: MeetingFacts = { fullAttendanceMarks: true, lengthMet: true, participationMet: true, minutesComplete: true };

function scores(preparation: number, attendance: number, conduct: number, closing: number): Record<string, number> {
  return { preparation, attendance, conduct, closing };
}

/** The RatingError a call throws, to check its key and params. */
function ratingError(run: () => unknown): RatingError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RatingError);
    expect(error).toBeInstanceOf(DomainError);
    return error as RatingError;
  }
  throw new Error("expected a RatingError");
}

describe("the rating the chair announces", () => {
  it("100 with every condition met is good (tốt)", () => {
    expect(scoreMeeting(DEFAULT_RUBRIC, scores(15, 20, 45, 20), ALL_MET)).toEqual({
      total: 100,
      rating: "good",
      notGoodBecause: [],
    });
  });

  it("90 with full marks on attendance and every condition met is good", () => {
    expect(scoreMeeting(DEFAULT_RUBRIC, scores(15, 20, 35, 20), ALL_MET)).toMatchObject({ total: 90, rating: "good" });
  });

  it("90 but attendance 19 of 20 is only fair, because of attendance", () => {
    expect(scoreMeeting(DEFAULT_RUBRIC, scores(15, 19, 36, 20), ALL_MET)).toEqual({
      total: 90,
      rating: "fair",
      notGoodBecause: ["attendance"],
    });
  });

  it("full attendance marks but someone absent without reason is only fair", () => {
    expect(scoreMeeting(DEFAULT_RUBRIC, scores(15, 20, 45, 20), { ...ALL_MET, fullAttendanceMarks: false })).toMatchObject({
      rating: "fair",
      notGoodBecause: ["attendance"],
    });
  });

  it("100 but incomplete minutes is only fair", () => {
    expect(scoreMeeting(DEFAULT_RUBRIC, scores(15, 20, 45, 20), { ...ALL_MET, minutesComplete: false })).toEqual({
      total: 100,
      rating: "fair",
      notGoodBecause: ["minutes"],
    });
  });

  it("95 but too short and nobody spoke is fair, with both reasons", () => {
    expect(
      scoreMeeting(DEFAULT_RUBRIC, scores(15, 20, 40, 20), { ...ALL_MET, lengthMet: false, participationMet: false }),
    ).toMatchObject({ total: 95, rating: "fair", notGoodBecause: ["length", "participation"] });
  });

  it.each([
    [scores(15, 20, 34, 20), 89, "fair"],
    [scores(10, 15, 30, 15), 70, "fair"],
    [scores(10, 15, 29, 15), 69, "average"],
    [scores(5, 10, 25, 10), 50, "average"],
    [scores(5, 10, 24, 10), 49, "poor"],
    [scores(0, 0, 0, 0), 0, "poor"],
  ] as const)("%o totals %i: %s", (given, total, rating) => {
    const result = scoreMeeting(DEFAULT_RUBRIC, given, ALL_MET);
    expect(result).toMatchObject({ total, rating });
    expect(result.notGoodBecause).toContain("below_90");
  });

  it("a score above a part's maximum is refused, naming the part and its maximum", () => {
    const error = ratingError(() => scoreMeeting(DEFAULT_RUBRIC, scores(15, 20, 46, 19), ALL_MET));
    expect(error.key).toBe("rating.score_above_max");
    expect(error.params).toEqual({ part: "conduct", max: 45, score: 46 });
  });

  it("negative, fractional and missing scores are refused", () => {
    expect(ratingError(() => scoreMeeting(DEFAULT_RUBRIC, scores(-1, 20, 45, 20), ALL_MET))).toMatchObject({
      key: "rating.bad_score",
      params: { part: "preparation", max: 15 },
    });
    expect(ratingError(() => scoreMeeting(DEFAULT_RUBRIC, scores(15, 19.5, 45, 20), ALL_MET)).key).toBe("rating.bad_score");
    expect(ratingError(() => scoreMeeting(DEFAULT_RUBRIC, scores(15, Number.NaN, 45, 20), ALL_MET)).key).toBe("rating.bad_score");
    expect(
      ratingError(() => scoreMeeting(DEFAULT_RUBRIC, { preparation: 15, attendance: 20, conduct: 45 }, ALL_MET)),
    ).toMatchObject({
      key: "rating.missing_part",
      params: { part: "closing" },
    });
    expect(ratingError(() => scoreMeeting(DEFAULT_RUBRIC, { ...scores(15, 20, 45, 20), bonus: 5 }, ALL_MET))).toMatchObject({
      key: "rating.unknown_part",
      params: { part: "bonus" },
    });
  });

  it("the total is always the sum of the parts, and good only with 90+ and every condition", () => {
    const part = (max: number) => fc.integer({ min: 0, max });
    fc.assert(
      fc.property(
        part(15),
        part(20),
        part(45),
        part(20),
        fc.record({
          fullAttendanceMarks: fc.boolean(),
          lengthMet: fc.boolean(),
          participationMet: fc.boolean(),
          minutesComplete: fc.boolean(),
        }),
        (p, a, c, k, facts) => {
          const result = scoreMeeting(DEFAULT_RUBRIC, scores(p, a, c, k), facts);
          expect(result.total).toBe(p + a + c + k);
          const good = result.total >= 90 && a === 20 && Object.values(facts).every(Boolean);
          expect(result.rating === "good").toBe(good);
          expect(result.notGoodBecause.length === 0).toBe(good);
          if (!good) {
            const expected = result.total >= 70 ? "fair" : result.total >= 50 ? "average" : "poor";
            expect(result.rating).toBe(expected);
          }
        },
      ),
    );
  });
});

describe("a committee's own rubric", () => {
  const CUSTOM: Rubric = {
    parts: [
      { key: "preparation", max: 25 },
      { key: "attendance", max: 25 },
      { key: "conduct", max: 30 },
      { key: "closing", max: 20 },
    ],
  };

  it("25/25/30/20 is accepted and scored with its own maxima", () => {
    expect(() => validateRubric(CUSTOM)).not.toThrow();
    expect(() => validateRubric(DEFAULT_RUBRIC)).not.toThrow();
    expect(scoreMeeting(CUSTOM, scores(25, 25, 25, 20), ALL_MET)).toMatchObject({ total: 95, rating: "good" });
    expect(ratingError(() => scoreMeeting(CUSTOM, scores(25, 25, 31, 19), ALL_MET)).params).toEqual({
      part: "conduct",
      max: 30,
      score: 31,
    });
  });

  it("a rubric without an attendance part relies on the attendance fact alone", () => {
    const rubric: Rubric = {
      parts: [
        { key: "content", max: 60 },
        { key: "spirit", max: 40, label: "Tinh thần phê bình" },
      ],
    };
    expect(scoreMeeting(rubric, { content: 55, spirit: 40 }, ALL_MET)).toMatchObject({ total: 95, rating: "good" });
    expect(scoreMeeting(rubric, { content: 55, spirit: 40 }, { ...ALL_MET, fullAttendanceMarks: false }).rating).toBe("fair");
  });

  it.each([
    [
      "maxima that do not add up to 100",
      {
        parts: [
          { key: "a", max: 50 },
          { key: "b", max: 45 },
        ],
      },
      { reason: "sum", detail: 95 },
    ],
    [
      "the same part twice",
      {
        parts: [
          { key: "a", max: 50 },
          { key: "a", max: 50 },
        ],
      },
      { reason: "duplicate_key", detail: "a" },
    ],
    [
      "a part worth nothing",
      {
        parts: [
          { key: "a", max: 100 },
          { key: "b", max: 0 },
        ],
      },
      { reason: "bad_max", detail: "b" },
    ],
    [
      "a fractional maximum",
      {
        parts: [
          { key: "a", max: 50.5 },
          { key: "b", max: 49.5 },
        ],
      },
      { reason: "bad_max", detail: "a" },
    ],
    ["no parts", { parts: [] }, { reason: "part_count", detail: 0 }],
    [
      "eleven parts",
      { parts: Array.from({ length: 11 }, (_, i) => ({ key: `p${i}`, max: i === 0 ? 0 : 10 })) },
      { reason: "part_count", detail: 11 },
    ],
    ["a key with spaces", { parts: [{ key: "chuẩn bị", max: 100 }] }, { reason: "bad_key", detail: "chuẩn bị" }],
  ] as const)("refuses %s", (_, rubric, params) => {
    const error = ratingError(() => validateRubric(rubric as Rubric));
    expect(error.key).toBe("rating.bad_rubric");
    expect(error.params).toEqual(params);
  });
});

describe("the scores the chair types", () => {
  const expected = scores(15, 18, 40, 20);

  it.each([
    "15 18 40 20",
    "15/18/40/20",
    "15, 18, 40, 20",
    "１５ １８ ４０ ２０",
    "Chuẩn bị 15, điểm danh 18, tiến hành 40, kết thúc 20",
    "chuan bi 15 diem danh 18 tien hanh 40 ket thuc 20",
    "preparation=15 attendance=18 conduct=40 closing=20",
    "Kết thúc: 20; Chuẩn bị: 15; Tham dự: 18; Nội dung: 40",
    "Chuẩn bị 15 điểm, điểm danh 18 điểm, tiến hành 40 điểm, kết thúc 20 điểm",
    "15 điểm chuẩn bị, 18 điểm danh, 40 tiến hành, 20 kết thúc",
    "chuẩn bị 15đ, điểm danh 18đ, tiến hành 40đ, kết thúc 20đ. Tổng 93",
  ])("reads %j", (text) => {
    expect(parseScores(text, DEFAULT_RUBRIC)).toEqual(expected);
  });

  it("a total that is not the sum is pointed out", () => {
    expect(
      ratingError(() => parseScores("chuẩn bị 15, điểm danh 18, tiến hành 40, kết thúc 20, tổng 95", DEFAULT_RUBRIC)),
    ).toMatchObject({
      key: "rating.total_mismatch",
      params: { total: 95, sum: 93 },
    });
  });

  it("three numbers for four parts asks for one score per part", () => {
    expect(ratingError(() => parseScores("15 18 40", DEFAULT_RUBRIC))).toMatchObject({
      key: "rating.wrong_count",
      params: { expected: 4, got: 3 },
    });
  });

  it("a typed score above the maximum is refused", () => {
    expect(ratingError(() => parseScores("15 18 46 20", DEFAULT_RUBRIC))).toMatchObject({
      key: "rating.score_above_max",
      params: { part: "conduct", max: 45, score: 46 },
    });
  });

  it("half points are refused: scores are whole points", () => {
    expect(
      ratingError(() => parseScores("chuẩn bị 14.5, điểm danh 18, tiến hành 40, kết thúc 20", DEFAULT_RUBRIC)),
    ).toMatchObject({
      key: "rating.bad_score",
      params: { part: "preparation", max: 15 },
    });
  });

  it("a part left out, named twice or unknown is pointed out", () => {
    expect(ratingError(() => parseScores("chuẩn bị 15, điểm danh 18, tiến hành 40", DEFAULT_RUBRIC))).toMatchObject({
      key: "rating.missing_part",
      params: { part: "closing" },
    });
    expect(
      ratingError(() => parseScores("chuẩn bị 15, chuẩn bị 14, điểm danh 18, tiến hành 40, kết thúc 20", DEFAULT_RUBRIC)),
    ).toMatchObject({
      key: "rating.duplicate_part",
      params: { part: "preparation" },
    });
    expect(ratingError(() => parseScores("chuẩn bị 15, văn nghệ 18, tiến hành 40, kết thúc 20", DEFAULT_RUBRIC))).toMatchObject({
      key: "rating.unknown_part",
      params: { part: "văn nghệ" },
    });
  });

  it.each(["", "   ", "tốt", "chuẩn bị 15 rất tốt", "100%", "15 18 40 20 😀"])("%j is not a list of scores", (text) => {
    expect(ratingError(() => parseScores(text, DEFAULT_RUBRIC)).key).toBe("rating.unreadable_scores");
  });

  it("a custom rubric's parts are named by their label or key", () => {
    const rubric: Rubric = {
      parts: [
        { key: "content", max: 60 },
        { key: "criticism", max: 40, label: "Tinh thần phê bình" },
      ],
    };
    expect(parseScores("tinh thần phê bình 35, content 50", rubric)).toEqual({ content: 50, criticism: 35 });
    expect(parseScores("50 35", rubric)).toEqual({ content: 50, criticism: 35 });
    // Default words name only parts the rubric has.
    expect(ratingError(() => parseScores("chuẩn bị 15, content 50", rubric)).key).toBe("rating.unknown_part");
  });
});

describe("the vote the chair types", () => {
  it.each([
    "25/2/1",
    "25 2 1",
    "25-2-1",
    "Tán thành 25, không tán thành 2, không biểu quyết 1",
    "tan thanh 25 khong tan thanh 2 khong bieu quyet 1",
    "Không biểu quyết: 1; Tán thành: 25; Không tán thành: 2",
    "25 đ/c tán thành, 2 đ/c không tán thành, 1 đ/c không biểu quyết",
    "25 phiếu đồng ý, 2 phiếu phản đối, 1 phiếu trắng",
    "for 25 against 2 abstain 1",
  ])("reads %j as 25 for, 2 against, 1 abstaining", (text) => {
    expect(parseVote(text)).toEqual({ for: 25, against: 2, abstain: 1 });
  });

  it("a side not mentioned is zero", () => {
    expect(parseVote("Tán thành 28")).toEqual({ for: 28, against: 0, abstain: 0 });
    expect(parseVote("nhất trí 27, không ý kiến 1")).toEqual({ for: 27, against: 0, abstain: 1 });
  });

  it.each([
    "",
    "100% tán thành",
    "25/2",
    "25/2/1/0",
    "tán thành 25, tán thành 3",
    "tán thành 25.5",
    "hoan nghênh 25",
    "tán thành",
  ])("%j is not a vote count", (text) => {
    expect(ratingError(() => parseVote(text)).key).toBe("rating.unreadable_vote");
  });
});
