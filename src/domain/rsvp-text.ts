/**
 * Reading RSVP answers that members type in the group, in Vietnamese (with or without diacritics)
 * and a little English: "có", "em dự", "xin phép vắng vì ốm", "ko đi đc", "2 ốm", "can't come, sick".
 * Pure: no I/O, never throws for any text.
 *
 * How a reply is read:
 *  1. Normalise (NFC, invisible characters dropped, spaces collapsed) and split into words and
 *     emoji, remembering the punctuation between them.
 *  2. Tag phrases from the word tables below, longest first, left to right. A table word matches
 *     when every letter is as written in the table, or without its tone mark, or bare (đ → d):
 *     "vang" and "văng" read as "vắng", but "cô" is never "có" and "dư" is not "dù".
 *  3. Resolve words whose meaning depends on what follows: "có" is "yes" when it stands alone or
 *     before a verb or a particle ("có", "có ạ", "có dự"), but "to have" before a noun ("có việc
 *     bận" is a reason); "đi" / "đến" / "tới" mean "I'll come" only at the end or before
 *     "được", "muộn", … ("đi công tác" is a reason, "đi họp" could be another meeting).
 *     Capitalised words after a title ("đồng chí An", "chị Mai") are a name and carry no meaning.
 *  4. A cause word ("vì", "do", "lý do", "because") opens a reason clause, which runs to "nên",
 *     "nhưng", … or the end of the sentence; its words are the reason, never an answer.
 *  5. Decide. The reply is "unclear" — the bot asks again — whenever it is a question, hedged,
 *     or holds signals both ways. Never a silent guess.
 *
 * Decisions:
 *  - Any "?" makes the reply a question, hence unclear. So do question words ("mấy giờ", "ở đâu",
 *    "có ai", "bao giờ", "who", …) and a sentence-final "không" / "chưa" after other words
 *    ("có đi không", "dự ko"). A bare "không" / "ko" ("dạ không ạ") answers the question: absent.
 *  - A bare "k" is unclear: "không" to a Vietnamese, "okay" to an English speaker. So is a bare
 *    "vang": "vâng" (yes) or "vắng" (absent) without its marks.
 *  - Hedges ("có lẽ", "chắc", "có thể", "chưa biết", "không biết", "cố gắng", "maybe") and "chưa"
 *    (not yet) are unclear.
 *  - "1" / "2" as the first word is the numbered reply: 1 attend, 2 absent; the rest of a "2"
 *    reply is the reason ("2 ốm").
 *  - Negation ("không", "ko", "k", "chẳng", "chả", "không thể", "can't", "not", …) before a verb
 *    of coming ("dự", "đi", "đến", "tới", "tham gia", "họp", "attend", "come") is absent; so is
 *    the verb followed by "không được" ("dự không được"). Any other negation is unclear.
 *  - A clear obstacle alone implies absence: "em ốm", "đi công tác", "về quê", "trực" → absent
 *    with that reason. Weak ones ("họp", "công ty", "gia đình") do not: "em đi họp" is unclear.
 *  - "bận" (busy) is both an absence and its reason: "em bận" → absent, reason "bận".
 *  - The reason is the words after the cause word, else after the last absence word ("vắng, đi
 *    công tác"), else before it ("con ốm, xin vắng"), without pronouns and particles at its ends;
 *    cleaned by cleanReason. Emoji around a reply are decoration, not a reason ("2 😷" has none).
 *  - reasonCode: family wins when a relative is named with an illness or care ("mẹ ốm", "đưa con
 *    đi học") or family words appear ("đám cưới", "việc gia đình"); otherwise the first of sick /
 *    work / travel found; otherwise "other"; null when there is no reason.
 */

// ─── Public types ────────────────────────────────────────────────────────────────────────────────

export const REASON_CODES = ["sick", "work", "family", "travel", "other"] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type RsvpParse =
  | { kind: "attend" }
  | { kind: "absent"; reason: string | null; reasonCode: ReasonCode | null }
  | { kind: "unclear" };

export const MAX_REASON_LENGTH = 200;

// ─── Tags and word tables ────────────────────────────────────────────────────────────────────────

