import type { Db, Tx } from "../db/client.js";
import type { Member } from "../db/generated/sqlite/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { DomainError } from "./errors.js";
import { displayName, normalizeName, searchKey, type MemberRole, type MemberStatus } from "./roster.js";
import { planRosterImport, type ExistingMember, type ImportPlan, type RosterRow } from "./roster-import.js";

export type { Member };
export type Membership = "active" | "exempt" | "transferred_out" | "removed";

export const MEMBERS_PAGE_SIZE = 8;

export interface MemberFields {
  fullName: string;
  birthYear: number | null;
  gender: "male" | "female" | null;
  status: MemberStatus;
  membership: Membership;
  exemptSince: string | null;
  role: MemberRole;
  group: string | null;
}

export type MemberPatch = Partial<MemberFields>;

const AUDITED_FIELDS: (keyof MemberFields)[] = [
  "fullName",
  "birthYear",
  "gender",
  "status",
  "membership",
  "exemptSince",
  "role",
  "group",
];

function pickFields(member: Member): MemberFields {
  return {
    fullName: member.fullName,
    birthYear: member.birthYear,
    gender: member.gender as MemberFields["gender"],
    status: member.status as MemberStatus,
    membership: member.membership as Membership,
    exemptSince: member.exemptSince,
    role: member.role as MemberRole,
    group: member.group,
  };
}

function nameColumns(fullName: string) {
  const name = displayName(fullName);
  if (name.length === 0 || name.length > 100) throw new DomainError("members.bad_name");
  return { fullName: name, nameKey: normalizeName(name), searchKey: searchKey(name) };
}

export interface MemberPage {
  items: Member[];
  total: number;
  page: number;
  pages: number;
}

export async function listMembers(
  db: Db,
  cellId: string,
  options: { query?: string; page?: number; includeRemoved?: boolean } = {},
): Promise<MemberPage> {
  const query = options.query ? searchKey(options.query) : "";
  const where = {
    cellId,
    ...(options.includeRemoved ? {} : { membership: { not: "removed" } }),
    ...(query ? { searchKey: { contains: query } } : {}),
  };
  const total = await db.member.count({ where });
  const pages = Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE));
  const page = Math.min(Math.max(1, options.page ?? 1), pages);
  const items = await db.member.findMany({
    where,
    orderBy: [{ nameKey: "asc" }],
    skip: (page - 1) * MEMBERS_PAGE_SIZE,
    take: MEMBERS_PAGE_SIZE,
  });
  return { items, total, page, pages };
}

export async function getMember(db: Db, cellId: string, memberId: string) {
  const member = await db.member.findFirst({ where: { id: memberId, cellId }, include: { identities: true } });
  if (!member) throw new DomainError("members.not_found");
  return member;
}

export async function addMember(
  db: Db,
  actor: Actor,
  cellId: string,
  fields: Omit<MemberFields, "membership"> & { exempt: boolean },
) {
  const names = nameColumns(fields.fullName);
  return db.$transaction(async (tx) => {
    const clash = await tx.member.findUnique({ where: { cellId_nameKey: { cellId, nameKey: names.nameKey } } });
    if (clash && clash.membership !== "removed") throw new DomainError("members.duplicate", { name: clash.fullName });
    const data = {
      ...names,
      birthYear: fields.birthYear,
      gender: fields.gender,
      status: fields.status,
      membership: fields.exempt ? "exempt" : "active",
      exemptSince: fields.exemptSince,
      role: fields.role,
      group: fields.group,
    };
    const member = clash
      ? await tx.member.update({ where: { id: clash.id }, data })
      : await tx.member.create({ data: { cellId, ...data } });
    await recordAudit(tx, actor, { cellId, entity: "member", entityId: member.id, action: "add", after: pickFields(member) });
    return member;
  });
}

export async function updateMember(db: Db, actor: Actor, cellId: string, memberId: string, patch: MemberPatch) {
  return db.$transaction(async (tx) => {
    const before = await tx.member.findFirst({ where: { id: memberId, cellId } });
    if (!before) throw new DomainError("members.not_found");
    return applyPatch(tx, actor, before, patch, "update");
  });
}

async function applyPatch(tx: Tx, actor: Actor, before: Member, patch: MemberPatch, action: string) {
  const data: Record<string, unknown> = { ...patch };
  if (patch.fullName !== undefined) Object.assign(data, nameColumns(patch.fullName));
  if (patch.membership && patch.membership !== "exempt" && patch.exemptSince === undefined) data.exemptSince = null;
  if (data.nameKey && data.nameKey !== before.nameKey) {
    const clash = await tx.member.findUnique({
      where: { cellId_nameKey: { cellId: before.cellId, nameKey: String(data.nameKey) } },
    });
    if (clash) throw new DomainError("members.duplicate", { name: clash.fullName });
  }
  const after = await tx.member.update({ where: { id: before.id }, data });
  const changedBefore: Partial<MemberFields> = {};
  const changedAfter: Partial<MemberFields> = {};
  const beforeFields = pickFields(before);
  const afterFields = pickFields(after);
  for (const field of AUDITED_FIELDS) {
    if (beforeFields[field] !== afterFields[field]) {
      Object.assign(changedBefore, { [field]: beforeFields[field] });
      Object.assign(changedAfter, { [field]: afterFields[field] });
    }
  }
  if (Object.keys(changedAfter).length > 0) {
    await recordAudit(tx, actor, {
      cellId: before.cellId,
      entity: "member",
      entityId: before.id,
      action,
      before: changedBefore,
      after: changedAfter,
    });
  }
  return { before, after, changed: Object.keys(changedAfter) as (keyof MemberFields)[] };
}

