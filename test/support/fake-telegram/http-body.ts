/** Decodes Bot API request parameters from query string, JSON, urlencoded and multipart bodies. */
import type { IncomingMessage } from "node:http";
import { badRequest } from "./errors.js";

/** A file sent in a multipart/form-data request. */
export interface UploadedFile {
  readonly kind: "upload";
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "upload";
}

/** Parameter values: JSON values from a JSON body, strings from forms/query, files from multipart. */
export type Params = Record<string, unknown>;

export interface DecodedRequest {
  params: Params;
  /** Files by multipart part name; referenced as `attach://<name>` or directly by parameter name. */
  files: Map<string, UploadedFile>;
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function decodeRequest(url: URL, contentType: string | undefined, body: Buffer): DecodedRequest {
  const params: Params = {};
  const files = new Map<string, UploadedFile>();
  for (const [k, v] of url.searchParams) params[k] = v;
  const type = (contentType ?? "").toLowerCase();
  if (body.length === 0) return { params, files };
  if (type.startsWith("application/json")) {
    Object.assign(params, parseJsonObject(body.toString("utf8")));
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params[k] = v;
  } else if (type.startsWith("multipart/form-data")) {
    decodeMultipart(body, boundaryOf(contentType ?? ""), params, files);
  }
  return { params, files };
}

function parseJsonObject(text: string): Params {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("can't parse JSON encoded request body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("JSON encoded request body must be an object");
  }
  return value as Params;
}

function boundaryOf(contentType: string): string {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (boundary === undefined) throw badRequest("multipart/form-data request without boundary");
  return boundary;
}

interface Part {
  headers: Map<string, string>;
  data: Buffer;
}

function decodeMultipart(body: Buffer, boundary: string, params: Params, files: Map<string, UploadedFile>): void {
  for (const part of splitParts(body, boundary)) {
    const disposition = part.headers.get("content-disposition") ?? "";
    const name = dispositionParam(disposition, "name");
    if (name === undefined) continue;
    const filename = dispositionParam(disposition, "filename");
    if (filename === undefined) {
      params[name] = part.data.toString("utf8");
    } else {
      const contentType = part.headers.get("content-type") ?? "application/octet-stream";
      files.set(name, { kind: "upload", filename, contentType, data: part.data });
    }
  }
}

function splitParts(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw badRequest("malformed multipart/form-data body");
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") break;
    pos = skipLineBreak(body, pos);
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) throw badRequest("malformed multipart/form-data body");
    const headers = parseHeaders(body.subarray(pos, headerEnd).toString("utf8"));
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), dataStart);
    if (next < 0) throw badRequest("malformed multipart/form-data body");
    parts.push({ headers, data: Buffer.from(body.subarray(dataStart, next)) });
    pos = next + 2;
  }
  return parts;
}

function skipLineBreak(body: Buffer, pos: number): number {
  if (body[pos] === 0x0d && body[pos + 1] === 0x0a) return pos + 2;
  if (body[pos] === 0x0a) return pos + 1;
  return pos;
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** Reads `name="x"` or `filename=x y.pdf` (grammY sends file names unquoted) from a Content-Disposition value. */
export function dispositionParam(disposition: string, key: "name" | "filename"): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${key}="([^"]*)"`, "i").exec(disposition);
  if (quoted?.[1] !== undefined) return quoted[1];
  const rest = key === "filename" ? "(.*)$" : "([^;]*)";
  const bare = new RegExp(`(?:^|;)\\s*${key}=${rest}`, "i").exec(disposition);
  return bare?.[1]?.trim();
}