type Tag =
  | "question" // mấy giờ, ở đâu → unclear
  | "ambiguous" // "vang": vâng (yes) or vắng (absent) → unclear
  | "hedge" // có lẽ, chắc → unclear
  | "not_yet" // chưa → unclear
  | "neg" // không, ko, chẳng, can't
  | "attend" // dự, tham dự, có mặt, attend
  | "motion" // đi, đến, tới: attend only in context
  | "yes" // ok, vâng, yes
  | "yes_co" // có: yes, or "to have"
  | "absent" // vắng, xin vắng, nghỉ, no
  | "busy" // bận: absent, and a reason
  | "reason" // obstacle or reason word, with a code
  | "relative" // con, mẹ, vợ …
  | "care" // chăm, đưa, đón …
  | "cause" // vì, do, lý do
  | "connector" // nên, nhưng
  | "meeting" // buổi họp, hôm nay: the meeting itself
  | "filler" // dạ, xin phép, sẽ, pronouns
  | "title" // đồng chí, anh, chị: may be followed by a name
  | "particle" // được, đc, ạ, nhé
  | "neutral" // words that look like signals but are not (dự kiến, không sao)
  | "time" // tuần tới, mai: when, not why
  | "word" // anything not in the tables
  | "name"
  | "emoji";

interface Entry {
  words: readonly string[];
  tag: Tag;
  code?: ReasonCode;
  /** For reasons: an obstacle that means absence by itself. */
  implies?: boolean;
  /** Only the exact spelling matches (question particles like "à", which unmarked would be "a"). */
  strict?: boolean;
  /** A verb of coming when negated: "không họp được", "không sinh hoạt được". */
  verb?: boolean;
}

const ENTRIES: Entry[] = [];

function add(tag: Tag, phrases: readonly string[], extra: Omit<Entry, "words" | "tag"> = {}): void {
  for (const phrase of phrases) {
    for (const variant of negationVariants(phrase)) ENTRIES.push({ words: variant.split(" "), tag, ...extra });
  }
}

/** Ways people write "không"; a table phrase with "không" also matches each of these. */
const NEGATION_FORMS = ["không", "ko", "k", "kg", "khg", "hông", "hok", "khum", "kô"];

function negationVariants(phrase: string): string[] {
  const words = phrase.split(" ");
  if (!words.includes("không")) return [phrase];
  return NEGATION_FORMS.map((form) => words.map((word) => (word === "không" ? form : word)).join(" "));
}

// Order matters only between entries of equal length that match the same typed words: the first wins
// ("co" is "có" before it is "cô").

// Typed without marks, "vang" is both "vâng" (yes) and "vắng" (absent): never guess ("vang mat",
// "xin vang" are longer phrases and stay clear).
add("ambiguous", ["vang"], { strict: true });
add("yes_co", ["có"]);
add("neutral", ["có lý do", "không lý do", "không sao", "không có gì", "không vấn đề", "no problem"]);
add("neutral", ["dự kiến", "dự định", "dự án", "dự báo", "dự thảo", "dự toán", "dự bị", "dự phòng", "dự trù", "dự thi"]);
add("neutral", ["nghỉ hưu", "đi lại", "không phải"]);
add("time", ["tuần tới", "tháng tới", "năm tới", "sắp tới", "lần tới", "kỳ tới", "tuần sau", "tháng sau", "ngày mai", "mai"]);

add("question", ["mấy giờ", "mấy h", "ở đâu", "đi đâu", "chỗ nào", "bao giờ", "khi nào", "lúc nào", "hôm nào", "ngày nào"]);
add("question", ["thế nào", "như nào", "như thế nào", "ra sao", "tại sao", "vì sao", "làm sao", "sao", "bao nhiêu"]);
add("question", ["có ai", "ai", "những ai", "gì", "cái gì", "phải không", "đúng không", "có phải", "được không"]);
add("question", ["à", "hả", "hở", "nhỉ", "chứ", "hử"], { strict: true });
add("question", ["what", "when", "where", "who", "why", "how", "which", "anyone", "anybody", "is it", "are we", "do we"]);

add("hedge", ["có lẽ", "có thể", "chắc là", "chắc", "hình như", "không biết", "chưa biết", "chưa chắc", "không chắc"]);
add("hedge", ["chưa rõ", "chưa xác định", "để xem", "để em xem", "xem đã", "tùy", "tuỳ", "nếu", "cố gắng", "gắng"]);
add("hedge", ["cố"], { strict: true });
add("hedge", ["maybe", "perhaps", "probably", "might", "not sure", "unsure", "try", "hopefully", "if", "depends"]);
add("not_yet", ["chưa"]);
add("neg", ["chưa thể"]);

