import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_REASON_LENGTH, cleanReason, parseRsvpText, reasonCodeOf, type RsvpParse } from "../../src/domain/rsvp-text.js";

const ATTEND: RsvpParse = { kind: "attend" };
const UNCLEAR: RsvpParse = { kind: "unclear" };

function absent(reason: string | null = null, reasonCode: string | null = null): RsvpParse {
  return { kind: "absent", reason, reasonCode } as RsvpParse;
}

describe("members saying they will come", () => {
  it.each([
    "có",
    "co",
    "Có",
    "dự",
    "em dự",
    "có mặt",
    "co mat",
    "tham dự",
    "tham gia",
    "sẽ dự",
    "ok",
    "Ok ạ",
    "oke",
    "👍",
    "👍🏻",
    "1",
    "+1",
    "đồng chí An dự",
    "Đ/c Lan dự",
    "yes",
    "I'll attend",
    "I'll be there",
    "Dạ có",
    "Có. Em dự",
    "dạ vâng",
    "Có ạ 👍",
    "✅ Có mặt",
    "em vẫn dự",
    "em dự nhé",
    "em đến muộn 15 phút",
    "có nhưng đến muộn",
    "không sao, em vẫn dự",
    "DỰ",
  ])("%j is counted as attending", (text) => {
    expect(parseRsvpText(text)).toEqual(ATTEND);
  });
});

describe("members saying they will be absent", () => {
  it.each<[string, string | null, string | null]>([
    ["vắng", null, null],
    ["xin vắng", null, null],
    ["Dạ em xin phép vắng ạ", null, null],
    ["vắng có lý do", null, null],
    ["xin phép vắng vì ốm", "ốm", "sick"],
    ["vắng, đi công tác", "đi công tác", "work"],
    ["bận", "bận", "other"],
    ["không dự được", null, null],
    ["ko đi đc", null, null],
    ["ko di dc", null, null],
    ["k dự", null, null],
    ["chẳng đi được", null, null],
    ["hông đi được", null, null],
    ["không thể tham gia", null, null],
    ["dự không được", null, null],
    ["không có mặt", null, null],
    ["2", null, null],
    ["2 ốm", "ốm", "sick"],
    ["2. Đi công tác", "Đi công tác", "work"],
    ["không", null, null],
    ["dạ không ạ", null, null],
    ["no", null, null],
    ["❌", null, null],
    ["can't come, sick", "sick", "sick"],
    ["No, I'm sick", "sick", "sick"],
    ["I won't be there", null, null],
    ["I'm on a business trip", "on a business trip", "work"],
    ["Không, em ốm", "ốm", "sick"],
    ["em ốm", "ốm", "sick"],
    ["về quê", "về quê", "travel"],
    ["Tối nay em trực, xin vắng", "trực", "work"],
    ["Vì ốm nên em xin vắng", "ốm", "sick"],
    ["lý do: ốm", "ốm", "sick"],
    ["con ốm, xin vắng", "con ốm", "family"],
    ["Em xin vắng vì con ốm ạ", "con ốm", "family"],
    ["mẹ em nằm viện", "mẹ em nằm viện", "family"],
    ["bận việc gia đình", "bận việc gia đình", "family"],
    ["k đi được vì nhà có đám", "nhà có đám", "family"],
    ["k đi đc, đưa con đi học", "đưa con đi học", "family"],
    ["không tham gia được vì đi du lịch", "đi du lịch", "travel"],
    ["Em xin phép vắng buổi sinh hoạt tháng này vì đi công tác ở Hà Nội ạ", "đi công tác ở Hà Nội", "work"],
    ["em có việc bận không dự được ạ", "có việc bận", "other"],
    ["Hôm nay em bận không đi được ạ", "bận", "other"],
    ["mai em đi công tác nên không dự được", "đi công tác", "work"],
    ["ko dự được, e bị sốt", "bị sốt", "sick"],
    ["khong du duoc vi di cong tac", "di cong tac", "work"],
    ["Báo cáo đồng chí bí thư, em xin vắng vì ốm", "ốm", "sick"],
    ["vắng ạ, đi công tác Hà Nội, tuần sau về", "đi công tác Hà Nội, tuần sau về", "work"],
    ["đồng chí Trực vắng", null, null],
    ["em không đi họp được", null, null],
    ["tuần tới em vắng", null, null],
  ])("%j is counted as absent, reason %j (%s)", (text, reason, reasonCode) => {
    expect(parseRsvpText(text)).toEqual(absent(reason, reasonCode));
  });
});

