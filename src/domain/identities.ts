import type { Db } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import type { Platform } from "./cells.js";
import { DomainError } from "./errors.js";
import { adoptPendingAnswers } from "./meeting-service.js";

export interface SeenAccount {
  platform: Platform;
  platformUserId: string;
  displayName: string;
  username: string | null;
  /** The account wrote to the bot in a private chat, so the bot may message it. */
  inPrivateChat: boolean;
}

/** Finds or records the chat account behind an update; writes only when something changed. */
export async function touchIdentity(db: Db, seen: SeenAccount) {
  const where = { platform_platformUserId: { platform: seen.platform, platformUserId: seen.platformUserId } };
  const found = await db.platformIdentity.findUnique({ where });
  if (!found) {
    return db.platformIdentity.upsert({
      where,
      create: {
        platform: seen.platform,
        platformUserId: seen.platformUserId,
        displayName: seen.displayName,
        username: seen.username,
        startedPrivate: seen.inPrivateChat,
      },
      update: {},
    });
  }
  const changed =
    found.displayName !== seen.displayName || found.username !== seen.username || (seen.inPrivateChat && !found.startedPrivate);
  if (!changed) return found;
  return db.platformIdentity.update({
    where: { id: found.id },
    data: { displayName: seen.displayName, username: seen.username, startedPrivate: found.startedPrivate || seen.inPrivateChat },
  });
}

export async function cellsManagedBy(db: Db, identityId: string) {
  const identity = await db.platformIdentity.findUnique({
    where: { id: identityId },
    include: { managedCells: { include: { cell: true } }, member: { include: { cell: true } } },
  });
  if (!identity) return [];
  const cells = new Map(identity.managedCells.map((m) => [m.cellId, m.cell]));
  const member = identity.member;
  if (member && member.membership !== "removed" && (member.role === "secretary" || member.role === "deputy")) {
    cells.set(member.cellId, member.cell);
  }
  return [...cells.values()].sort((a, b) => a.name.localeCompare(b.name, "vi"));
}

export async function canManageCell(db: Db, identityId: string, cellId: string): Promise<boolean> {
  return (await cellsManagedBy(db, identityId)).some((cell) => cell.id === cellId);
}

async function assertLinkable(db: Db, identityId: string, memberId: string) {
  const [identity, member] = await Promise.all([
    db.platformIdentity.findUniqueOrThrow({ where: { id: identityId }, include: { member: true } }),
    db.member.findUnique({ where: { id: memberId }, include: { identities: true } }),
  ]);
  if (!member || member.membership === "removed") throw new DomainError("link.member_removed");
  if (identity.member && identity.memberId !== memberId) {
    throw new DomainError("link.already_linked_self", { name: identity.member.fullName });
  }
  if (member.identities.some((other) => other.platform === identity.platform && other.id !== identityId)) {
    throw new DomainError("link.taken", { name: member.fullName });
  }
  return { identity, member };
}

/** A member claims a roster entry; the secretary decides. One pending claim per account. */
export async function claimMember(db: Db, identityId: string, memberId: string) {
  const { member, identity } = await assertLinkable(db, identityId, memberId);
  if (identity.memberId === memberId) throw new DomainError("link.already_yours", { name: member.fullName });
  await db.linkRequest.updateMany({ where: { identityId, status: "pending" }, data: { status: "cancelled" } });
  const request = await db.linkRequest.create({ data: { identityId, memberId } });
  return { request, member, identity };
}

export async function linkIdentity(db: Db, actor: Actor, identityId: string, memberId: string) {
  const { member, identity } = await assertLinkable(db, identityId, memberId);
  return db.$transaction(async (tx) => {
    await tx.platformIdentity.update({ where: { id: identityId }, data: { memberId } });
    await adoptPendingAnswers(tx, identityId, memberId);
    await tx.linkRequest.updateMany({
      where: { identityId, status: "pending" },
      data: { status: "approved", decidedAt: new Date(), decidedBy: actor.identityId },
    });
    await recordAudit(tx, actor, {
      cellId: member.cellId,
      entity: "member",
      entityId: memberId,
      action: "link_account",
      before: { platform: identity.platform, memberId: identity.memberId },
      after: { platform: identity.platform, identityId },
    });
    return { member, identity };
  });
}

export async function decideClaim(db: Db, actor: Actor, requestId: string, approve: boolean) {
  const request = await db.linkRequest.findUnique({ where: { id: requestId }, include: { member: true, identity: true } });
  if (!request || request.status !== "pending") throw new DomainError("link.request_gone");
  if (approve) {
    await linkIdentity(db, actor, request.identityId, request.memberId);
  } else {
    await db.$transaction(async (tx) => {
      await tx.linkRequest.update({
        where: { id: requestId },
        data: { status: "rejected", decidedAt: new Date(), decidedBy: actor.identityId },
      });
      await recordAudit(tx, actor, {
        cellId: request.member.cellId,
        entity: "member",
        entityId: request.memberId,
        action: "reject_claim",
      });
    });
  }
  return request;
}

export async function unlinkMember(db: Db, actor: Actor, memberId: string) {
  const member = await db.member.findUniqueOrThrow({ where: { id: memberId }, include: { identities: true } });
  await db.$transaction(async (tx) => {
    await tx.platformIdentity.updateMany({ where: { memberId }, data: { memberId: null } });
    await recordAudit(tx, actor, {
      cellId: member.cellId,
      entity: "member",
      entityId: memberId,
      action: "unlink_account",
      before: member.identities.map((identity) => ({ platform: identity.platform, identityId: identity.id })),
    });
  });
  return member;
}

/** The secretaries and deputies of a cell who wrote to the bot privately on one of these platforms, so may be messaged. */
export function reachableManagers(db: Db, cellId: string, platforms: string[]) {
  return db.platformIdentity.findMany({
    where: { platform: { in: platforms }, startedPrivate: true, managedCells: { some: { cellId } } },
  });
}

/** A person's private chat with the bot: on both platforms its id is the person's own. */
export function privateChatOf(identity: { platform: string; platformUserId: string }) {
  return { platform: identity.platform, chatId: identity.platformUserId };
}