add("neg", ["không", "không thể", "chẳng", "chả", "chẳng thể"]);
add("neg", ["not", "can't", "cant", "cannot", "can not", "won't", "wont", "will not", "don't", "dont", "couldn't", "unable to"]);

add("attend", [
  "dự",
  "tham dự",
  "tham gia",
  "có mặt",
  "dự họp",
  "đi dự",
  "đến dự",
  "tới dự",
  "đến họp",
  "tới họp",
  "đi họp chi bộ",
]);
add("attend", ["attend", "attending", "come", "coming", "join", "joining", "be there", "make it", "present", "count me in"]);
add("motion", ["đi", "đến", "tới"]);

add("yes", ["ok", "oke", "okê", "okay", "okie", "oki", "okey", "vâng", "ừ", "ừm", "uhm", "yes", "yep", "yeah", "yup", "sure"]);

add("absent", ["vắng", "vắng mặt", "xin vắng", "xin phép vắng", "xin vắng mặt", "xin phép vắng mặt", "báo vắng"]);
add("absent", ["nghỉ", "xin nghỉ", "xin phép nghỉ", "no", "nope", "absent", "skip"]);
add("busy", ["bận", "busy"]);

// Reasons. implies = the obstacle alone means "I can't come".
add("reason", ["ốm", "bị ốm", "ốm đau", "bệnh", "bị bệnh", "sốt", "bị sốt", "nằm viện", "nhập viện", "đi viện"], {
  code: "sick",
  implies: true,
});
add("reason", ["đi khám", "khám bệnh", "điều trị", "mổ", "phẫu thuật", "đau", "mệt", "không khỏe", "không khoẻ"], {
  code: "sick",
  implies: true,
});
add("reason", ["cảm cúm", "bị cảm", "cúm", "covid", "sick", "ill", "fever", "hospital", "flu", "unwell"], {
  code: "sick",
  implies: true,
});
add("reason", ["công tác", "đi công tác", "trực", "trực ca", "trực ban", "ca trực", "ca đêm", "ca ngày", "làm ca", "đi ca"], {
  code: "work",
  implies: true,
});
add("reason", ["tăng ca", "làm thêm", "đi làm", "tập huấn", "hội nghị", "bồi dưỡng", "coi thi", "chấm thi", "đi học"], {
  code: "work",
  implies: true,
});
add("reason", ["business trip", "on duty", "work", "working", "shift", "training", "conference"], {
  code: "work",
  implies: true,
});
add("reason", ["họp", "cơ quan", "công ty", "công việc", "việc cơ quan", "làm việc", "học", "dạy", "meeting", "office"], {
  code: "work",
  verb: true,
});
add("reason", ["việc gia đình", "việc nhà", "nhà có việc", "nhà em có việc", "nhà mình có việc", "gia đình có việc"], {
  code: "family",
  implies: true,
});
add("reason", ["gia đình em có việc", "nhà có đám", "có đám", "đi đám"], {
  code: "family",
  implies: true,
});
add("reason", ["đám cưới", "đám giỗ", "đám tang", "đám ma", "đám hiếu", "đám hỷ", "ăn cưới", "ăn giỗ", "giỗ", "cưới"], {
  code: "family",
  implies: true,
});
add("reason", ["wedding", "funeral", "family matters", "family reasons"], { code: "family", implies: true });
add("reason", ["gia đình", "family"], { code: "family" });
add("reason", ["về quê", "đi xa", "đi vắng", "vắng nhà", "du lịch", "đi du lịch", "nghỉ mát", "đi chơi", "nước ngoài"], {
  code: "travel",
  implies: true,
});
add("reason", ["đi nước ngoài", "xuất cảnh", "không có nhà", "không ở nhà", "ra bắc", "vào nam"], {
  code: "travel",
  implies: true,
});
add("reason", ["travel", "travelling", "traveling", "trip", "out of town", "abroad", "vacation", "holiday", "away"], {
  code: "travel",
  implies: true,
});
add("reason", ["nghỉ phép"], { code: "other", implies: true });

