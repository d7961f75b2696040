import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeTally,
  paginateNames,
  sortNamesVietnamese,
  tallySignature,
  type TallyAnswer,
  type TallyMember,
} from "../../src/domain/tally.js";

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Đỗ", "Bùi", "Võ", "Dương", "Vũ", "Ngô"];
const MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu"];
const GIVEN = ["An", "Ân", "Bình", "Chi", "Dũng", "Đạt", "Hà", "Hải", "Lan", "Mai", "Nam", "Ơn", "Thảo", "Ước", "Yến"];

function nameOf(i: number): string {
  return `${FAMILY[i % FAMILY.length]} ${MIDDLE[Math.floor(i / 12) % MIDDLE.length]} ${GIVEN[Math.floor(i / 7) % GIVEN.length]}`;
}

function member(i: number, membership: TallyMember["membership"] = "active", group: string | null = null): TallyMember {
  return { id: `m${i}`, name: nameOf(i), group, membership };
}

describe("the live tally", () => {
  it("counts a 135-member cell with 54 exempt members as 81 expected", () => {
    const members = [
      ...Array.from({ length: 81 }, (_, i) => member(i, "active")),
      ...Array.from({ length: 54 }, (_, i) => member(100 + i, "exempt")),
      member(900, "transferred_out"),
      member(901, "transferred_out"),
    ];
    const answers: TallyAnswer[] = [
      ...Array.from({ length: 60 }, (_, i) => ({ memberId: `m${i}`, answer: "attend" as const })),
      ...Array.from({ length: 10 }, (_, i) => ({ memberId: `m${60 + i}`, answer: "absent" as const, reason: "ốm" })),
      ...Array.from({ length: 5 }, (_, i) => ({ memberId: `m${100 + i}`, answer: "attend" as const })),
      { memberId: "m110", answer: "absent", reason: "già yếu" },
      { memberId: "m900", answer: "attend" }, // transferred out: not counted
      { memberId: "stranger", answer: "attend" }, // unknown or removed: ignored
    ];
    const tally = computeTally(members, answers);
    expect(tally).toMatchObject({
      expected: 81,
      attend: 60,
      absent: 10,
      noAnswer: 11,
      exemptTotal: 54,
      exemptAttending: 5,
    });
    expect(tally.attend + tally.absent + tally.noAnswer).toBe(tally.expected);
    expect(tally.attendingNames).toHaveLength(60);
    expect(tally.absentEntries).toHaveLength(10);
    expect(tally.noAnswerNames).toHaveLength(11);
    expect(tally.exemptAttendingNames).toHaveLength(5);
  });

  it("shows who comes, who is absent with the reason, and who has not answered", () => {
    const members = [
      { id: "a", name: "Trần Văn Bình", membership: "active" as const },
      { id: "b", name: "Lê Thị Lan", membership: "active" as const },
      { id: "c", name: "Nguyễn Văn An", membership: "active" as const },
      { id: "d", name: "Phạm Thị Mai", membership: "exempt" as const },
    ];
    const tally = computeTally(members, [
      { memberId: "a", answer: "attend" },
      { memberId: "b", answer: "absent", reason: "đi công tác" },
      { memberId: "d", answer: "absent", reason: "già yếu" },
    ]);
    expect(tally).toEqual({
      expected: 3,
      attend: 1,
      absent: 1,
      noAnswer: 1,
      exemptTotal: 1,
      exemptAttending: 0,
      attendingNames: ["Trần Văn Bình"],
      absentEntries: [{ name: "Lê Thị Lan", reason: "đi công tác" }],
      noAnswerNames: ["Nguyễn Văn An"],
      exemptAttendingNames: [],
      noAnswerByGroup: [{ group: null, names: ["Nguyễn Văn An"] }],
    });
  });

  it("takes a member's latest answer when they change their mind", () => {
    const tally = computeTally(
      [member(1)],
      [
        { memberId: "m1", answer: "absent", reason: "bận" },
        { memberId: "m1", answer: "attend" },
      ],
    );
    expect(tally).toMatchObject({ attend: 1, absent: 0 });
  });

  it("records an absence without a reason as such", () => {
    expect(computeTally([member(1)], [{ memberId: "m1", answer: "absent" }]).absentEntries).toEqual([
      { name: nameOf(1), reason: null },
    ]);
  });

  it("ignores members removed from the rolls and counts a member listed twice once", () => {
    const tally = computeTally([member(1), member(1), member(2, "removed")], [{ memberId: "m2", answer: "attend" }]);
    expect(tally).toMatchObject({ expected: 1, attend: 0, noAnswer: 1 });
  });

  it("lists names in Vietnamese alphabetical order", () => {
    const names = ["Đỗ Văn Nam", "Dương Thị Hà", "Bùi Văn Ân", "Bùi Văn An", "Ư Văn Ước", "Uông Văn Út"];
    const members = names.map((name, i) => ({ id: `x${i}`, name, membership: "active" as const }));
    const tally = computeTally(members, []);
    expect(tally.noAnswerNames).toEqual(["Bùi Văn An", "Bùi Văn Ân", "Dương Thị Hà", "Đỗ Văn Nam", "Uông Văn Út", "Ư Văn Ước"]);
  });

  it("groups those who have not answered by Party group, so each group leader can remind their own", () => {
    const members = [
      member(1, "active", "Tổ 10"),
      member(2, "active", "Tổ 2"),
      member(3, "active", null),
      member(4, "active", "Tổ 2"),
    ];
    const groups = computeTally(members, [{ memberId: "m4", answer: "attend" }]).noAnswerByGroup;
    expect(groups.map((group) => group.group)).toEqual(["Tổ 2", "Tổ 10", null]);
    expect(groups[0]?.names).toEqual([nameOf(2)]);
  });

  it("always adds up: attend + absent + no answer = expected", () => {
    const membership = fc.constantFrom("active", "exempt", "transferred_out", "removed") as fc.Arbitrary<
      TallyMember["membership"]
    >;
    const members = fc.uniqueArray(
      fc.record({ id: fc.integer({ min: 0, max: 60 }).map(String), name: fc.string(), membership, group: fc.constant(null) }),
      { selector: (m) => m.id, maxLength: 40 },
    );
    const answers = fc.array(
      fc.record({
        memberId: fc.integer({ min: 0, max: 80 }).map(String),
        answer: fc.constantFrom("attend", "absent") as fc.Arbitrary<"attend" | "absent">,
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(members, answers, (ms, as) => {
        const tally = computeTally(ms, as);
        expect(tally.attend + tally.absent + tally.noAnswer).toBe(tally.expected);
        expect(tally.expected).toBe(ms.filter((m) => m.membership === "active").length);
        expect(tally.exemptTotal).toBe(ms.filter((m) => m.membership === "exempt").length);
        expect(tally.exemptAttending).toBeLessThanOrEqual(tally.exemptTotal);
      }),
    );
  });
});

describe("pages of names", () => {
  it("fits the names of a 135-member cell into pages under Telegram's 4,096 characters", () => {
    const names = Array.from({ length: 135 }, (_, i) => nameOf(i));
    const pages = paginateNames(names, 1000);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.join(", ").length).toBeLessThanOrEqual(1000);
    expect(pages.flat()).toEqual(sortNamesVietnamese(names));
    expect(paginateNames(names, 4000)).toHaveLength(1);
  });

  it("has no pages when there are no names", () => {
    expect(paginateNames([], 100)).toEqual([]);
  });

  it("cuts a name too long for any page instead of breaking the limit", () => {
    expect(paginateNames(["Nguyễn Văn An", "x".repeat(50)], 20)).toEqual([["Nguyễn Văn An"], [`${"x".repeat(19)}…`]]);
  });

  it("measures with the separator the bot uses", () => {
    expect(paginateNames(["An", "Bình", "Chi"], 9, "\n")).toEqual([["An", "Bình"], ["Chi"]]);
  });

  it("refuses a page size below one character", () => {
    expect(() => paginateNames(["An"], 0)).toThrow(RangeError);
  });

  it("keeps every name exactly once, in order, with every page within the limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 })),
        fc.integer({ min: 30, max: 500 }),
        (names, maxChars) => {
          const pages = paginateNames(names, maxChars);
          expect(pages.flat()).toEqual(sortNamesVietnamese(names));
          for (const page of pages) {
            expect(page.length).toBeGreaterThan(0);
            expect(page.join(", ").length).toBeLessThanOrEqual(maxChars);
          }
          // Greedy: no page could have taken the next page's first name.
          pages.slice(1).forEach((page, i) => {
            expect([...(pages[i] ?? []), page[0]].join(", ").length).toBeGreaterThan(maxChars);
          });
        },
      ),
    );
  });
});

describe("tally signature", () => {
  const members = [member(1), member(2), member(3, "exempt")];

  it("stays the same when nothing visible changed, so the bot skips the edit", () => {
    const a = computeTally(members, [{ memberId: "m1", answer: "attend" }]);
    const b = computeTally([...members].reverse(), [
      { memberId: "m1", answer: "attend" },
      { memberId: "ghost", answer: "absent" },
    ]);
    expect(tallySignature(a)).toBe(tallySignature(b));
    expect(tallySignature(a)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("changes when an answer or a reason changes", () => {
    const base = computeTally(members, [{ memberId: "m1", answer: "absent", reason: "ốm" }]);
    const otherReason = computeTally(members, [{ memberId: "m1", answer: "absent", reason: "đi công tác" }]);
    const attending = computeTally(members, [{ memberId: "m1", answer: "attend" }]);
    const exemptComing = computeTally(members, [
      { memberId: "m1", answer: "absent", reason: "ốm" },
      { memberId: "m3", answer: "attend" },
    ]);
    const signatures = new Set([base, otherReason, attending, exemptComing].map(tallySignature));
    expect(signatures.size).toBe(4);
  });
});
