import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDecisionDate } from "../../src/domain/members.js";
import {
  MAX_ROSTER_ROWS,
  ROSTER_FIELDS,
  parseRosterFile,
  parseRosterLines,
  type RosterParseResult,
  type RosterRow,
} from "../../src/domain/roster-import.js";
import {
  GENDERS,
  MEMBER_ROLES,
  MEMBER_STATUSES,
  cleanText,
  mostSenior,
  normalizeName,
  parseGenderWord,
  parseRoleWord,
  parseStatusWord,
  searchKey,
  wordKey,
} from "../../src/domain/roster.js";
import { rowsToTable, toCsv, xlsxBytes } from "../support/roster-files.js";

// Roster files and pasted lines, and the words and names in them. (roster-import.test.ts already checks that pasted
// text never throws and that a generated roster survives CSV in any dialect.)

function assertWellFormed(result: RosterParseResult) {
  expect(["csv", "xlsx", "lines"]).toContain(result.format);
  if (result.fatal) expect(result.rows).toEqual([]);
  expect(result.rows.length).toBeLessThanOrEqual(MAX_ROSTER_ROWS);
  const names = new Set<string>();
  for (const row of result.rows) {
    expect(row.fullName.length).toBeGreaterThan(0);
    expect(row.fullName).toBe(cleanText(row.fullName));
    expect(names.has(normalizeName(row.fullName)), `${row.fullName} twice`).toBe(false);
    names.add(normalizeName(row.fullName));
    expect(row.rowNumber).toBeGreaterThan(0);
    if (row.exemptSince !== null) expect(row.exemptSince).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
  for (const problem of result.problems) expect(problem.rowNumber).toBeGreaterThan(0);
}

const families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Hứa", "Lăng", "Ngô", "Đinh"];
const middles = ["Văn", "Thị", "Đình", "Minh", "Xuân", "Thu", "Kim", "Hồng"];
const givens = ["An", "Bình", "Đạt", "Quân", "Tuấn", "Thảo", "Quyên", "Việt", "Hoa", "Ánh", "Ngân", "Trung"];
const name = fc
  .tuple(fc.constantFrom(...families), fc.constantFrom(...middles), fc.constantFrom(...middles), fc.constantFrom(...givens))
  .map(([family, middle, second, given]) =>
    middle === second ? `${family} ${middle} ${given}` : `${family} ${middle} ${second} ${given}`,
  );

const row = fc.record({
  fullName: name,
  birthYear: fc.option(fc.integer({ min: 1925, max: 2006 })),
  gender: fc.option(fc.constantFrom("male" as const, "female" as const)),
  status: fc.constantFrom("official" as const, "probationary" as const),
  /** Not exempt (null), exempt without a date (null inside), or exempt since that many days after 1 Jan 1995. */
  exemption: fc.option(fc.option(fc.integer({ min: 0, max: 11_000 }))),
  role: fc.constantFrom(...MEMBER_ROLES),
  group: fc.option(fc.integer({ min: 1, max: 12 }).map((n) => `Tổ ${n}`)),
});
const roster = fc.uniqueArray(row, { minLength: 1, maxLength: 30, selector: (r) => normalizeName(r.fullName) }).map((rows) =>
  rows.map(
    (r, index): RosterRow => ({
      rowNumber: index + 2,
      fullName: r.fullName,
      birthYear: r.birthYear,
      gender: r.gender,
      status: r.status,
      exempt: r.exemption !== null,
      exemptSince: r.exemption === null ? null : isoDay(r.exemption),
      role: r.role,
      group: r.group,
    }),
  ),
);

function isoDay(daysAfter1995: number | null): string | null {
  if (daysAfter1995 === null) return null;
  return new Date(Date.UTC(1995, 0, 1) + daysAfter1995 * 86_400_000).toISOString().slice(0, 10);
}

describe("parseRosterFile", () => {
  const magic = fc.constantFrom(
    [],
    [0x50, 0x4b, 0x03, 0x04],
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    [0xff, 0xfe],
    [0xfe, 0xff],
    [0xef, 0xbb, 0xbf],
  );
  const fileName = fc.constantFrom("ds.csv", "ds.xlsx", "ds.txt", "danh sách", "ds.CSV");

  it("never rejects, whatever bytes are uploaded, and gives well-formed rows", async () => {
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 300 }), fileName, async (prefix, body, file) => {
        assertWellFormed(await parseRosterFile(new Uint8Array([...prefix, ...body]), file));
      }),
      { numRuns: 300 },
    );
  });

  it("never rejects on text that looks like a roster but is broken, encoded either way", async () => {
    const cells = fc.oneof(
      fc.constantFrom("STT", "Họ và tên", "Loại đảng viên", "Chính thức", "Dự bị", "Bí thư", "x", "1960", "Tổ 1", '"', ""),
      fc.string({ maxLength: 10 }),
    );
    const table = fc.array(fc.array(cells, { maxLength: 9 }), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.constantFrom("utf8", "utf16le") as fc.Arbitrary<BufferEncoding>,
        fileName,
        async (rows, encoding, file) => {
          const text = `\uFEFF${rows.map((r) => r.join(",")).join("\r\n")}`;
          assertWellFormed(await parseRosterFile(new Uint8Array(Buffer.from(text, encoding)), file));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives back a generated roster saved as CSV in UTF-8 or as Excel's Unicode text", async () => {
    await fc.assert(
      fc.asyncProperty(roster, fc.constantFrom("utf8", "utf16le") as fc.Arbitrary<BufferEncoding>, async (rows, encoding) => {
        const csv = toCsv(rowsToTable(rows), { delimiter: encoding === "utf16le" ? "\t" : ",", bom: true });
        const result = await parseRosterFile(new Uint8Array(Buffer.from(csv, encoding)), "ds.csv");
        expect(result.problems).toEqual([]);
        expect(result.rows).toEqual(rows);
      }),
      { numRuns: 100 },
    );
  });

  it("gives back a generated roster saved as an Excel workbook", async () => {
    await fc.assert(
      fc.asyncProperty(roster, async (rows) => {
        const result = await parseRosterFile(await xlsxBytes(rowsToTable(rows)), "ds.xlsx");
        expect(result.format).toBe("xlsx");
        expect(result.problems).toEqual([]);
        expect(result.rows).toEqual(rows);
      }),
      { numRuns: 15 },
    );
  });
});