/** Removal keeps the row (and its history) so it can be undone. Linked accounts are released. */
export async function removeMember(db: Db, actor: Actor, cellId: string, memberId: string) {
  return db.$transaction(async (tx) => {
    const before = await tx.member.findFirst({ where: { id: memberId, cellId } });
    if (!before) throw new DomainError("members.not_found");
    if (before.membership === "removed") throw new DomainError("members.already_removed", { name: before.fullName });
    await tx.platformIdentity.updateMany({ where: { memberId }, data: { memberId: null } });
    await tx.linkRequest.updateMany({ where: { memberId, status: "pending" }, data: { status: "cancelled" } });
    return applyPatch(tx, actor, before, { membership: "removed" }, "remove");
  });
}

export async function restoreMember(db: Db, actor: Actor, cellId: string, memberId: string) {
  return db.$transaction(async (tx) => {
    const before = await tx.member.findFirst({ where: { id: memberId, cellId } });
    if (!before) throw new DomainError("members.not_found");
    if (before.membership !== "removed") return { before, after: before, changed: [] };
    const membership: Membership = before.exemptSince ? "exempt" : "active";
    return applyPatch(tx, actor, before, { membership, exemptSince: before.exemptSince }, "restore");
  });
}

function toExisting(member: Member): ExistingMember {
  const fields = pickFields(member);
  return { id: member.id, ...fields };
}

export async function planImportForCell(db: Db, cellId: string, rows: RosterRow[]): Promise<ImportPlan> {
  const existing = await db.member.findMany({ where: { cellId } });
  return planRosterImport(existing.map(toExisting), rows);
}

/** Applies a confirmed import in one transaction, re-planned against the roster as it is now. */
export async function applyRosterImport(db: Db, actor: Actor, cellId: string, rows: RosterRow[]) {
  return db.$transaction(
    async (tx) => {
      const existing = await tx.member.findMany({ where: { cellId } });
      const plan = planRosterImport(existing.map(toExisting), rows);
      const byId = new Map(existing.map((member) => [member.id, member]));
      for (const row of plan.add) {
        await tx.member.create({ data: { cellId, ...nameColumns(row.fullName), ...rowFields(row) } });
      }
      for (const { member, changes } of plan.update) {
        const current = byId.get(member.id);
        const patch = Object.fromEntries(changes.map((change) => [change.field, change.after])) as MemberPatch;
        if (current) await applyPatch(tx, actor, current, patch, "import_update");
      }
      await recordAudit(tx, actor, {
        cellId,
        entity: "roster",
        action: "import",
        after: { added: plan.add.map((row) => row.fullName), updated: plan.update.length, unchanged: plan.unchanged.length },
      });
      return plan;
    },
    { timeout: 60_000 },
  );
}

function rowFields(row: RosterRow) {
  return {
    birthYear: row.birthYear,
    gender: row.gender,
    status: row.status,
    membership: row.exempt ? "exempt" : "active",
    exemptSince: row.exempt ? row.exemptSince : null,
    role: row.role,
    group: row.group,
  } satisfies Omit<MemberFields, "fullName">;
}

export async function rosterOverview(db: Db, cellId: string) {
  const members = await db.member.findMany({
    where: { cellId, membership: { not: "removed" } },
    select: { status: true, membership: true, role: true, group: true, identities: { select: { id: true } } },
  });
  return {
    total: members.length,
    official: members.filter((m) => m.status === "official").length,
    probationary: members.filter((m) => m.status === "probationary").length,
    exempt: members.filter((m) => m.membership === "exempt").length,
    transferredOut: members.filter((m) => m.membership === "transferred_out").length,
    linked: members.filter((m) => m.identities.length > 0).length,
    groups: new Set(members.map((m) => m.group).filter(Boolean)).size,
  };
}

/**
 * The date of a cell's decision (e.g. exempt since), as secretaries write it: "hôm nay", dd/mm/yyyy,
 * d-m-yyyy or yyyy-mm-dd. Returns YYYY-MM-DD, or undefined for an impossible or future date.
 */
export function parseDecisionDate(text: string, today: string): string | undefined {
  const input = text.trim().toLowerCase().normalize("NFC");
  if (["hôm nay", "hom nay", "today", "nay"].includes(input)) return today;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(input);
  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input);
  const [year, month, day] = dmy ? [dmy[3], dmy[2], dmy[1]] : ymd ? [ymd[1], ymd[2], ymd[3]] : [];
  if (!year || !month || !day) return undefined;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return undefined;
  const iso = date.toISOString().slice(0, 10);
  return iso <= today ? iso : undefined;
}
