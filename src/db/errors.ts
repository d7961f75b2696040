// Whether an error means the database could not be reached (so the work should be tried again later), as opposed
// to a refused or broken query.

const UNREACHABLE_CODES = new Set([
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "57P01",
  "57P03",
]);
const UNREACHABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|Can't reach database|connection (?:is )?closed|terminating connection|timeout exceeded when trying to connect|database is locked|SQLITE_BUSY|the database system is (?:shutting down|starting up)/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
  if (typeof message === "string" && UNREACHABLE_TEXT.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
