import type { Cell } from "../db/generated/sqlite/client.js";
import { keyValueStore } from "../db/key-value.js";
import { canManageCell, cellsManagedBy } from "../domain/identities.js";
import { DomainError } from "../domain/errors.js";
import { findMeeting, type MeetingWithAgenda } from "../domain/meeting-service.js";
import type { ChiboContext } from "./context.js";

export function isGroupChat(ctx: ChiboContext): boolean {
  return ctx.chat?.type === "group" || ctx.chat?.type === "supergroup";
}

/**
 * Whether the sender administers the group. A platform that cannot tell (Zalo) lets any member set up a group that
 * is not bound yet: the one who does becomes its secretary, and a bound group is never taken over this way.
 */
export async function isChatAdmin(ctx: ChiboContext): Promise<boolean> {
  if (!ctx.chat || !ctx.from) return false;
  if (!ctx.capabilities.chatAdmins) return !ctx.binding;
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
  // in a group that is not a cell's (the committee's, or one never set up) a cell's business stays out of sight
  if (isGroupChat(ctx) && !ctx.binding?.cell) throw new DomainError("errors.cell_group_only");
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

/** The cell someone belongs to: the group's cell in a group, else the cell of the roster entry they are linked to. */
async function ownCell(ctx: ChiboContext): Promise<Cell | undefined> {
  if (ctx.binding?.cell) return ctx.binding.cell;
  if (isGroupChat(ctx)) throw new DomainError("errors.cell_group_only");
  if (!ctx.identity?.memberId) return undefined;
  const member = await ctx.deps.db.member.findUnique({ where: { id: ctx.identity.memberId }, include: { cell: true } });
  return member?.cell;
}

/** The cell a member asks about (their group's, or their own); refuses someone linked to no roster entry. */
export async function requireMemberCell(ctx: ChiboContext): Promise<Cell> {
  const cell = await ownCell(ctx);
  if (!cell) throw new DomainError("link.me_unlinked");
  return cell;
}

/** The cell a member or secretary asks about: the group's cell, else their own, else the one they manage. */
export async function requireCellAskedAbout(ctx: ChiboContext): Promise<Cell> {
  return (await ownCell(ctx)) ?? requireManagedCell(ctx);
}

/**
 * The meeting of the cell a command names by its code (a code from another cell is refused as not found), else
 * the cell's next published meeting; `sinceHours` also counts one that started that long ago (meeting day).
 */
export async function requireMeeting(
  ctx: ChiboContext,
  cell: Cell,
  code: string,
  { sinceHours = 0 } = {},
): Promise<MeetingWithAgenda> {
  if (code) return findMeeting(ctx.deps.db, code, cell.id);
  const since = new Date(ctx.deps.now().getTime() - sinceHours * 3600_000);
  const next = await ctx.deps.db.meeting.findFirst({
    where: { cellId: cell.id, status: "published", startsAt: { gt: since } },
    orderBy: { startsAt: "asc" },
  });
  if (!next) throw new DomainError("meeting.none_upcoming");
  return findMeeting(ctx.deps.db, next.code, cell.id);
}

/** The meeting a member or secretary asks about (named by code, or the next one) and its cell. */
export async function requireMeetingAskedAbout(
  ctx: ChiboContext,
  code: string,
): Promise<{ cell: Cell; meeting: MeetingWithAgenda }> {
  const cell = await requireCellAskedAbout(ctx);
  return { cell, meeting: await requireMeeting(ctx, cell, code) };
}

/**
 * "[CODE] words…" from a secretary: the meeting a leading code names (of this cell), else the next one, and the
 * words that follow (a search query).
 */
export async function requireMeetingAndQuery(
  ctx: ChiboContext,
  cell: Cell,
  text: string,
  options: { sinceHours?: number } = {},
): Promise<{ meeting: MeetingWithAgenda; query: string }> {
  const [first = "", ...rest] = text.trim().split(/\s+/);
  const byCode = first ? await findMeeting(ctx.deps.db, first, cell.id).catch(() => undefined) : undefined;
  const meeting = byCode ?? (await requireMeeting(ctx, cell, "", options));
  return { meeting, query: (byCode ? rest : [first, ...rest]).join(" ").trim() };
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
