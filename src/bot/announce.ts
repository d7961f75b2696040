import type { Cell } from "../db/generated/sqlite/client.js";
import { cellBindings, meetingTally, type MeetingWithAgenda } from "../domain/meeting-service.js";
import { announcementText, textHash } from "../render/meeting.js";
import { isServed, postToChat } from "./chat-post.js";
import type { BotDeps } from "./context.js";
import { rsvpKeyboard } from "./meeting-keyboards.js";

/**
 * Posts the announcement to every chat bound to the cell and remembers each post, so the live tally can be
 * edited in place. A chat that refuses (bot removed) is marked inactive and skipped; the others still get it.
 */
export async function postAnnouncement(deps: BotDeps, meeting: MeetingWithAgenda, cell: Cell): Promise<number> {
  const { db } = deps;
  const tally = await meetingTally(db, meeting);
  let posted = 0;
  for (const binding of await cellBindings(db, cell.id)) {
    if (!isServed(deps, binding)) continue;
    const t = deps.translations.t(binding.locale, cell.locale);
    const text = announcementText(t, meeting, cell, tally);
    try {
      const sent = await postToChat(deps, binding, text, {
        parse_mode: "HTML",
        reply_markup: rsvpKeyboard(t, meeting.code),
      });
      await db.meetingPost.create({
        data: {
          meetingId: meeting.id,
          bindingId: binding.id,
          kind: "announcement",
          messageId: String(sent.message_id),
          renderedHash: textHash(text),
        },
      });
      posted++;
    } catch (error) {
      deps.logger.warn({ err: error, bindingId: binding.id }, "could not post an announcement");
    }
  }
  return posted;
}