describe("replies the bot must ask about rather than guess", () => {
  it.each([
    "ai biết không?",
    "mấy giờ?",
    "mấy giờ họp",
    "họp ở đâu",
    "có ai đi không",
    "không biết",
    "chưa biết",
    "có, nhưng vắng",
    "có vắng",
    "ok em vắng",
    "có?",
    "dự?",
    "em dự không?",
    "có đi không",
    "dự ko",
    "vắng không",
    "đc ko",
    "chắc em vắng",
    "có lẽ",
    "có thể em dự",
    "em sẽ cố gắng đi",
    "maybe",
    "k",
    "vang",
    "VANG",
    "em đi họp",
    "có việc",
    "được",
    "đã rõ",
    "cảm ơn đồng chí",
    "",
    "   ",
    "...",
    "🙏",
    "2 người dự",
    "1 ốm",
    "không, em dự",
    "Khi nào họp ạ",
  ])("%j is unclear", (text) => {
    expect(parseRsvpText(text)).toEqual(UNCLEAR);
  });
});

describe("reading the words as typed", () => {
  it("reads answers without diacritics, but never confuses words that differ by their marks", () => {
    expect(parseRsvpText("xin vang")).toEqual(absent());
    expect(parseRsvpText("vang mat vi om")).toEqual(absent("om", "sick"));
    expect(parseRsvpText("cô vắng")).toEqual(absent()); // "cô" is a person, never "có"
  });

  it("keeps the reason as the member wrote it, with its capitals and diacritics", () => {
    expect(parseRsvpText("Vắng — Đi công tác Đà Nẵng!")).toEqual(absent("Đi công tác Đà Nẵng", "work"));
  });

  it("cuts a very long reason to 200 characters", () => {
    const result = parseRsvpText(`vắng vì ${"đi công tác ".repeat(40)}`);
    expect(result.kind).toBe("absent");
    if (result.kind !== "absent") return;
    expect([...(result.reason ?? "")].length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
    expect(result.reasonCode).toBe("work");
  });

  it("reads the answer on a line of its own in a longer message", () => {
    expect(parseRsvpText("Báo cáo đồng chí\nem xin vắng\nlý do: đi công tác")).toEqual(absent("đi công tác", "work"));
  });
});

describe("cleanReason", () => {
  it.each<[string, string | null]>([
    ["vì ốm", "ốm"],
    ["do đi công tác", "đi công tác"],
    ["  lý do:  đi   công tác. ", "đi công tác"],
    ["Lý do là con ốm", "con ốm"],
    ["because of work", "work"],
    ["", null],
    ["   ", null],
    ["vì", null],
    ["...", null],
    ["🤒", "🤒"],
    ["dọn nhà", "dọn nhà"],
    ["docs", "docs"],
  ])("%j is stored as %j", (text, stored) => {
    expect(cleanReason(text)).toBe(stored);
  });

  it("keeps every reason within 200 characters, trimmed, on one line", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const reason = cleanReason(text);
        if (reason === null) return;
        expect([...reason].length).toBeGreaterThan(0);
        expect([...reason].length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
        expect(reason).toBe(reason.trim());
        expect(reason).not.toMatch(/[\n\r]/);
      }),
    );
  });
});

