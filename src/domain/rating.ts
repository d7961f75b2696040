/**
 * The quality score of a meeting (chấm điểm, xếp loại buổi sinh hoạt) and the vote count on its
 * resolution (biểu quyết), as the chair types them in chat. Pure: no I/O, no chat library.
 *
 * Rules (DOMAIN.md, "Quality rating"): a score out of 100, split into parts whose weights each
 * committee may set (default: preparation 15, attendance 20, conduct 45, closing 20), and a rating:
 *  - good (tốt): 90 or more AND full marks on attendance AND the meeting lasted long enough AND
 *    members took part AND the minutes are complete;
 *  - fair (khá): 70–89, and also 90 or more when one of the conditions for good is missed;
 *  - average (trung bình): 50–69;
 *  - poor (kém): below 50.
 *
 * Decision: scores are whole points (0, 1, … max). Provincial forms score in whole points, and
 * halves would make "89.5" and a comma that is both a decimal mark and a list separator ("15,5")
 * ambiguous in chat. A decimal score is refused with rating.bad_score.
 *
 * Locale keys (DomainError.key, with params):
 *  - rating.bad_rubric { reason, detail }: a committee's rubric is invalid; reason is one of
 *    part_count (detail: how many parts), bad_key (detail: the key), duplicate_key (the key),
 *    bad_max (the key), bad_label (the key), sum (detail: the sum of the maxima);
 *  - rating.missing_part { part }: no score for that part (part = the rubric key);
 *  - rating.unknown_part { part }: a score for a part the rubric does not have (part = the key,
 *    or the label as typed);
 *  - rating.duplicate_part { part }: the same part scored twice in one message;
 *  - rating.bad_score { part, max }: not a whole number from 0 to max (negative, decimal, NaN);
 *  - rating.score_above_max { part, max, score };
 *  - rating.wrong_count { expected, got }: scores typed in rubric order, but not one per part;
 *  - rating.total_mismatch { total, sum }: a "tổng" (total) typed that is not the sum of the parts;
 *  - rating.unreadable_scores: the message is not a list of scores;
 *  - rating.unreadable_vote: the message is not a vote count.
 */

import { DomainError } from "./errors.js";
import { cleanText, searchKey } from "./roster.js";

// ─── Types ───────────────────────────────────────────────────────────────────────────────────────

export interface RubricPart {
  /** Lower-case ASCII identifier: letters, digits and "_", starting with a letter. */
  key: string;
  /** Full marks for this part: a positive whole number. */
  max: number;
  /** The name secretaries type for a custom part ("tinh thần phê bình"); the key is accepted too. */
  label?: string;
}

export interface Rubric {
  parts: readonly RubricPart[];
}

/** good = tốt; fair = khá; average = trung bình; poor = kém. */
export const RATINGS = ["good", "fair", "average", "poor"] as const;
export type Rating = (typeof RATINGS)[number];

/** Why a meeting is not rated good, in this order. */
export const NOT_GOOD_REASONS = ["below_90", "attendance", "length", "participation", "minutes"] as const;
export type NotGoodReason = (typeof NOT_GOOD_REASONS)[number];

export interface MeetingFacts {
  /**
   * Attendance deserves full marks (e.g. the rate is above 85% and nobody is absent without
   * reason). When the rubric has an "attendance" part, its score must also be at its max.
   */
  fullAttendanceMarks: boolean;
  /** The meeting lasted at least its minimum (90 minutes, 120 when combined). */
  lengthMet: boolean;
  /** Members spoke in the discussion. */
  participationMet: boolean;
  /** The minutes record everything they must. */
  minutesComplete: boolean;
}

export interface MeetingScore {
  total: number;
  rating: Rating;
  /** Empty when good; otherwise every unmet condition, in the order of NOT_GOOD_REASONS. */
  notGoodBecause: NotGoodReason[];
}

export interface Vote {
  for: number;
  against: number;
  abstain: number;
}

export type RatingErrorCode =
  | "bad_rubric"
  | "missing_part"
  | "unknown_part"
  | "duplicate_part"
  | "bad_score"
  | "score_above_max"
  | "wrong_count"
  | "total_mismatch"
  | "unreadable_scores"
  | "unreadable_vote";

