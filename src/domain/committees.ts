import type { Db } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import { randomCode } from "./codes.js";
import { DomainError } from "./errors.js";
import type { Platform } from "./cells.js";

export const MAX_INVITES_AT_ONCE = 30;
const INVITE_CODE_LENGTH = 8;

export interface NewCommittee {
  name: string;
  platform: Platform;
  chatId: string;
  chatTitle: string | null;
  timeZone: string;
  locale: string;
}

export async function createCommittee(db: Db, actor: Actor, input: NewCommittee) {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 160) throw new DomainError("committee.bad_name");
  return db.$transaction(async (tx) => {
    const bound = await tx.chatBinding.findUnique({
      where: { platform_chatId: { platform: input.platform, chatId: input.chatId } },
    });
    if (bound) throw new DomainError(bound.kind === "cell" ? "committee.chat_is_cell" : "committee.already_exists");
    const committee = await tx.committee.create({
      data: { name, timeZone: input.timeZone, locale: input.locale, createdBy: actor.identityId },
    });
    await tx.chatBinding.create({
      data: {
        platform: input.platform,
        chatId: input.chatId,
        kind: "committee",
        committeeId: committee.id,
        title: input.chatTitle,
      },
    });
    await recordAudit(tx, actor, {
      committeeId: committee.id,
      entity: "committee",
      entityId: committee.id,
      action: "create",
      after: committee,
    });
    return committee;
  });
}

export async function issueInviteCodes(
  db: Db,
  actor: Actor,
  committeeId: string,
  count: number,
  ttlDays: number,
  now = new Date(),
) {
  if (!Number.isInteger(count) || count < 1 || count > MAX_INVITES_AT_ONCE) {
    throw new DomainError("committee.bad_invite_count", { max: MAX_INVITES_AT_ONCE });
  }
  const expiresAt = new Date(now.getTime() + ttlDays * 24 * 60 * 60 * 1000);
  const codes = Array.from({ length: count }, () => randomCode(INVITE_CODE_LENGTH));
  await db.$transaction(async (tx) => {
    for (const code of codes) await tx.inviteCode.create({ data: { code, committeeId, expiresAt } });
    await recordAudit(tx, actor, { committeeId, entity: "invite_code", action: "issue", after: { count, expiresAt } });
  });
  return { codes, expiresAt };
}