describe("parseRosterLines: one member per pasted line", () => {
  const STATUS_WORDS = { official: ["Chính thức", "chinh thuc", "CT"], probationary: ["Dự bị", "du bi", "DB"] };
  const ROLE_WORDS = {
    secretary: ["Bí thư", "bi thu"],
    deputy: ["Phó Bí thư", "PBT"],
    committee_member: ["Chi ủy viên", "chi uy vien"],
    group_leader: ["Tổ trưởng", "to truong"],
    member: ["Đảng viên", "dang vien"],
  };
  const GENDER_WORDS = { male: ["Nam", "nam"], female: ["Nữ", "nu"] };
  const fields = fc.record({
    birthYear: fc.option(fc.integer({ min: 1925, max: 2006 })),
    gender: fc.option(fc.constantFrom("male" as const, "female" as const)),
    status: fc.option(fc.constantFrom("official" as const, "probationary" as const)),
    exempt: fc.boolean(),
    role: fc.option(fc.constantFrom(...MEMBER_ROLES)),
    group: fc.option(fc.integer({ min: 1, max: 12 })),
    spelling: fc.nat(),
  });

  it("reads each member's fields in any order, with defaults for what a line leaves out", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, fields), { minLength: 1, maxLength: 12, selector: ([n]) => normalizeName(n) }),
        fc.constantFrom(", ", ";", "\t", " | ", " - "),
        fc.constantFrom("", "1. ", "- "),
        fc.nat(),
        (members, delimiter, marker, seed) => {
          const expected: RosterRow[] = [];
          const lines = members.map(([fullName, f], index) => {
            const pick = <T>(words: readonly T[]) => words[f.spelling % words.length]!;
            const parts: [keyof RosterRow | "exempt", string][] = [];
            if (f.birthYear !== null) parts.push(["birthYear", String(f.birthYear)]);
            if (f.gender !== null) parts.push(["gender", pick(GENDER_WORDS[f.gender])]);
            if (f.status !== null) parts.push(["status", pick(STATUS_WORDS[f.status])]);
            if (f.exempt) parts.push(["exempt", "x"]);
            if (f.role !== null) parts.push(["role", pick(ROLE_WORDS[f.role])]);
            if (f.group !== null) parts.push(["group", `Tổ ${f.group}`]);
            // fields after the name in an order of their own
            const shuffled = parts
              .map((p, i) => ({ p, key: (seed * 31 + i * 17 + index * 7) % 97 }))
              .sort((a, b) => a.key - b.key);
            const given = new Set(["fullName", ...parts.map(([field]) => field)]);
            const parsed: RosterRow = {
              rowNumber: index + 1,
              fullName,
              birthYear: f.birthYear,
              gender: f.gender,
              status: f.status ?? "official",
              exempt: f.exempt,
              exemptSince: null,
              role: f.role ?? "member",
              group: f.group === null ? null : `Tổ ${f.group}`,
            };
            if (given.size < ROSTER_FIELDS.length) parsed.providedFields = ROSTER_FIELDS.filter((field) => given.has(field));
            expected.push(parsed);
            return `${marker.replace("1", String(index + 1))}${[fullName, ...shuffled.map((s) => s.p[1])].join(delimiter)}`;
          });
          const result = parseRosterLines(lines.join("\n"));
          expect(result.problems).toEqual([]);
          expect(result.rows).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("roster words and names", () => {
  const stripMarks = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  const spelled = (word: string) =>
    fc
      .tuple(fc.boolean(), fc.constantFrom("lower", "upper", "as is"), fc.constantFrom("", " ", ".", " :"))
      .map(([marks, letterCase, end]) => {
        const base = marks ? word : stripMarks(word);
        const cased = letterCase === "lower" ? base.toLowerCase() : letterCase === "upper" ? base.toUpperCase() : base;
        return `  ${cased.replace(/ /g, "  ")}${end}`;
      });
  const vocabulary = [
    "Chính thức",
    "Dự bị",
    "Đảng viên chính thức",
    "Bí thư",
    "Phó Bí thư",
    "Chi ủy viên",
    "Tổ trưởng",
    "Đảng viên",
    "Bí thư chi bộ",
    "Nam",
    "Nữ",
  ];

  it("status, role and gender words read the same in any case, with or without diacritics", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...vocabulary).chain((word) => spelled(word).map((typed) => ({ word, typed }))),
        ({ word, typed }) => {
          expect(parseStatusWord(typed)).toBe(parseStatusWord(word));
          expect(parseRoleWord(typed)).toBe(parseRoleWord(word));
          expect(parseGenderWord(typed)).toBe(parseGenderWord(word));
        },
      ),
    );
  });

  it("several roles in one cell give the most senior, in any order", () => {
    const roleWords = {
      secretary: "Bí thư",
      deputy: "Phó Bí thư",
      committee_member: "Chi ủy viên",
      group_leader: "Tổ trưởng",
      member: "Đảng viên",
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...MEMBER_ROLES), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(" kiêm ", ", ", "; ", " / ", " + "),
        (roles, joiner) => {
          expect(parseRoleWord(roles.map((role) => roleWords[role]).join(joiner))).toBe(mostSenior(roles));
        },
      ),
    );
  });

  it("never throw on any text, and read only values the roster knows", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        for (const [parse, values] of [
          [parseStatusWord, MEMBER_STATUSES],
          [parseRoleWord, MEMBER_ROLES],
          [parseGenderWord, GENDERS],
        ] as const) {
          const value = parse(text);
          if (value !== undefined) expect(values).toContain(value);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("name keys are stable: cleaning twice changes nothing more", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), name), (text) => {
        for (const key of [cleanText, normalizeName, searchKey, wordKey]) expect(key(key(text))).toBe(key(text));
        expect(searchKey(normalizeName(text))).toBe(searchKey(text));
        expect(searchKey(text)).not.toMatch(/[đĐ\p{M}]/u);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseDecisionDate", () => {
  const today = fc.integer({ min: 0, max: 20_000 }).map((days) => isoDay(days)!);

  it("never throws, and gives only real dates up to today", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/)),
        today,
        (text, day) => {
          const date = parseDecisionDate(text, day);
          if (date === undefined) return;
          expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
          expect(date <= day).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads back any past date written dd/mm/yyyy, d-m-yyyy, dd.mm.yyyy or yyyy-mm-dd, and refuses a future one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: -400, max: 400 }),
        fc.nat({ max: 3 }),
        (days, shift, style) => {
          const day = isoDay(days)!;
          const date = isoDay(days + shift)!;
          const [year, month, dayOfMonth] = date.split("-");
          const typed = [
            `${dayOfMonth}/${month}/${year}`,
            `${Number(dayOfMonth)}-${Number(month)}-${year}`,
            `${dayOfMonth}.${month}.${year}`,
            date,
          ][style]!;
          expect(parseDecisionDate(typed, day)).toBe(shift <= 0 ? date : undefined);
          expect(parseDecisionDate("hôm nay", day)).toBe(day);
        },
      ),
    );
  });
});