/** A refused rubric, score or vote. Its DomainError key is "rating.<code>" (params in the header). */
export class RatingError extends DomainError {
  constructor(
    readonly code: RatingErrorCode,
    params: Record<string, string | number> = {},
  ) {
    super(`rating.${code}`, params);
    this.name = "RatingError";
  }
}

// ─── Rubric ──────────────────────────────────────────────────────────────────────────────────────

export const ATTENDANCE_PART = "attendance";

export const DEFAULT_RUBRIC: Rubric = Object.freeze({
  parts: Object.freeze([
    Object.freeze({ key: "preparation", max: 15 }),
    Object.freeze({ key: ATTENDANCE_PART, max: 20 }),
    Object.freeze({ key: "conduct", max: 45 }),
    Object.freeze({ key: "closing", max: 20 }),
  ]),
});

export const RUBRIC_TOTAL = 100;
export const MAX_RUBRIC_PARTS = 10;
const RUBRIC_KEY = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_LABEL_LENGTH = 60;

/** Throws RatingError("bad_rubric") unless: 1 to 10 parts, unique valid keys, positive whole maxima summing to 100. */
export function validateRubric(rubric: Rubric): void {
  const parts = rubric.parts;
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > MAX_RUBRIC_PARTS) {
    throw badRubric("part_count", Array.isArray(parts) ? parts.length : 0);
  }
  const keys = new Set<string>();
  let sum = 0;
  for (const part of parts) {
    if (typeof part.key !== "string" || !RUBRIC_KEY.test(part.key)) throw badRubric("bad_key", String(part.key));
    if (keys.has(part.key)) throw badRubric("duplicate_key", part.key);
    keys.add(part.key);
    if (!Number.isSafeInteger(part.max) || part.max <= 0) throw badRubric("bad_max", part.key);
    if (part.label !== undefined) {
      const label = cleanText(part.label);
      if (label.length === 0 || label.length > MAX_LABEL_LENGTH) throw badRubric("bad_label", part.key);
    }
    sum += part.max;
  }
  if (sum !== RUBRIC_TOTAL) throw badRubric("sum", sum);
}

function badRubric(reason: string, detail: string | number): RatingError {
  return new RatingError("bad_rubric", { reason, detail });
}

// ─── Score ───────────────────────────────────────────────────────────────────────────────────────

export const GOOD_MIN = 90;
export const FAIR_MIN = 70;
export const AVERAGE_MIN = 50;

/**
 * Checks the scores against the rubric: one whole number from 0 to the part's max for every part,
 * no score for a part the rubric lacks. Throws RatingError (missing_part, bad_score,
 * score_above_max, unknown_part), parts checked in rubric order.
 */
export function validateScores(rubric: Rubric, scores: Readonly<Record<string, number>>): void {
  for (const part of rubric.parts) {
    if (!Object.hasOwn(scores, part.key)) throw new RatingError("missing_part", { part: part.key });
    const score = scores[part.key];
    if (typeof score !== "number" || !Number.isInteger(score) || score < 0) {
      throw new RatingError("bad_score", { part: part.key, max: part.max });
    }
    if (score > part.max) throw new RatingError("score_above_max", { part: part.key, max: part.max, score });
  }
  const known = new Set(rubric.parts.map((part) => part.key));
  for (const key of Object.keys(scores)) {
    if (!known.has(key)) throw new RatingError("unknown_part", { part: key });
  }
}

/**
 * The total and the rating of a meeting. Throws RatingError for an invalid rubric or scores.
 * Full marks on attendance means facts.fullAttendanceMarks and, when the rubric has an
 * "attendance" part, that part at its max.
 */
