import { randomInt } from "node:crypto";

// No 0/O, 1/I/L: codes are read aloud and typed by elderly members.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function randomCode(length: number): string {
  let code = "";
  for (let i = 0; i < length; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Upper-cases and drops spaces and dashes, so "abcd-efgh" and "ABCD EFGH" both match. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, "");
}
