// Callback data is `feature:action:arg…`, at most 64 bytes. It only names what was tapped: every handler
// re-checks on the server who may do it.
const MAX_BYTES = 64;
const SEPARATOR = ":";

export function callbackData(feature: string, action: string, ...args: (string | number)[]): string {
  const data = [feature, action, ...args.map(String)].join(SEPARATOR);
  if (Buffer.byteLength(data, "utf8") > MAX_BYTES) throw new Error(`callback data over ${MAX_BYTES} bytes: ${data}`);
  return data;
}

export interface ParsedCallback {
  action: string;
  args: string[];
}

export function parseCallback(data: string, feature: string): ParsedCallback | undefined {
  const parts = data.split(SEPARATOR);
  if (parts[0] !== feature || parts.length < 2 || !parts[1]) return undefined;
  return { action: parts[1], args: parts.slice(2) };
}

/** Matches callback data of one feature for `bot.callbackQuery`. */
export function featurePattern(feature: string): RegExp {
  return new RegExp(`^${feature}${SEPARATOR}`);
}