export function scoreMeeting(rubric: Rubric, scores: Readonly<Record<string, number>>, facts: MeetingFacts): MeetingScore {
  validateRubric(rubric);
  validateScores(rubric, scores);

  let total = 0;
  for (const part of rubric.parts) total += scores[part.key] ?? 0;

  const attendancePart = rubric.parts.find((part) => part.key === ATTENDANCE_PART);
  const attendanceFull = facts.fullAttendanceMarks && (!attendancePart || scores[ATTENDANCE_PART] === attendancePart.max);

  const reasons: NotGoodReason[] = [];
  if (total < GOOD_MIN) reasons.push("below_90");
  if (!attendanceFull) reasons.push("attendance");
  if (!facts.lengthMet) reasons.push("length");
  if (!facts.participationMet) reasons.push("participation");
  if (!facts.minutesComplete) reasons.push("minutes");

  let rating: Rating;
  if (reasons.length === 0) rating = "good";
  else if (total >= FAIR_MIN) rating = "fair";
  else if (total >= AVERAGE_MIN) rating = "average";
  else rating = "poor";

  return { total, rating, notGoodBecause: rating === "good" ? [] : reasons };
}

// ─── Reading chat messages ───────────────────────────────────────────────────────────────────────

type NumberToken = { kind: "number"; text: string; value: number };
type WordToken = { kind: "word"; text: string; key: string };
type Token = NumberToken | WordToken;

interface LabelledNumber {
  words: WordToken[];
  number: NumberToken;
}

type Grouped =
  | { kind: "positional"; numbers: NumberToken[] }
  | { kind: "labelled"; pairs: LabelledNumber[]; leftover: WordToken[] };

/**
 * Numbers ("15", "17.5"), words (any letters, matched without diacritics) and separators
 * (spaces , ; : = / + - – — ( ) .). Anything else ("%", "?", emoji) makes the text unreadable:
 * "100% tán thành" is not a count. Full-width digits are read as digits.
 */
function tokenize(text: string): Token[] | null {
  const cleaned = cleanText(text.normalize("NFKC")).toLowerCase();
  const tokens: Token[] = [];
  for (const match of cleaned.matchAll(/(\d+(?:\.\d+)?)|(\p{L}+)|([\s,;:=/+\-–—().]+)|(.)/gsu)) {
    const [, number, word, , other] = match;
    if (other !== undefined) return null;
    if (number !== undefined) tokens.push({ kind: "number", text: number, value: Number(number) });
    else if (word !== undefined) tokens.push({ kind: "word", text: word, key: searchKey(word) });
  }
  return tokens;
}

/**
 * Only numbers → positional. Starting with a word → "label number" pairs ("chuẩn bị 15, điểm danh
 * 18"); starting with a number → "number label" pairs ("25 tán thành, 2 không tán thành").
 */
function group(tokens: readonly Token[]): Grouped | null {
  if (tokens.length === 0) return null;
  if (tokens.every((token) => token.kind === "number")) return { kind: "positional", numbers: tokens as NumberToken[] };

  const pairs: LabelledNumber[] = [];
  let words: WordToken[] = [];
  if (tokens[0]?.kind === "word") {
    for (const token of tokens) {
      if (token.kind === "word") words.push(token);
      else {
        if (words.length === 0) return null; // two numbers in a row
        pairs.push({ words, number: token });
        words = [];
      }
    }
    return { kind: "labelled", pairs, leftover: words };
  }

  let pending: NumberToken | null = null;
  for (const token of tokens) {
    if (token.kind === "word") words.push(token);
    else {
      if (pending) {
        if (words.length === 0) return null;
        pairs.push({ words, number: pending });
      }
      pending = token;
      words = [];
    }
  }
  if (!pending || words.length === 0) return null;
  pairs.push({ words, number: pending });
  return { kind: "labelled", pairs, leftover: [] };
}

/**
 * The table entry for a label: the words as typed, else with filler words ("điểm", "phiếu",
 * "được") dropped from either end: "15 điểm, điểm danh 18" reads "điểm điểm danh" → attendance.
 */