add("relative", ["con", "bố", "mẹ", "bố mẹ", "cha", "cha mẹ", "má", "vợ", "chồng", "người nhà", "ông bà", "bé", "cụ"]);
add("relative", ["cháu nội", "cháu ngoại", "son", "daughter", "wife", "husband", "mother", "father", "mom", "dad", "kid"]);
add("relative", ["kids", "child", "children", "parents", "baby"]);
add("care", ["chăm", "chăm sóc", "trông", "đưa", "đón", "đưa đón", "take care"]);

add("cause", ["vì", "tại vì", "bởi", "bởi vì", "do", "tại", "lý do", "lí do", "vì lý do", "lý do là", "because", "because of"]);
add("cause", ["due to", "reason"]);
add("connector", ["nên", "cho nên", "vì vậy", "vì thế", "do đó", "do vậy", "nhưng", "nhưng mà", "so", "but", "therefore"]);

add("meeting", ["buổi sinh hoạt", "buổi họp", "cuộc họp", "sinh hoạt chi bộ", "họp chi bộ", "chi bộ", "buổi", "buổi này"]);
add("meeting", ["hôm nay", "tối nay", "sáng nay", "chiều nay", "tháng này", "lần này", "kỳ này", "đợt này"]);
add("meeting", ["the meeting", "meeting today", "today", "tonight"]);
add("meeting", ["sinh hoạt"], { verb: true });

add("title", ["đồng chí", "đ c", "anh", "chị", "em", "cô", "chú", "bác", "ông", "bà", "thầy", "cháu", "bạn", "e", "c"]);
add("title", ["mr", "mrs", "ms", "comrade"]);
add("filler", ["dạ", "xin", "xin phép", "cho", "cho em", "báo", "báo cáo", "đã", "sẽ", "vẫn", "chắc chắn", "nhất định"]);
add("filler", ["xin lỗi", "cảm ơn", "cám ơn", "đã nhận", "nhận", "rõ", "đã rõ", "tôi", "tui", "mình", "tớ", "phải"]);
add("filler", ["i", "i'll", "i'm", "im", "we", "we'll", "me", "my", "will", "be", "the", "a", "to", "can", "is", "am"]);
add("filler", ["thank", "thanks", "thank you", "sorry", "please", "noted", "of course", "definitely", "also", "too"]);
add("particle", ["được", "đc", "nổi", "rồi", "luôn", "nhé", "nhe", "nha", "nhá", "ạ", "a", "ah", "ak", "ạh", "đó", "đấy"]);
add("particle", ["nhen", "hen", "với", "ha", "hihi", "hehe", "đâu", "thôi", "nữa", "mất", "lắm", "quá", "vậy", "thế"]);

/** Emoji that answer by themselves (skin tones and variation selectors ignored). */
const YES_EMOJI = new Set(["👍", "👌", "✅", "✔", "☑", "🙋", "✋", "🙌"]);
const NO_EMOJI = new Set(["👎", "❌", "✖", "🚫", "⛔"]);
const FILLER_EMOJI = new Set(["🙏"]);

/** After đi / đến / tới, these keep the meaning "I'll come": "đi được", "đến muộn", "đi dự". */
const AFTER_MOTION = new Set(["được", "đc", "nổi", "muộn", "trễ", "sớm", "đúng giờ", "luôn", "ngay"]);
/** Words that may end a reply without changing it: "em dự ạ", "ko đi đc nhé". */
const POLITE_ENDINGS = new Set(["ạ", "a", "nhé", "nhe", "nha", "nhá", "ah", "ak", "ạh", "nhen", "hen", "ha", "hihi", "hehe"]);

// ─── Matching ────────────────────────────────────────────────────────────────────────────────────

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

function withoutTones(text: string): string {
  return text.normalize("NFD").replace(TONE_MARKS, "").normalize("NFC");
}

function bare(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").normalize("NFC");
}

/** Every typed letter is the table letter, the letter without its tone, or the bare letter. */
function sameWord(typed: string, proper: string, strict: boolean): boolean {
  if (typed === proper) return true;
  if (strict) return false;
  const typedChars = [...typed];
  const properChars = [...proper];
  if (typedChars.length !== properChars.length) return false;
  return typedChars.every((c, i) => {
    const p = properChars[i] ?? "";
    return c === p || c === withoutTones(p) || c === bare(p);
  });
}

