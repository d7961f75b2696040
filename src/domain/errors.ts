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
}
