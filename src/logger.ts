import { pino, type Logger } from "pino";

export type { Logger };

/** The one logger. JSON lines on stdout; secrets are redacted wherever they appear as fields. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: "chibo" },
      redact: { paths: ["token", "*.token", "secret", "*.secret", "config.telegram.token"], censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
