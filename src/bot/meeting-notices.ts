import type { Meeting, PlatformIdentity } from "../db/generated/sqlite/client.js";
import { answeredMembers, cellBindings } from "../domain/meeting-service.js";
import type { Translate } from "../i18n.js";
import { isServed, postToChat } from "./chat-post.js";
import type { BotDeps } from "./context.js";

/**
 * Tells the cell about a change to a meeting: one notice in each of the cell's chats, and a private message to
 * every member who had answered and can be reached privately. A change that clears the answers passes who had
 * answered, read in the same transaction that cleared them.
 */
export async function announceChange(
  deps: BotDeps,
  meeting: Meeting,
  render: (t: Translate) => string,
  answered?: PlatformIdentity[],
) {
  await announceToCell(deps, meeting, render);
  for (const identity of answered ?? (await answeredMembers(deps.db, meeting.id))) {
    if (!isServed(deps, identity) || !identity.startedPrivate) continue;
    const chat = { platform: identity.platform, chatId: identity.platformUserId };
    await postToChat(deps, chat, render(deps.translations.t(identity.locale)), { parse_mode: "HTML" }).catch((error: unknown) =>
      deps.logger.warn({ err: error, identityId: identity.id }, "could not tell a member about a change"),
    );
  }
}

/** One message in each chat of the meeting's cell, in that chat's language. */
export async function announceToCell(deps: BotDeps, meeting: Meeting, render: (t: Translate) => string) {
  const cell = await deps.db.cell.findUniqueOrThrow({ where: { id: meeting.cellId } });
  for (const binding of await cellBindings(deps.db, cell.id)) {
    if (!isServed(deps, binding)) continue;
    await postToChat(deps, binding, render(deps.translations.t(binding.locale, cell.locale)), { parse_mode: "HTML" }).catch(
      (error: unknown) => deps.logger.warn({ err: error, bindingId: binding.id }, "could not post to a cell chat"),
    );
  }
}

/** The committee learns of every meeting its cells announce (HD 42: the committee member following the cell is told). */
export async function noticeToCommittee(deps: BotDeps, meeting: Meeting, render: (t: Translate) => string) {
  const cell = await deps.db.cell.findUniqueOrThrow({ where: { id: meeting.cellId } });
  if (!cell.committeeId) return;
  const chats = await deps.db.chatBinding.findMany({
    where: { committeeId: cell.committeeId, kind: "committee", active: true, platform: { in: deps.channels.platforms() } },
  });
  for (const chat of chats) {
    await postToChat(deps, chat, render(deps.translations.t(chat.locale)), { parse_mode: "HTML" }).catch((error: unknown) =>
      deps.logger.warn({ err: error, bindingId: chat.id }, "could not notify the committee"),
    );
  }
}
