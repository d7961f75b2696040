/**
 * The live tally under a meeting announcement: who will attend, who will be absent and why, who
 * has not answered. Pure, no I/O.
 *
 * Who counts (DOMAIN.md, "Attendance"):
 *  - active members are expected: they make up attend + absent + noAnswer = expected;
 *  - exempt members (miễn sinh hoạt) are invited but not expected: counted apart (exemptTotal,
 *    exemptAttending) and their names listed apart, never in the expected figures;
 *  - members transferred out (or removed) are not counted at all;
 *  - answers from anyone not in the list (removed, unknown) are ignored.
 */

import { createHash } from "node:crypto";
import type { MembershipState } from "./roster.js";

// ─── Types ───────────────────────────────────────────────────────────────────────────────────────

export interface TallyMember {
  id: string;
  name: string;
  /** Tổ đảng, if the cell has groups. */
  group?: string | null;
  membership: MembershipState;
}

export interface TallyAnswer {
  memberId: string;
  answer: "attend" | "absent";
  reason?: string | null;
}

export interface AbsentEntry {
  name: string;
  reason: string | null;
}

export interface Tally {
  /** Active members: the people the attendance rate counts. */
  expected: number;
  attend: number;
  absent: number;
  noAnswer: number;
  exemptTotal: number;
  exemptAttending: number;
  /** Active members who will attend, in Vietnamese alphabetical order (as are all name lists). */
  attendingNames: string[];
  absentEntries: AbsentEntry[];
  noAnswerNames: string[];
  /** Exempt members who said they will come anyway. */
  exemptAttendingNames: string[];
  /** Active members without an answer, per Party group, so group leaders can chase their own. */
  noAnswerByGroup: { group: string | null; names: string[] }[];
}

// ─── Sorting ─────────────────────────────────────────────────────────────────────────────────────

const VIETNAMESE = new Intl.Collator("vi");

/** Vietnamese alphabetical order ("Đ" after "D", "Ư" after "U"); equal names keep a stable order by id. */
function byName(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return VIETNAMESE.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function sortNamesVietnamese(names: readonly string[]): string[] {
  return [...names].sort((a, b) => VIETNAMESE.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

// ─── Tally ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Counts the answers. When a member has several answers, the last one in `answers` wins (pass them
 * in the order they were given).
 */
export function computeTally(members: readonly TallyMember[], answers: readonly TallyAnswer[]): Tally {
  const latest = new Map<string, TallyAnswer>();
  for (const answer of answers) latest.set(answer.memberId, answer);

  const seen = new Set<string>();
  const attending: TallyMember[] = [];
  const absent: { member: TallyMember; reason: string | null }[] = [];
  const noAnswer: TallyMember[] = [];
  const exemptAttending: TallyMember[] = [];
  let exemptTotal = 0;

  for (const member of members) {
    if (seen.has(member.id)) continue; // the same member listed twice counts once
    seen.add(member.id);
    const answer = latest.get(member.id);
    if (member.membership === "exempt") {
      exemptTotal++;
      if (answer?.answer === "attend") exemptAttending.push(member);
      continue;
    }
    if (member.membership !== "active") continue;
    if (!answer) noAnswer.push(member);
    else if (answer.answer === "attend") attending.push(member);
    else absent.push({ member, reason: answer.reason ?? null });
  }

  attending.sort(byName);
  absent.sort((a, b) => byName(a.member, b.member));
  noAnswer.sort(byName);
  exemptAttending.sort(byName);

  return {
    expected: attending.length + absent.length + noAnswer.length,
    attend: attending.length,
    absent: absent.length,
    noAnswer: noAnswer.length,
    exemptTotal,
    exemptAttending: exemptAttending.length,
    attendingNames: attending.map((member) => member.name),
    absentEntries: absent.map(({ member, reason }) => ({ name: member.name, reason })),
    noAnswerNames: noAnswer.map((member) => member.name),
    exemptAttendingNames: exemptAttending.map((member) => member.name),
    noAnswerByGroup: groupsOf(noAnswer),
  };
}

/** Groups in Vietnamese order (numbers in numeric order: "Tổ 2" before "Tổ 10"); members without a group last. */
function groupsOf(members: readonly TallyMember[]): { group: string | null; names: string[] }[] {
  const groups = new Map<string | null, string[]>();
  for (const member of members) {
    const group = member.group?.trim() || null;
    const names = groups.get(group) ?? [];
    names.push(member.name);
    groups.set(group, names);
  }
  const numeric = new Intl.Collator("vi", { numeric: true });
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : numeric.compare(a, b)))
    .map(([group, names]) => ({ group, names }));
}

// ─── Pages ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Splits names into pages for chat messages: names sorted in Vietnamese order, each page's names
 * joined with `separator` at most `maxChars` long (UTF-16 code units, as Telegram counts), each
 * name on exactly one page, pages filled in order. A name longer than `maxChars` on its own is cut
 * to fit, ending with "…". No names → no pages. Throws RangeError when maxChars < 1.
 */
export function paginateNames(names: readonly string[], maxChars: number, separator = ", "): string[][] {
  if (!Number.isFinite(maxChars) || maxChars < 1) throw new RangeError(`maxChars must be at least 1, got ${maxChars}`);
  const pages: string[][] = [];
  let page: string[] = [];
  let length = 0;
  for (const original of sortNamesVietnamese(names)) {
    const name = fitName(original, maxChars);
    const added = page.length === 0 ? name.length : length + separator.length + name.length;
    if (page.length > 0 && added > maxChars) {
      pages.push(page);
      page = [name];
      length = name.length;
    } else {
      page.push(name);
      length = added;
    }
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

function fitName(name: string, maxChars: number): string {
  if (name.length <= maxChars) return name;
  let cut = name.slice(0, Math.max(0, maxChars - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never leave half an emoji
  return `${cut}…`.slice(0, maxChars);
}

// ─── Signature ───────────────────────────────────────────────────────────────────────────────────

/**
 * A short fingerprint (16 hex digits of SHA-256) of everything the tally shows, so the bot can skip
 * editing a message when nothing changed. Equal tallies give equal signatures, whatever the order
 * of their object keys.
 */
export function tallySignature(tally: Tally): string {
  const canonical = JSON.stringify([
    tally.expected,
    tally.attend,
    tally.absent,
    tally.noAnswer,
    tally.exemptTotal,
    tally.exemptAttending,
    tally.attendingNames,
    tally.absentEntries.map((entry) => [entry.name, entry.reason]),
    tally.noAnswerNames,
    tally.exemptAttendingNames,
    tally.noAnswerByGroup.map((group) => [group.group, group.names]),
  ]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}
