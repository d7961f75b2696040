import type { Cell } from "../db/generated/sqlite/client.js";
import { keyValueStore } from "../db/key-value.js";
import { canManageCell, cellsManagedBy } from "../domain/identities.js";
import { DomainError } from "../domain/errors.js";
import type { ChiboContext } from "./context.js";

export function isGroupChat(ctx: ChiboContext): boolean {
  return ctx.chat?.type === "group" || ctx.chat?.type === "supergroup";
}

export async function isChatAdmin(ctx: ChiboContext): Promise<boolean> {
  if (!ctx.chat || !ctx.from) return false;
  const member = await ctx.api.getChatMember(ctx.chat.id, ctx.from.id);
  return member.status === "creator" || member.status === "administrator";
}

const activeCellKey = (identityId: string) => `active-cell:${identityId}`;

export async function chooseActiveCell(ctx: ChiboContext, cellId: string): Promise<void> {
  if (ctx.identity) await keyValueStore(ctx.deps.db).set(activeCellKey(ctx.identity.id), cellId);
}

/**
 * The cell a secretary works on: the group's cell in a group, otherwise the one they manage (or chose
 * with /cell when they manage several). Refuses anyone who manages no cell.
 */
export async function requireManagedCell(ctx: ChiboContext): Promise<Cell> {
  if (!ctx.identity) throw new DomainError("errors.not_secretary");
  const cells = await cellsManagedBy(ctx.deps.db, ctx.identity.id);
  if (ctx.binding?.cell) {
    const cell = cells.find((candidate) => candidate.id === ctx.binding?.cellId);
    if (!cell) throw new DomainError("errors.not_secretary");
    return cell;
  }
  if (cells.length === 0) throw new DomainError("errors.not_secretary");
  if (cells.length === 1) return cells[0] as Cell;
  const chosen = await keyValueStore(ctx.deps.db).get<string>(activeCellKey(ctx.identity.id));
  const cell = cells.find((candidate) => candidate.id === chosen);
  if (!cell) throw new DomainError("errors.choose_cell");
  return cell;
}

/** Roster work happens in the private chat, where other members cannot read it. */
export function requirePrivateChat(ctx: ChiboContext): void {
  if (ctx.chat?.type !== "private") throw new DomainError("errors.private_only", { bot: ctx.me.username });
}

export function requireOperator(ctx: ChiboContext): void {
  if (!ctx.isOperator) throw new DomainError("errors.not_operator");
}

/** A member or manager of the cell, or anyone in one of the cell's own chats. */
export async function isInCell(ctx: ChiboContext, cellId: string): Promise<boolean> {
  if (ctx.binding?.cellId === cellId) return true;
  if (!ctx.identity) return false;
  if (ctx.identity.memberId) {
    const member = await ctx.deps.db.member.findUnique({ where: { id: ctx.identity.memberId } });
    if (member?.cellId === cellId && member.membership !== "removed") return true;
  }
  return canManageCell(ctx.deps.db, ctx.identity.id, cellId);
}