/** Entries by the bare form of their first word. */
const INDEX: ReadonlyMap<string, readonly Entry[]> = (() => {
  const index = new Map<string, Entry[]>();
  for (const entry of ENTRIES) {
    const key = bare(entry.words[0] ?? "");
    const list = index.get(key) ?? [];
    list.push(entry);
    index.set(key, list);
  }
  return index;
})();

// ─── Tokens and units ────────────────────────────────────────────────────────────────────────────

interface Token {
  lower: string;
  start: number;
  end: number;
  /** Punctuation (a comma, a dash, a full stop…) between the previous token and this one. */
  boundaryBefore: boolean;
  /** A sentence ends between the previous token and this one (. ! ; … or a new line). */
  sentenceBefore: boolean;
  capitalized: boolean;
  emoji: boolean;
}

interface Unit {
  tag: Tag;
  entry: Entry | undefined;
  /** Proper (table) spelling, or the lower-cased text for words not in the tables. */
  word: string;
  start: number;
  end: number;
  boundaryBefore: boolean;
  sentenceBefore: boolean;
  /** Inside a reason clause ("vì …"). */
  inClause: boolean;
  /** The written token was đi / đến / tới, whatever it resolved to. */
  wasMotion: boolean;
  /** A negation paired with a verb, or a verb used by one. */
  paired: boolean;
}

const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TOKEN = /([\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*)|(\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F\u20E3]*)/gu;
const BOUNDARY = /[,.;:!…\n\-–—()[\]{}|/\\]/;
const SENTENCE_END = /[.;!…\n]/;

function normalizeInput(text: string): string {
  return text
    .replace(LONE_SURROGATES, "")
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n[\s]*/g, "\n")
    .trim();
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let previousEnd = 0;
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index;
    const raw = match[0];
    const gap = text.slice(previousEnd, start);
    const isEmoji = match[2] !== undefined;
    const lower = isEmoji
      ? raw.replace(/[\p{Emoji_Modifier}\uFE0F\u20E3]/gu, "")
      : raw
          .toLowerCase()
          .replace(/[\uFE0F\u20E3]/g, "")
          .replace(/’/g, "'")
          .normalize("NFC");
    const first = raw.charAt(0);
    tokens.push({
      lower,
      start,
      end: start + raw.length,
      // "đ/c" is one title, so a slash between two single letters is not a boundary.
      boundaryBefore: BOUNDARY.test(gap) && !(gap === "/" && raw.length === 1),
      sentenceBefore: SENTENCE_END.test(gap),
      capitalized: !isEmoji && first !== first.toLowerCase(),
      emoji: isEmoji,
    });
    previousEnd = start + raw.length;
  }
  return tokens;
}

/** The longest table phrase starting at token i (no punctuation inside it), first listed on ties. */
function longestEntry(tokens: readonly Token[], i: number): Entry | undefined {
  const first = tokens[i];
  if (!first || first.emoji) return undefined;
  let best: Entry | undefined;
  for (const entry of INDEX.get(bare(first.lower)) ?? []) {
    if (best && entry.words.length <= best.words.length) continue;
    const fits = entry.words.every((word, k) => {
      const token = tokens[i + k];
      if (!token || token.emoji || (k > 0 && token.boundaryBefore)) return false;
      return sameWord(token.lower, word, entry.strict === true);
    });
    if (fits) best = entry;
  }
  return best;
}

function emojiTag(symbol: string): Tag {
  if (YES_EMOJI.has(symbol)) return "yes";
  if (NO_EMOJI.has(symbol)) return "absent";
  if (FILLER_EMOJI.has(symbol)) return "filler";
  return "emoji";
}

function toUnits(tokens: readonly Token[]): Unit[] {
  const units: Unit[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (!token) break;
    const entry = token.emoji ? undefined : longestEntry(tokens, i);
    const size = entry ? entry.words.length : 1;
    const last = tokens[i + size - 1] ?? token;
    const tag: Tag = token.emoji ? emojiTag(token.lower) : (entry?.tag ?? "word");
    units.push({
      tag,
      entry,
      word: entry ? entry.words.join(" ") : token.lower,
      start: token.start,
      end: last.end,
      boundaryBefore: token.boundaryBefore,
      sentenceBefore: token.sentenceBefore,
      inClause: false,
      wasMotion: tag === "motion",
      paired: false,
    });
    i += size;
  }
  markNames(units, tokens);
  markNumberedReply(units);
  resolveContext(units);
  markClauses(units);
  return units;
}

