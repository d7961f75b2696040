/**
 * The roster vocabulary: member statuses, roles and membership states, and how names and the
 * Vietnamese words secretaries type are normalised. Pure functions, no I/O.
 */

export const MEMBER_STATUSES = ["official", "probationary"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Most senior first: when a cell lists several roles for one person, the first of these wins. */
export const MEMBER_ROLES = ["secretary", "deputy", "committee_member", "group_leader", "member"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** exempt = miễn công tác và sinh hoạt đảng; transferred_out = chuyển sinh hoạt tạm thời; removed = xóa tên (row kept). */
export const MEMBERSHIP_STATES = ["active", "exempt", "transferred_out", "removed"] as const;
export type MembershipState = (typeof MEMBERSHIP_STATES)[number];

export const GENDERS = ["male", "female"] as const;
export type Gender = (typeof GENDERS)[number];

/** Control characters, soft hyphen, zero-width characters and the byte-order mark. Tab/CR/LF are whitespace, collapsed later. */
const INVISIBLE_CHARACTERS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** NFC, invisible characters dropped, whitespace runs collapsed to one space, trimmed. */
export function cleanText(text: string): string {
  return text
    .replace(LONE_SURROGATES, "")
    .normalize("NFC")
    .replace(INVISIBLE_CHARACTERS, "")
    .replace(/\s+/g, " ")
    .trim()
    .normalize("NFC");
}

/** The name as written, tidied: NFC, trimmed, single spaces. */
export function displayName(name: string): string {
  return cleanText(name);
}

/** Key for "is this the same person": case-insensitive, spacing- and composition-insensitive, diacritics kept. */
export function normalizeName(name: string): string {
  return cleanText(name).toLowerCase().normalize("NFC");
}

/** Key for searching as people type on a phone: no diacritics (đ → d), lower-case, single spaces. */
export function searchKey(name: string): string {
  return stripDiacritics(cleanText(name)).toLowerCase();
}

/** Key for looking words up in tables: like searchKey, with punctuation turned into spaces. */
export function wordKey(text: string): string {
  return searchKey(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function stripDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
}

// Word tables, keyed by wordKey (lower-case, no diacritics, punctuation as spaces).

const STATUS_WORDS: ReadonlyMap<string, MemberStatus> = new Map<string, MemberStatus>([
  ["chinh thuc", "official"],
  ["ct", "official"],
  ["dang vien chinh thuc", "official"],
  ["dv chinh thuc", "official"],
  ["dvct", "official"],
  ["official", "official"],
  ["full member", "official"],
  ["du bi", "probationary"],
  ["db", "probationary"],
  ["dang vien du bi", "probationary"],
  ["dv du bi", "probationary"],
  ["dvdb", "probationary"],
  ["probationary", "probationary"],
  ["probation", "probationary"],
  ["candidate", "probationary"],
]);

const ROLE_WORDS: ReadonlyMap<string, MemberRole> = new Map<string, MemberRole>([
  ["bi thu", "secretary"],
  ["bt", "secretary"],
  ["secretary", "secretary"],
  ["pho bi thu", "deputy"],
  ["pbt", "deputy"],
  ["deputy", "deputy"],
  ["deputy secretary", "deputy"],
  ["vice secretary", "deputy"],
  ["chi uy vien", "committee_member"],
  ["chi uy", "committee_member"],
  ["cuv", "committee_member"],
  ["uy vien chi uy", "committee_member"],
  ["committee member", "committee_member"],
  ["committee", "committee_member"],
  ["to truong", "group_leader"],
  ["to truong to dang", "group_leader"],
  ["to truong dang", "group_leader"],
  ["group leader", "group_leader"],
  ["leader", "group_leader"],
  ["dang vien", "member"],
  ["dv", "member"],
  ["member", "member"],
  ["thanh vien", "member"],
]);

/**
 * What may follow a role word: "Bí thư chi bộ", "Tổ trưởng tổ 2", "Đảng viên dự bị". Anything else
 * ("Bí thư Đoàn", a youth-union post) is not a cell role. Several roles are split on "kiêm", ",", ";", "/", "+", "&".
 */
const ROLE_QUALIFIERS = ["chi bo", "cb", "to", "chinh thuc", "du bi"];

/** "Chính thức", "chinh thuc", "CT", "official" → official; "Dự bị", "du bi", "DB", "probationary" → probationary. */
export function parseStatusWord(text: string): MemberStatus | undefined {
  const key = wordKey(text);
  if (key === "") return undefined;
  const exact = STATUS_WORDS.get(key);
  if (exact) return exact;
  for (const [word, status] of STATUS_WORDS) {
    if (word.length > 2 && key.startsWith(`${word} `)) return status;
  }
  return undefined;
}

/** Vietnamese (with or without diacritics, abbreviations) or English role words; several roles → the most senior. */
export function parseRoleWord(text: string): MemberRole | undefined {
  const parts = wordKey(text.replace(/[,;/+&]/g, " kiem ")).split(/\bkiem\b/);
  const roles = parts.map((part) => parseSingleRole(part.trim())).filter((role) => role !== undefined);
  if (roles.length === 0) return undefined;
  return mostSenior(roles);
}

function parseSingleRole(key: string): MemberRole | undefined {
  if (key === "") return undefined;
  const exact = ROLE_WORDS.get(key);
  if (exact) return exact;
  const prefixes = [...ROLE_WORDS.keys()].sort((a, b) => b.length - a.length);
  for (const word of prefixes) {
    if (!key.startsWith(`${word} `)) continue;
    const rest = key.slice(word.length + 1);
    if (ROLE_QUALIFIERS.some((q) => rest === q || rest.startsWith(`${q} `))) return ROLE_WORDS.get(word);
  }
  return undefined;
}

export function mostSenior(roles: readonly MemberRole[]): MemberRole {
  let best: MemberRole = "member";
  for (const role of roles) {
    if (MEMBER_ROLES.indexOf(role) < MEMBER_ROLES.indexOf(best)) best = role;
  }
  return best;
}

const GENDER_WORDS: ReadonlyMap<string, Gender> = new Map<string, Gender>([
  ["nam", "male"],
  ["m", "male"],
  ["male", "male"],
  ["man", "male"],
  ["nu", "female"],
  ["f", "female"],
  ["female", "female"],
  ["woman", "female"],
]);

/** "Nam", "nam", "M", "male" → male; "Nữ", "nu", "F", "female" → female. */
export function parseGenderWord(text: string): Gender | undefined {
  return GENDER_WORDS.get(wordKey(text));
}

/** Expected at meetings (counts in the attendance rate): active members only, not exempt, transferred out or removed. */
export function isExpected(member: { membership: MembershipState }): boolean {
  return member.membership === "active";
}
