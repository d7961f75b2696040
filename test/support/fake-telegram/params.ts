/** Typed access to parameters that the Validator already checked and coerced. */
import { badRequest } from "./errors.js";
import { isUploadedFile, type Params, type UploadedFile } from "./http-body.js";

export function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  return typeof v === "number" ? v : undefined;
}

export function int(p: Params, name: string, missing = `${name} is empty`): number {
  const v = optInt(p, name);
  if (v === undefined) throw badRequest(missing);
  return v;
}

export function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  return typeof v === "string" ? v : undefined;
}

export function str(p: Params, name: string, missing = `${name} is empty`): string {
  const v = optStr(p, name);
  if (v === undefined) throw badRequest(missing);
  return v;
}

export function bool(p: Params, name: string): boolean {
  return p[name] === true;
}

export function optObj(p: Params, name: string): Record<string, unknown> | undefined {
  const v = p[name];
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isUploadedFile(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

export function optArr(p: Params, name: string): unknown[] | undefined {
  const v = p[name];
  return Array.isArray(v) ? v : undefined;
}

/** "InputFile or String" parameters: an upload, or a file_id / URL string. */
export function fileOrString(p: Params, name: string): UploadedFile | string {
  const v = p[name];
  if (isUploadedFile(v) || typeof v === "string") return v;
  throw badRequest(`there is no ${name} in the request`);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