/** "đồng chí An", "chị Mai Anh": capitalised words right after a title are a name. */
function markNames(units: Unit[], tokens: readonly Token[]): void {
  const capitalizedAt = new Map(tokens.map((token) => [token.start, token.capitalized]));
  for (let i = 0; i < units.length; i++) {
    if (units[i]?.tag !== "title") continue;
    for (let k = i + 1; k < units.length && k <= i + 4; k++) {
      const unit = units[k];
      if (!unit || unit.boundaryBefore || unit.tag === "emoji" || !capitalizedAt.get(unit.start)) break;
      if (unit.word.includes(" ")) break; // a phrase, not a one-word name part
      unit.tag = "name";
    }
  }
}

/** The Zalo-style numbered reply: "1" attend, "2 …" absent; only as the first word. */
function markNumberedReply(units: Unit[]): void {
  for (const unit of units) {
    if (unit.tag !== "word" || !/^\d+$/.test(unit.word)) continue;
    if (unit === units[0] && unit.word === "1") unit.tag = "yes";
    else if (unit === units[0] && unit.word === "2") unit.tag = "absent";
  }
}

function resolveContext(units: Unit[]): void {
  units.forEach((unit, i) => {
    const next = units[i + 1];
    const nextIsSeparate = !next || next.boundaryBefore;
    if (unit.tag === "yes_co") {
      // "có" before a noun is "to have": "có việc", "có đám cưới", "có họp".
      const isHave =
        !nextIsSeparate && next !== undefined && ["word", "reason", "relative", "meeting", "neutral"].includes(next.tag);
      unit.tag = isHave ? "word" : "yes";
    } else if (unit.tag === "motion") {
      const keeps =
        nextIsSeparate ||
        next === undefined ||
        ["filler", "particle", "neg", "attend", "emoji", "title", "name"].includes(next.tag) ||
        AFTER_MOTION.has(next.word) ||
        (next.tag === "meeting" && next.word !== "buổi");
      unit.tag = keeps ? "attend" : "word";
    }
  });
}

/** A cause word opens a reason clause up to a connector or the end of the sentence. */
function markClauses(units: Unit[]): void {
  let open = false;
  for (const unit of units) {
    if (unit.sentenceBefore || unit.tag === "connector") open = false;
    if (open) unit.inClause = true;
    if (unit.tag === "cause") open = true;
  }
}

// ─── Deciding ────────────────────────────────────────────────────────────────────────────────────

const UNCLEAR: RsvpParse = { kind: "unclear" };

/** Units that change nothing about the answer. */
function isQuiet(unit: Unit): boolean {
  return ["filler", "particle", "title", "name", "emoji", "neutral", "time"].includes(unit.tag);
}

function isComingVerb(unit: Unit | undefined): boolean {
  if (!unit) return false;
  return unit.tag === "attend" || unit.wasMotion || unit.entry?.verb === true;
}

/** "có đi không", "dự ko", "vắng không", "đc ko": a final không / chưa after a real word asks. */
function endsAsQuestion(units: readonly Unit[]): boolean {
  let last = units.length - 1;
  while (last >= 0) {
    const unit = units[last];
    // decoration after the question: emoji (including the filler 🙏) and polite endings
    if (!unit || !(unit.tag === "emoji" || FILLER_EMOJI.has(unit.word) || POLITE_ENDINGS.has(unit.word))) break;
    last--;
  }
  const final = units[last];
  if (!final || !(final.tag === "neg" || final.tag === "not_yet") || final.word.includes(" ")) return false;
  const courtesy = (unit: Unit): boolean =>
    ["filler", "title", "name", "emoji", "time"].includes(unit.tag) || POLITE_ENDINGS.has(unit.word);
  return units.slice(0, last).some((unit) => !courtesy(unit));
}

