import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AgendaError,
  MAX_AGENDA_ITEMS,
  MAX_AGENDA_TITLE_LENGTH,
  PRESENTER_ROLES,
  addItem,
  defaultAgenda,
  moveItem,
  removeItem,
  renameItem,
  setPresenter,
  type AgendaItem,
} from "../../src/domain/agenda.js";
import { CELL_TYPES } from "../../src/domain/cells.js";
import { DomainError } from "../../src/domain/errors.js";
import { MEETING_TYPES } from "../../src/domain/meetings.js";

function refusal(edit: () => unknown): string | undefined {
  try {
    edit();
  } catch (error) {
    if (error instanceof AgendaError) return error.code;
    throw error;
  }
  return undefined;
}

describe("default agendas", () => {
  it("gives a regular meeting the 8-step standard running order, opening first and conclusion last", () => {
    const agenda = defaultAgenda("regular", "residential");
    expect(agenda).toHaveLength(8);
    expect(agenda[0]?.title).toMatch(/^Khai mạc/);
    expect(agenda[0]?.title).toMatch(/cử thư ký/);
    expect(agenda[1]?.title).toMatch(/Hồ Chí Minh/);
    expect(agenda[2]?.title).toMatch(/văn bản cấp trên/);
    expect(agenda[3]?.title).toMatch(/tháng trước/);
    expect(agenda[4]?.title).toMatch(/tháng tới/);
    expect(agenda[5]?.title).toMatch(/xây dựng Đảng/);
    expect(agenda[6]?.title).toMatch(/^Thảo luận/);
    expect(agenda[7]?.title).toMatch(/^Kết luận.*biểu quyết.*bế mạc$/);
  });

  it("gives every item an English title too", () => {
    for (const type of MEETING_TYPES) {
      for (const cellType of CELL_TYPES) {
        for (const item of defaultAgenda(type, cellType, "Học tập Chỉ thị 05")) {
          expect(item.title.trim()).not.toBe("");
          expect(item.titleEn.trim()).not.toBe("");
          expect(item.titleEn).not.toBe(item.title);
          expect(item.title.length).toBeLessThanOrEqual(MAX_AGENDA_TITLE_LENGTH);
        }
      }
    }
  });

  it("words the cell's own work by cell type", () => {
    const work = (cellType: (typeof CELL_TYPES)[number]) => defaultAgenda("regular", cellType)[4]?.title ?? "";
    expect(work("residential")).toMatch(/tổ dân phố/);
    expect(work("residential")).toMatch(/an ninh, trật tự/);
    expect(work("school")).toMatch(/dạy và học/);
    expect(work("school")).toMatch(/học sinh/);
    expect(work("police")).toMatch(/sẵn sàng chiến đấu/);
    expect(work("military")).toMatch(/sẵn sàng chiến đấu/);
    expect(work("agency")).toMatch(/chuyên môn/);
    expect(work("enterprise")).toMatch(/sản xuất, kinh doanh/);
  });

  it("points residential cells to the documents in the Sổ tay đảng viên app", () => {
    expect(defaultAgenda("regular", "residential")[2]?.title).toMatch(/Sổ tay đảng viên/);
  });

  it("has the chair open and close the meeting", () => {
    const agenda = defaultAgenda("regular", "school");
    expect(agenda[0]?.presenterRole).toBe("chair");
    expect(agenda.at(-1)?.presenterRole).toBe("chair");
  });

  it("builds a thematic meeting around its topic", () => {
    const agenda = defaultAgenda("thematic", "agency", "Học tập Chỉ thị 05");
    expect(agenda.map((item) => item.titleEn)).toEqual([
      expect.stringMatching(/^Opening/),
      "Presentation of the topic: Học tập Chỉ thị 05",
      expect.stringMatching(/^Discussion/),
      expect.stringMatching(/^Conclusion/),
    ]);
    expect(agenda[1]?.title).toBe("Trình bày chuyên đề: Học tập Chỉ thị 05");
  });

  it("still gives a thematic agenda when the topic is not chosen yet", () => {
    expect(defaultAgenda("thematic", "agency")[1]?.title).toBe("Trình bày chuyên đề");
    expect(defaultAgenda("thematic", "agency", "   ")[1]?.title).toBe("Trình bày chuyên đề");
  });

  it("adds a thematic block to the regular order for a combined meeting, with one conclusion", () => {
    const agenda = defaultAgenda("combined", "enterprise", "Chuyển đổi số");
    const regular = defaultAgenda("regular", "enterprise");
    expect(agenda.slice(0, 7)).toEqual(regular.slice(0, 7));
    expect(agenda.some((item) => item.title.includes("Chuyển đổi số"))).toBe(true);
    expect(agenda.at(-1)?.title).toMatch(/^Kết luận nội dung thường kỳ và chuyên đề/);
    expect(agenda.filter((item) => item.title.startsWith("Kết luận"))).toHaveLength(1);
  });

  it("runs an extraordinary meeting as open, the matter, discussion, vote, close", () => {
    const agenda = defaultAgenda("extraordinary", "police", "Xét kết nạp đảng viên");
    expect(agenda.map((item) => item.titleEn)).toEqual([
      expect.stringMatching(/^Opening/),
      "The matter to settle: Xét kết nạp đảng viên",
      "Discussion",
      "Vote",
      expect.stringMatching(/closing$/),
    ]);
  });

  it("prepares the monthly meeting at the committee meeting: content, draft resolution, assignments", () => {
    const agenda = defaultAgenda("committee", "residential");
    expect(agenda.map((item) => item.titleEn)).toEqual([
      "Preparing the monthly cell meeting",
      "Agreeing the draft resolution for the month",
      expect.stringMatching(/^Assigning .*Sổ tay đảng viên/),
    ]);
    expect(agenda.every((item) => item.presenterRole === "secretary")).toBe(true);
  });

  it("introduces the guests of a model meeting and hears the observers before the conclusion", () => {
    const agenda = defaultAgenda("model", "school");
    expect(agenda[1]?.title).toMatch(/^Giới thiệu đại biểu/);
    expect(agenda.at(-2)).toMatchObject({ presenterRole: "guest" });
    expect(agenda.at(-1)?.title).toMatch(/^Kết luận/);
    expect(agenda).toHaveLength(10);
  });

  it("cuts an overlong topic so the titles stay within the limit", () => {
    const agenda = defaultAgenda("thematic", "agency", "x".repeat(2000));
    expect(agenda.every((item) => [...item.title].length <= MAX_AGENDA_TITLE_LENGTH)).toBe(true);
  });
});