function resolve<T>(words: readonly WordToken[], table: ReadonlyMap<string, T>, fillers: ReadonlySet<string>): T | undefined {
  const keys = words.map((word) => word.key);
  for (let start = 0; start < keys.length; start++) {
    if (start > 0 && !fillers.has(keys[start - 1] ?? "")) break;
    for (let end = keys.length; end > start; end--) {
      if (end < keys.length && !fillers.has(keys[end] ?? "")) break;
      const found = table.get(keys.slice(start, end).join(" "));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function onlyFillers(words: readonly WordToken[], fillers: ReadonlySet<string>): boolean {
  return words.every((word) => fillers.has(word.key));
}

// ─── Scores from chat ────────────────────────────────────────────────────────────────────────────

const TOTAL = Symbol("total");

/** Names of the default parts, keyed by searchKey (lower-case, no diacritics). */
const DEFAULT_PART_WORDS: ReadonlyMap<string, string> = new Map([
  ["chuan bi", "preparation"],
  ["cong tac chuan bi", "preparation"],
  ["preparation", "preparation"],
  ["prep", "preparation"],
  ["diem danh", "attendance"],
  ["tham du", "attendance"],
  ["du hop", "attendance"],
  ["chuyen can", "attendance"],
  ["ty le du hop", "attendance"],
  ["ti le du hop", "attendance"],
  ["attendance", "attendance"],
  ["tien hanh", "conduct"],
  ["to chuc", "conduct"],
  ["noi dung", "conduct"],
  ["dien bien", "conduct"],
  ["dieu hanh", "conduct"],
  ["conduct", "conduct"],
  ["content", "conduct"],
  ["ket thuc", "closing"],
  ["ket luan", "closing"],
  ["be mac", "closing"],
  ["closing", "closing"],
  ["conclusion", "closing"],
]);

const TOTAL_WORDS = ["tong", "tong diem", "tong cong", "tong so", "cong", "total", "sum"];

const SCORE_FILLERS: ReadonlySet<string> = new Set(["diem", "d", "phan", "muc", "la", "duoc", "dat", "points", "point", "pts"]);

function scoreTable(rubric: Rubric): Map<string, string | typeof TOTAL> {
  const table = new Map<string, string | typeof TOTAL>();
  const add = (words: string, value: string | typeof TOTAL): void => {
    const key = searchKey(words.replace(/[_\W]+/g, " "));
    if (key && !table.has(key)) table.set(key, value);
  };
  for (const part of rubric.parts) {
    add(part.key, part.key);
    if (part.label) table.set(searchKey(part.label.replace(/[^\p{L}\p{N}]+/gu, " ")), part.key);
  }
  const keys = new Set(rubric.parts.map((part) => part.key));
  for (const [words, key] of DEFAULT_PART_WORDS) if (keys.has(key)) add(words, key);
  for (const words of TOTAL_WORDS) add(words, TOTAL);
  return table;
}

/**
 * Reads the scores typed by the chair:
 *  - in rubric order: "15 18 40 20", "15/18/40/20", "15, 18, 40, 20" (one number per part);
 *  - by name, in any order: "chuẩn bị 15, điểm danh 18, tiến hành 40, kết thúc 20",
 *    "preparation=15 attendance=18 conduct=40 closing=20", "15 điểm chuẩn bị, 18 điểm danh …";
 *    a part's key or label names it in a custom rubric; an optional "tổng 93" must be the sum.
 * Returns the scores by part key, validated; throws RatingError (codes in the header).
 */
export function parseScores(text: string, rubric: Rubric): Record<string, number> {
  validateRubric(rubric);
  const tokens = tokenize(text);
  const grouped = tokens && group(tokens);
  if (!grouped) throw new RatingError("unreadable_scores");

  const scores: Record<string, number> = {};
  if (grouped.kind === "positional") {
    if (grouped.numbers.length !== rubric.parts.length) {
      throw new RatingError("wrong_count", { expected: rubric.parts.length, got: grouped.numbers.length });
    }
    rubric.parts.forEach((part, index) => (scores[part.key] = grouped.numbers[index]?.value ?? Number.NaN));
    validateScores(rubric, scores);
    return scores;
  }

  if (!onlyFillers(grouped.leftover, SCORE_FILLERS)) throw new RatingError("unreadable_scores");
  const table = scoreTable(rubric);
  let total: number | undefined;
  for (const { words, number } of grouped.pairs) {
    const part = resolve(words, table, SCORE_FILLERS);
    if (part === undefined) throw new RatingError("unknown_part", { part: words.map((word) => word.text).join(" ") });
    if (part === TOTAL) {
      if (total !== undefined) throw new RatingError("duplicate_part", { part: words.map((word) => word.text).join(" ") });
      total = number.value;
    } else {
      if (Object.hasOwn(scores, part)) throw new RatingError("duplicate_part", { part });
      scores[part] = number.value;
    }
  }
  validateScores(rubric, scores);
  if (total !== undefined) {
    const sum = rubric.parts.reduce((acc, part) => acc + (scores[part.key] ?? 0), 0);
    if (total !== sum) throw new RatingError("total_mismatch", { total, sum });
  }
  return scores;
}

// ─── Vote from chat ──────────────────────────────────────────────────────────────────────────────

type VoteSide = keyof Vote;

const VOTE_WORDS: ReadonlyMap<string, VoteSide> = new Map<string, VoteSide>([
  ["tan thanh", "for"],
  ["dong y", "for"],
  ["nhat tri", "for"],
  ["ung ho", "for"],
  ["for", "for"],
  ["yes", "for"],
  ["agree", "for"],
  ["khong tan thanh", "against"],
  ["khong dong y", "against"],
  ["khong nhat tri", "against"],
  ["phan doi", "against"],
  ["against", "against"],
  ["no", "against"],
  ["disagree", "against"],
  ["khong bieu quyet", "abstain"],
  ["khong tham gia bieu quyet", "abstain"],
  ["khong y kien", "abstain"],
  ["khong co y kien", "abstain"],
  ["phieu trang", "abstain"],
  ["abstain", "abstain"],
  ["abstained", "abstain"],
  ["abstention", "abstain"],
  ["abstentions", "abstain"],
]);

const VOTE_FILLERS: ReadonlySet<string> = new Set([
  "phieu",
  "dong",
  "chi",
  "dc",
  "d",
  "c",
  "nguoi",
  "dang",
  "vien",
  "dv",
  "la",
  "co",
  "votes",
  "vote",
]);

/**
 * Reads a vote count on the resolution:
 *  - "25/2/1", "25 2 1", "25-2-1": for, against, abstain, in that order (exactly three numbers);
 *  - by name, in any order, with the count after or before: "tán thành 25, không tán thành 2,
 *    không biểu quyết 1", "25 đồng chí tán thành, 2 phản đối", "for 25 against 2 abstain 1".
 *    A side not named is 0 ("tán thành 25" alone is 25/0/0).
 * Throws RatingError("unreadable_vote") for anything else: a side named twice, a decimal, a
 * percentage ("100% tán thành"), an unknown word, or no count at all.
 */
export function parseVote(text: string): Vote {
  const tokens = tokenize(text);
  const grouped = tokens && group(tokens);
  if (!grouped) throw new RatingError("unreadable_vote");

  const counts = (grouped.kind === "positional" ? grouped.numbers : grouped.pairs.map((pair) => pair.number)).map(
    (token) => token.value,
  );
  if (!counts.every((count) => Number.isSafeInteger(count) && count >= 0)) throw new RatingError("unreadable_vote");

  if (grouped.kind === "positional") {
    const [forCount, against, abstain] = counts;
    if (counts.length !== 3 || forCount === undefined || against === undefined || abstain === undefined) {
      throw new RatingError("unreadable_vote");
    }
    return { for: forCount, against, abstain };
  }

  if (!onlyFillers(grouped.leftover, VOTE_FILLERS)) throw new RatingError("unreadable_vote");
  const vote: Vote = { for: 0, against: 0, abstain: 0 };
  const named = new Set<VoteSide>();
  for (const { words, number } of grouped.pairs) {
    const side = resolve(words, VOTE_WORDS, VOTE_FILLERS);
    if (side === undefined || named.has(side)) throw new RatingError("unreadable_vote");
    named.add(side);
    vote[side] = number.value;
  }
  return vote;
}