/** Pairs each negation with the verb it denies; returns false when one denies something else. */
function pairNegations(units: readonly Unit[]): boolean {
  const signals = units.filter((unit) => !unit.inClause);
  const onlyNegation = signals.filter((unit) => !isQuiet(unit));
  for (let i = 0; i < units.length; i++) {
    const unit = units[i];
    if (!unit || unit.tag !== "neg" || unit.inClause) continue;
    // "không dự", "ko đi đc", "không thể tham gia", "không đi họp được".
    let k = i + 1;
    while (k < units.length && k <= i + 3 && (units[k]?.tag === "filler" || units[k]?.tag === "particle")) k++;
    const after = units[k];
    if (after && !after.inClause && !after.boundaryBefore && isComingVerb(after)) {
      unit.paired = true;
      after.paired = true;
      // "không đi họp được": "họp" belongs to the denied verb, it is not a reason.
      const object = units[k + 1];
      if (after.wasMotion && object && !object.boundaryBefore && object.entry?.verb) object.paired = true;
      continue;
    }
    // "dự không được", "đi ko nổi".
    const before = units[i - 1];
    const next = units[i + 1];
    if (before && isComingVerb(before) && !before.paired && next && ["được", "đc", "nổi"].includes(next.word)) {
      unit.paired = true;
      before.paired = true;
      continue;
    }
    // "không được", "ko đc ạ": cannot.
    if (next && !next.boundaryBefore && ["được", "đc", "nổi"].includes(next.word)) {
      unit.paired = true;
      continue;
    }
    // A bare "không" / "ko" answering the question, or one standing first before a comma
    // ("không, em ốm"); a bare "k" is unclear.
    const standsAlone = onlyNegation[0] === unit && (onlyNegation.length === 1 || next === undefined || next.boundaryBefore);
    if (standsAlone && unit.word !== "k") {
      unit.paired = true;
      continue;
    }
    return false;
  }
  return true;
}

/** Absence words that carry no reason (the anchors the reason is read around). */
function isPlainAbsence(unit: Unit): boolean {
  return !unit.inClause && (unit.tag === "absent" || (unit.tag === "neg" && unit.paired));
}

/**
 * Reads a member's typed answer to a meeting announcement. Never throws; anything not clearly an
 * attendance or an absence is "unclear" so that the bot asks rather than guesses.
 */
export function parseRsvpText(text: string): RsvpParse {
  if (typeof text !== "string") return UNCLEAR;
  const clean = normalizeInput(text);
  if (clean === "" || /[?？¿]/.test(clean)) return UNCLEAR;
  const units = toUnits(tokenize(clean));
  if (units.length === 0) return UNCLEAR;

  if (units.some((unit) => unit.tag === "question")) return UNCLEAR;
  const doubtful: readonly Tag[] = ["hedge", "not_yet", "ambiguous"];
  if (units.some((unit) => !unit.inClause && doubtful.includes(unit.tag))) return UNCLEAR;
  if (endsAsQuestion(units)) return UNCLEAR;
  if (!pairNegations(units)) return UNCLEAR;

  let attend = false;
  let absent = false;
  for (const unit of units) {
    if (unit.inClause) {
      if (unit.tag === "reason" && unit.entry?.implies) absent = true;
      continue;
    }
    if (unit.tag === "yes" || (unit.tag === "attend" && !unit.paired)) attend = true;
    if (unit.tag === "absent" || unit.tag === "busy" || (unit.tag === "neg" && unit.paired)) absent = true;
    if (unit.tag === "reason" && unit.entry?.implies) absent = true;
  }
  if (attend === absent) return UNCLEAR;
  if (attend) return { kind: "attend" };

  const run = reasonRun(units);
  if (!run) return { kind: "absent", reason: null, reasonCode: null };
  const reason = cleanReason(clean.slice(run.start, run.end));
  return { kind: "absent", reason, reasonCode: reason === null ? null : codeOf(run.units) };
}

// ─── The reason ──────────────────────────────────────────────────────────────────────────────────

interface Run {
  units: Unit[];
  start: number;
  end: number;
}

/** Words that are the reason itself. Inside a clause everything but the glue is. */
function bearsReason(unit: Unit): boolean {
  if (unit.paired) return false;
  if (unit.inClause)
    return !["filler", "particle", "title", "name", "emoji", "cause", "connector", "relative"].includes(unit.tag);
  return (
    ["word", "reason", "busy", "care", "neutral"].includes(unit.tag) && !(unit.tag === "neutral" && unit.word.includes("lý do"))
  );
}

/** Words that may sit inside a reason without ending it ("con em ốm", "đi công tác ở Hà Nội ạ"). */
function bridges(unit: Unit): boolean {
  return ["filler", "particle", "title", "name", "emoji", "relative", "time"].includes(unit.tag);
}