describe("editing the agenda", () => {
  const start: AgendaItem[] = [
    { title: "Khai mạc", titleEn: "Opening", presenterRole: "chair" },
    { title: "Thảo luận" },
    { title: "Bế mạc" },
  ];

  it("adds an item at the end or at a chosen place, tidying the title", () => {
    expect(addItem(start, "  Góp ý   dự thảo  ").at(-1)).toEqual({ title: "Góp ý dự thảo" });
    expect(addItem(start, "Chào cờ", 0)[0]).toEqual({ title: "Chào cờ" });
    expect(addItem(start, "Giữa", 1).map((item) => item.title)).toEqual(["Khai mạc", "Giữa", "Thảo luận", "Bế mạc"]);
  });

  it("removes, moves and renames items", () => {
    expect(removeItem(start, 1).map((item) => item.title)).toEqual(["Khai mạc", "Bế mạc"]);
    expect(moveItem(start, 0, 2).map((item) => item.title)).toEqual(["Thảo luận", "Bế mạc", "Khai mạc"]);
    expect(moveItem(start, 2, 0).map((item) => item.title)).toEqual(["Bế mạc", "Khai mạc", "Thảo luận"]);
    expect(renameItem(start, 0, "Khai mạc, chào cờ")[0]).toEqual({ title: "Khai mạc, chào cờ", presenterRole: "chair" });
  });

  it("sets and clears who presents an item", () => {
    expect(setPresenter(start, 1, "deputy")[1]).toEqual({ title: "Thảo luận", presenterRole: "deputy" });
    expect(setPresenter(start, 0, null)[0]).toEqual({ title: "Khai mạc", titleEn: "Opening" });
  });

  it("never changes the list it was given", () => {
    const frozen = Object.freeze(start.map((item) => Object.freeze({ ...item })));
    addItem(frozen, "Mới");
    removeItem(frozen, 0);
    moveItem(frozen, 0, 1);
    renameItem(frozen, 0, "Đổi tên");
    setPresenter(frozen, 0, "guest");
    expect(frozen).toEqual(start);
  });

  it("refuses an empty or overlong title", () => {
    expect(refusal(() => addItem(start, "   "))).toBe("empty_title");
    expect(refusal(() => renameItem(start, 0, "\u200B"))).toBe("empty_title");
    expect(refusal(() => addItem(start, "a".repeat(MAX_AGENDA_TITLE_LENGTH + 1)))).toBe("title_too_long");
    expect(refusal(() => addItem(start, "ệ".repeat(MAX_AGENDA_TITLE_LENGTH)))).toBeUndefined();
  });

  it("refuses a 31st item", () => {
    const full = Array.from({ length: MAX_AGENDA_ITEMS }, (_, i) => ({ title: `Mục ${i + 1}` }));
    expect(refusal(() => addItem(full, "Thêm"))).toBe("too_many_items");
  });

  it("refuses an item number that is not on the list", () => {
    expect(refusal(() => removeItem(start, 3))).toBe("bad_index");
    expect(refusal(() => removeItem(start, -1))).toBe("bad_index");
    expect(refusal(() => moveItem(start, 0, 3))).toBe("bad_index");
    expect(refusal(() => renameItem(start, 1.5, "x"))).toBe("bad_index");
    expect(refusal(() => setPresenter([], 0, "chair"))).toBe("bad_index");
    expect(refusal(() => addItem(start, "x", 4))).toBe("bad_index");
  });

  it("explains a refusal in the user's language through the usual error path", () => {
    const error = (() => {
      try {
        addItem(start, "a".repeat(600));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ key: "agenda.title_too_long", params: { max: 500 }, code: "title_too_long" });
  });

  describe("invariants", () => {
    const title = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== "");
    const item = title.map((t): AgendaItem => ({ title: t.trim() }));
    const list = fc.array(item, { minLength: 1, maxLength: MAX_AGENDA_ITEMS });

    it("adding makes the list one longer, removing one shorter", () => {
      fc.assert(
        fc.property(list, title, fc.nat(), (items, newTitle, at) => {
          if (items.length < MAX_AGENDA_ITEMS) {
            const position = at % (items.length + 1);
            expect(addItem(items, newTitle, position)).toHaveLength(items.length + 1);
          }
          expect(removeItem(items, at % items.length)).toHaveLength(items.length - 1);
        }),
      );
    });

    it("moving, renaming and changing the presenter keep the count, and moving keeps the same items", () => {
      fc.assert(
        fc.property(list, fc.nat(), fc.nat(), fc.constantFrom(...PRESENTER_ROLES, null), (items, a, b, role) => {
          const from = a % items.length;
          const to = b % items.length;
          const moved = moveItem(items, from, to);
          expect(moved).toHaveLength(items.length);
          expect(moved[to]).toBe(items[from]);
          expect([...moved].sort(compareTitles)).toEqual([...items].sort(compareTitles));
          expect(renameItem(items, from, "Đổi tên")).toHaveLength(items.length);
          expect(setPresenter(items, from, role)).toHaveLength(items.length);
        }),
      );
    });

    it("no sequence of edits ever yields more than 30 items", () => {
      const edit = fc.oneof(
        fc.record({ kind: fc.constant("add" as const), at: fc.nat() }),
        fc.record({ kind: fc.constant("remove" as const), at: fc.nat() }),
        fc.record({ kind: fc.constant("move" as const), at: fc.nat(), to: fc.nat() }),
      );
      fc.assert(
        fc.property(fc.array(edit, { maxLength: 80 }), (edits) => {
          let items: AgendaItem[] = defaultAgenda("regular", "residential");
          for (const e of edits) {
            try {
              if (e.kind === "add") items = addItem(items, "Mục mới", e.at % (items.length + 1));
              else if (e.kind === "remove" && items.length > 0) items = removeItem(items, e.at % items.length);
              else if (e.kind === "move" && items.length > 0) items = moveItem(items, e.at % items.length, e.to % items.length);
            } catch (error) {
              expect(error).toBeInstanceOf(AgendaError);
              expect((error as AgendaError).code).toBe("too_many_items");
            }
            expect(items.length).toBeLessThanOrEqual(MAX_AGENDA_ITEMS);
          }
        }),
      );
    });
  });
});

function compareTitles(a: AgendaItem, b: AgendaItem): number {
  return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
}
