// A cell can have a chat on each platform (a Telegram group and a Zalo group). A secretary adds one with a one-time
// code issued in a chat the cell already has; "/setup CODE" in the new group binds it to the same cell.
import type { Db } from "../db/client.js";
import { recordAudit, type Actor } from "./audit.js";
import type { Platform } from "./cells.js";
import { normalizeCode, randomCode } from "./codes.js";
import { DomainError } from "./errors.js";

export const CHAT_CODE_TTL_HOURS = 48;
const PREFIX = "chat-code:";

interface StoredChatCode {
  cellId: string;
  expiresAt: string;
  issuedBy: string | null;
  usedAt?: string;
}

export async function issueChatCode(db: Db, actor: Actor, cellId: string, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const code = randomCode(8);
  const expiresAt = new Date(now.getTime() + CHAT_CODE_TTL_HOURS * 3600_000);
  const stored: StoredChatCode = { cellId, expiresAt: expiresAt.toISOString(), issuedBy: actor.identityId };
  await db.storageEntry.create({ data: { key: PREFIX + code, value: JSON.stringify(stored) } });
  await recordAudit(db, actor, { cellId, entity: "chat_code", entityId: null, action: "issue", after: { expiresAt } });
  return { code, expiresAt };
}

/** Whether the text is a chat code that was issued (used and expired ones too: redeeming them says so). */
export async function isChatCode(db: Db, input: string): Promise<boolean> {
  return (await db.storageEntry.count({ where: { key: PREFIX + normalizeCode(input) } })) > 0;
}

export interface ChatToBind {
  platform: Platform;
  chatId: string;
  chatTitle: string | null;
  /** Who redeems the code: holding it shows the secretary sent it, so they may manage the cell from this platform. */
  identityId: string;
}

/** Binds a group to the code's cell, once: a used, expired or unknown code is refused, as is a group already bound. */
export async function redeemChatCode(db: Db, actor: Actor, input: string, chat: ChatToBind, now: Date) {
  const key = PREFIX + normalizeCode(input);
  return db.$transaction(async (tx) => {
    const entry = await tx.storageEntry.findUnique({ where: { key } });
    if (!entry) throw new DomainError("chat_code.wrong", { code: input });
    const stored = JSON.parse(entry.value) as StoredChatCode;
    if (stored.usedAt) throw new DomainError("chat_code.wrong", { code: input });
    if (new Date(stored.expiresAt) <= now) throw new DomainError("chat_code.expired", { code: input });
    // compare-and-set on the stored value: of two groups redeeming at once, one wins
    const used = JSON.stringify({ ...stored, usedAt: now.toISOString() });
    const consumed = await tx.storageEntry.updateMany({ where: { key, value: entry.value }, data: { value: used } });
    if (consumed.count !== 1) throw new DomainError("chat_code.wrong", { code: input });
    const existing = await tx.chatBinding.findUnique({
      where: { platform_chatId: { platform: chat.platform, chatId: chat.chatId } },
    });
    if (existing) throw new DomainError("setup.already_bound");
    const cell = await tx.cell.findUnique({ where: { id: stored.cellId } });
    if (!cell) throw new DomainError("chat_code.wrong", { code: input });
    const binding = await tx.chatBinding.create({
      data: { platform: chat.platform, chatId: chat.chatId, kind: "cell", cellId: cell.id, title: chat.chatTitle },
    });
    await tx.cellManager.upsert({
      where: { cellId_identityId: { cellId: cell.id, identityId: chat.identityId } },
      create: { cellId: cell.id, identityId: chat.identityId, role: "secretary" },
      update: {},
    });
    await recordAudit(tx, actor, {
      cellId: cell.id,
      entity: "chat_binding",
      entityId: binding.id,
      action: "bind",
      after: binding,
    });
    return { cell, binding };
  });
}
