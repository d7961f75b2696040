/**
 * A rule the user broke, with a locale key the bot turns into a message in the user's language.
 * Anything else thrown is a bug and reaches the error boundary.
 */
export class DomainError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }

  /** No other answer can put it right: the thing is gone or closed, or it is not the person's to do. */
  get lasting(): boolean {
    return this.key.startsWith("errors.") || LASTING_REFUSALS.has(this.key);
  }
}

/** Beside the general refusals under `errors.` (not the secretary, a stale button…). */
export const LASTING_REFUSALS: ReadonlySet<string> = new Set([
  "meeting.not_found",
  "rsvp.cancelled",
  "rsvp.closed",
  "rsvp.deadline_passed",
  "rsvp.not_in_cell",
  "day.already_closed",
  "checkin.closed",
  "members.not_found",
  "members.already_removed",
  "member_data.already_erased",
  "link.member_removed",
  "link.request_gone",
  "roster.import_expired",
  "committee.not_staff",
  "invite.used",
  "invite.expired",
  "chat_code.expired",
]);