describe("reasonCodeOf", () => {
  it("sorts a reason typed on its own into sick, work, family, travel or other", () => {
    expect(reasonCodeOf("ốm")).toBe("sick");
    expect(reasonCodeOf("sốt cao")).toBe("sick");
    expect(reasonCodeOf("nằm viện")).toBe("sick");
    expect(reasonCodeOf("đi công tác")).toBe("work");
    expect(reasonCodeOf("họp cơ quan")).toBe("work");
    expect(reasonCodeOf("trực ca đêm")).toBe("work");
    expect(reasonCodeOf("việc gia đình")).toBe("family");
    expect(reasonCodeOf("đám cưới em gái")).toBe("family");
    expect(reasonCodeOf("đám giỗ")).toBe("family");
    expect(reasonCodeOf("con ốm")).toBe("family");
    expect(reasonCodeOf("về quê")).toBe("travel");
    expect(reasonCodeOf("đi xa")).toBe("travel");
    expect(reasonCodeOf("du lịch")).toBe("travel");
    expect(reasonCodeOf("việc riêng")).toBe("other");
    expect(reasonCodeOf("🤒")).toBe("other");
    expect(reasonCodeOf("")).toBeNull();
    expect(reasonCodeOf(null)).toBeNull();
  });
});

describe("properties", () => {
  /** Words members use, glued at random: far likelier to hit the tables than noise. */
  const chatWord = fc.oneof(
    fc.constantFrom(
      "có",
      "co",
      "cô",
      "dự",
      "du",
      "vắng",
      "vang",
      "xin",
      "phép",
      "không",
      "ko",
      "k",
      "đi",
      "đc",
      "được",
      "bận",
      "ốm",
      "vì",
      "do",
      "lý do",
      "nên",
      "nhưng",
      "em",
      "anh",
      "đồng chí",
      "An",
      "ạ",
      "nhé",
      "mấy giờ",
      "ở đâu",
      "chưa",
      "chắc",
      "1",
      "2",
      "ok",
      "👍",
      "❌",
      "công tác",
      "con",
      "về quê",
      "?",
      ",",
      ".",
      "\n",
      "no",
      "can't",
      "come",
    ),
    fc.string({ maxLength: 6 }),
  );
  const chatText = fc.array(chatWord, { maxLength: 12 }).map((words) => words.join(" "));
  const anyText = fc.oneof(
    chatText,
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 60 }),
  );

  it("never throws, whatever is typed, and always returns one of the three answers", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseRsvpText(text);
        expect(["attend", "absent", "unclear"]).toContain(result.kind);
        if (result.kind === "absent") {
          expect(result.reason === null).toBe(result.reasonCode === null);
          if (result.reason !== null) expect(cleanReason(result.reason)).not.toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("never counts a question as attending", () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom("?", " ?", "??", "？", "? 🙏"), (text, ending) => {
        expect(parseRsvpText(text + ending).kind).not.toBe("attend");
        expect(parseRsvpText(text + ending).kind).toBe("unclear");
      }),
      { numRuns: 1000 },
    );
  });

  it("gives the same answer whatever the spacing and letter case", () => {
    fc.assert(
      fc.property(chatText, (text) => {
        expect(parseRsvpText(`  ${text.replace(/ /g, "   ")}  `)).toEqual(parseRsvpText(text));
      }),
    );
  });

  it("is not changed by a polite ending", () => {
    fc.assert(
      fc.property(chatText, fc.constantFrom(" ạ", " nhé", " 🙏"), (text, ending) => {
        const plain = parseRsvpText(text);
        if (plain.kind === "absent" || /[\n.!;]\s*$/.test(text)) return; // the ending may become the end of a reason
        expect(parseRsvpText(text + ending).kind).toBe(plain.kind);
      }),
    );
  });
});

describe("regressions found by the property tests", () => {
  it("a question ending in 'chưa' stays a question when a 🙏 follows it", () => {
    expect(parseRsvpText("có cô lý do chưa 🙏")).toEqual({ kind: "unclear" });
  });
});
