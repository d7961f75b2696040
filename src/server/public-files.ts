import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";
import type { FileLinks } from "../channels/zalo/transport.js";

const PREFIX = "public-file:";
const KEEP_DAYS = 30;

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ics: "text/calendar; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

interface StoredFile {
  name: string;
  base64: string;
  expiresAt: string;
}

/**
 * Files a platform cannot take as uploads (Zalo), published at an unguessable URL under PUBLIC_BASE_URL for 30 days.
 * They live in the database, so any instance behind the load balancer can serve them.
 */
export class PublicFiles implements FileLinks {
  constructor(
    private readonly db: Db,
    private readonly baseUrl: string,
    private readonly now: () => Date,
  ) {}

  async publish(fileName: string, data: Uint8Array): Promise<string> {
    const token = randomBytes(16).toString("hex");
    const name = fileName.replace(/[^\w.-]+/g, "-");
    const stored: StoredFile = {
      name,
      base64: Buffer.from(data).toString("base64"),
      expiresAt: new Date(this.now().getTime() + KEEP_DAYS * 86_400_000).toISOString(),
    };
    await this.db.storageEntry.create({ data: { key: PREFIX + token, value: JSON.stringify(stored) } });
    return `${this.baseUrl}/files/${token}/${name}`;
  }

  /** The file at /files/TOKEN/NAME, unless the link is wrong or expired. */
  async read(path: string): Promise<{ name: string; data: Buffer; contentType: string } | undefined> {
    const [, token, name] = /^\/files\/([0-9a-f]{32})\/([\w.-]+)$/.exec(path) ?? [];
    if (!token) return undefined;
    const entry = await this.db.storageEntry.findUnique({ where: { key: PREFIX + token } });
    if (!entry) return undefined;
    const stored = JSON.parse(entry.value) as StoredFile;
    if (stored.name !== name || new Date(stored.expiresAt) <= this.now()) return undefined;
    const extension = name.split(".").pop() ?? "";
    return {
      name,
      data: Buffer.from(stored.base64, "base64"),
      contentType: CONTENT_TYPES[extension] ?? "application/octet-stream",
    };
  }
}
