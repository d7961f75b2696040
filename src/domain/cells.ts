import type { Db, Tx } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { normalizeCode } from "./codes.js";
import { DomainError } from "./errors.js";

export const CELL_TYPES = ["residential", "school", "police", "military", "agency", "enterprise"] as const;
export type CellType = (typeof CELL_TYPES)[number];
export type Platform = "telegram" | "zalo";

export function isCellType(value: string): value is CellType {
  return (CELL_TYPES as readonly string[]).includes(value);
}

export async function findBinding(db: Db, platform: Platform, chatId: string) {
  return db.chatBinding.findUnique({
    where: { platform_chatId: { platform, chatId } },
    include: { cell: true, committee: true },
  });
}

export interface NewCell {
  name: string;
  type: CellType;
  platform: Platform;
  chatId: string;
  chatTitle: string | null;
  secretaryIdentityId: string;
  timeZone: string;
  locale: string;
  inviteCode?: string | undefined;
}

/** Finds a usable invite code; throws a DomainError naming what is wrong with it. */
export async function findValidInvite(client: Db | Tx, input: string, now: Date) {
  const invite = await client.inviteCode.findUnique({ where: { code: normalizeCode(input) }, include: { committee: true } });
  if (!invite) throw new DomainError("invite.wrong", { code: input });
  if (invite.usedAt) throw new DomainError("invite.used", { code: input });
  if (invite.expiresAt <= now) throw new DomainError("invite.expired", { code: input });
  return invite;
}

/** Marks the invite used by the cell; a code redeemed concurrently by another cell is refused. */
async function markInviteUsed(tx: Tx, inviteId: string, code: string, cellId: string, now: Date) {
  const used = await tx.inviteCode.updateMany({
    where: { id: inviteId, usedAt: null },
    data: { usedAt: now, usedByCellId: cellId },
  });
  if (used.count !== 1) throw new DomainError("invite.used", { code });
}

export async function createCell(db: Db, actor: Actor, input: NewCell, now = new Date()) {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 120) throw new DomainError("setup.bad_name");
  return db.$transaction(async (tx) => {
    const existing = await tx.chatBinding.findUnique({
      where: { platform_chatId: { platform: input.platform, chatId: input.chatId } },
    });
    if (existing) throw new DomainError("setup.already_bound");
    const invite = input.inviteCode ? await findValidInvite(tx, input.inviteCode, now) : null;
    const committeeId = invite?.committeeId ?? null;
    const cell = await tx.cell.create({
      data: { name, type: input.type, committeeId, timeZone: input.timeZone, locale: input.locale },
    });
    await tx.chatBinding.create({
      data: { platform: input.platform, chatId: input.chatId, kind: "cell", cellId: cell.id, title: input.chatTitle },
    });
    await tx.cellManager.create({ data: { cellId: cell.id, identityId: input.secretaryIdentityId, role: "secretary" } });
    if (invite && input.inviteCode) await markInviteUsed(tx, invite.id, input.inviteCode, cell.id, now);
    await recordAudit(tx, actor, {
      cellId: cell.id,
      committeeId,
      entity: "cell",
      entityId: cell.id,
      action: "create",
      after: cell,
    });
    return cell;
  });
}

/** Joins an existing cell to a committee with an invite code. */
export async function joinCommittee(db: Db, actor: Actor, cellId: string, code: string, now = new Date()) {
  return db.$transaction(async (tx) => {
    const cell = await tx.cell.findUniqueOrThrow({ where: { id: cellId } });
    const invite = await findValidInvite(tx, code, now);
    if (cell.committeeId === invite.committeeId)
      throw new DomainError("setup.already_in_committee", { committee: invite.committee.name });
    await markInviteUsed(tx, invite.id, code, cell.id, now);
    const updated = await tx.cell.update({ where: { id: cellId }, data: { committeeId: invite.committeeId } });
    await recordAudit(tx, actor, {
      cellId,
      committeeId: invite.committeeId,
      entity: "cell",
      entityId: cellId,
      action: "join_committee",
      before: { committeeId: cell.committeeId },
      after: { committeeId: invite.committeeId },
    });
    return { cell: updated, committee: invite.committee };
  });
}