/** The runs of reason words, each widened back over a relative just before it ("mẹ em | nằm viện"). */
function runsOf(units: readonly Unit[]): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  let i = 0;
  while (i < units.length) {
    const unit = units[i];
    if (!unit || !bearsReason(unit)) {
      i++;
      continue;
    }
    let from = i;
    for (let k = i - 1; k >= 0; k--) {
      const before = units[k];
      if (!before || !bridges(before) || (units[k + 1]?.boundaryBefore ?? true)) break;
      if (before.tag === "relative") from = k;
    }
    let to = i;
    let k = i + 1;
    while (k < units.length) {
      const next = units[k];
      if (!next || next.sentenceBefore || next.inClause !== unit.inClause) break;
      if (bearsReason(next)) to = k;
      else if (!bridges(next)) break;
      k++;
    }
    runs.push({ from, to });
    i = k;
  }
  return runs;
}

function reasonRun(units: readonly Unit[]): Run | undefined {
  const runs = runsOf(units);
  const firstCause = units.findIndex((unit) => unit.tag === "cause");
  const plain = units.flatMap((unit, index) => (isPlainAbsence(unit) ? [index] : []));
  let chosen: { from: number; to: number } | undefined;
  if (firstCause >= 0) chosen = runs.find((run) => run.from > firstCause);
  const lastPlain = plain.at(-1);
  const firstPlain = plain[0];
  if (!chosen && lastPlain !== undefined && firstPlain !== undefined) {
    chosen = runs.find((run) => run.from > lastPlain) ?? runs.filter((run) => run.to < firstPlain).at(-1);
  }
  if (!chosen && firstPlain === undefined && firstCause < 0) chosen = runs[0];
  if (!chosen) return undefined;
  const picked = units.slice(chosen.from, chosen.to + 1);
  const first = picked[0];
  const last = picked.at(-1);
  if (!first || !last) return undefined;
  return { units: picked, start: first.start, end: last.end };
}

const CODE_ORDER: readonly ReasonCode[] = ["sick", "work", "travel"];

function codeOf(units: readonly Unit[]): ReasonCode {
  const codes = units.flatMap((unit) => (unit.tag === "reason" && unit.entry?.code ? [unit.entry.code] : []));
  const hasRelative = units.some((unit) => unit.tag === "relative");
  const hasCare = units.some((unit) => unit.tag === "care");
  if (codes.includes("family") || (hasRelative && (hasCare || codes.includes("sick")))) return "family";
  return codes.find((code) => CODE_ORDER.includes(code)) ?? "other";
}

/**
 * The reason code of a reason typed on its own (e.g. in answer to the bot's "why?"): "ốm" → sick,
 * "đi công tác" → work, "con ốm" → family, "về quê" → travel, anything else → other; null when empty.
 */
export function reasonCodeOf(reason: string | null): ReasonCode | null {
  if (reason === null || typeof reason !== "string") return null;
  const clean = normalizeInput(reason);
  if (clean === "") return null;
  return codeOf(toUnits(tokenize(clean)));
}

const LEADING_CAUSE =
  /^(?:(?:lý do|lí do|ly do|li do|reason)(?:\s+là|\s+la)?\s*[:\-–]?|vì|vi|bởi vì|boi vi|bởi|tại vì|tai vi|tại|do|because(?:\s+of)?|due to)(?=[\s:,\-–]|$)\s*[:,\-–]?\s*/iu;

/**
 * A reason as stored: NFC, single spaces, trimmed, without a leading "vì", "do", "lý do:",
 * "because", and without punctuation at either end; at most 200 characters (code points; longer
 * reasons are cut with "…"). Null when nothing is left. An emoji-only reason ("🤒") is kept as it
 * is: it is what the member chose to say, and the secretary can read it.
 */
export function cleanReason(text: string): string | null {
  if (typeof text !== "string") return null;
  let reason = normalizeInput(text).replace(/\s+/g, " ");
  for (let i = 0; i < 3; i++) {
    const stripped = reason
      .replace(LEADING_CAUSE, "")
      .replace(/^[\s,.;:!…\-–—]+|[\s,.;:!…\-–—]+$/gu, "")
      .trim();
    if (stripped === reason) break;
    reason = stripped;
  }
  if (reason === "") return null;
  const chars = [...reason];
  if (chars.length <= MAX_REASON_LENGTH) return reason;
  return `${chars
    .slice(0, MAX_REASON_LENGTH - 1)
    .join("")
    .trimEnd()}…`;
}
