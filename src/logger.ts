import { pino, stdSerializers, type Logger } from "pino";

export type { Logger };

/** A Bot API URL (…/bot<token>/method), as network errors quote it: the token part is hidden. */
const TOKEN_IN_URL = /\/bot[^/\s:]+:[^/\s]+/g;

/**
 * Errors as pino serializes them, minus what would put members' data or secrets in the log: a failed call's
 * `payload` (the message text sent, with names and reasons) and the token inside a quoted request URL.
 */
function safeError(error: Error): unknown {
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return value.replace(TOKEN_IN_URL, "/bot[redacted]");
    if (value === null || typeof value !== "object" || depth > 6) return value;
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === "payload" ? "[redacted]" : scrub(inner, depth + 1)]),
    );
  };
  return scrub(stdSerializers.err(error), 0);
}

/** The one logger. JSON lines on stdout; secrets are redacted wherever they appear as fields. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: "chibo" },
      redact: { paths: ["token", "*.token", "secret", "*.secret", "config.telegram.token"], censor: "[redacted]" },
      serializers: { err: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
