/**
 * Checks call parameters against the generated Bot API table and coerces them:
 * form/query strings become numbers/booleans/objects where the table says so,
 * `attach://x` references and directly named parts become UploadedFile values.
 */
import { badRequest } from "./errors.js";
import { isUploadedFile, type Params, type UploadedFile } from "./http-body.js";
import type { MethodSpec, SpecTable, TypeSpec } from "./spec-table.js";

class TypeMismatch extends Error {}

const INTEGER_STRING = /^[+-]?\d+$/;
const FLOAT_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "Array";
  if (isUploadedFile(value)) return "InputFile";
  if (typeof value === "string") return `String ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number") return `${Number.isInteger(value) ? "Integer" : "Float"} ${value}`;
  return typeof value === "boolean" ? `Boolean ${value}` : "Object";
}

function mismatch(path: string, expected: string, value: unknown): TypeMismatch {
  const where = path === "" ? "" : `${path}: `;
  return new TypeMismatch(`${where}expected ${expected}, got ${describe(value)}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isUploadedFile(v);
}

/** Top-level parameters may carry JSON-serialised objects and arrays as strings. */
function parseJsonString(value: unknown, lenient: boolean): unknown {
  if (!lenient || typeof value !== "string") return value;
  const t = value.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

export class Validator {
  constructor(
    private readonly table: SpecTable,
    private readonly files: ReadonlyMap<string, UploadedFile>,
  ) {}

  /** Validates and coerces all parameters of one call; unknown parameters are dropped like Telegram ignores them. */
  params(method: MethodSpec, raw: Params): Params {
    const out: Params = {};
    for (const field of method.params) {
      let value: unknown = raw[field.name];
      if (value === undefined || value === null) value = this.files.get(field.name);
      if (value === undefined || value === null) {
        if (field.required) throw badRequest(`${field.name} is empty`);
        continue;
      }
      try {
        out[field.name] = this.value(value, field.types, "", true);
      } catch (err) {
        if (!(err instanceof TypeMismatch)) throw err;
        throw badRequest(`invalid parameter "${field.name}": ${err.message}`);
      }
    }
    return out;
  }

  /** Checks a value against a type expression such as "Array of MessageEntity" or "InputFile or String". */
  value(value: unknown, expr: string, path: string, lenient: boolean): unknown {
    const alternatives = expr.split(" or ").map((s) => s.trim());
    if (alternatives.length === 1) return this.single(value, expr, path, lenient);
    const objectAlt = this.pickObjectAlternative(value, alternatives, lenient);
    if (objectAlt !== undefined) return this.single(value, objectAlt, path, lenient);
    for (const alt of alternatives) {
      try {
        return this.single(value, alt, path, lenient);
      } catch (err) {
        if (!(err instanceof TypeMismatch)) throw err;
      }
    }
    throw mismatch(path, alternatives.join(" or "), value);
  }

  /** For unions of object types (reply_markup), pick the one whose required fields are present to report precise errors. */
  private pickObjectAlternative(value: unknown, alternatives: string[], lenient: boolean): string | undefined {
    const parsed = parseJsonString(value, lenient);
    if (!isPlainObject(parsed)) return undefined;
    const candidates = alternatives.filter((alt) => {
      const spec = this.table.types.get(alt);
      const required = spec?.fields?.filter((f) => f.required) ?? [];
      return spec?.fields !== undefined && required.length > 0 && required.every((f) => parsed[f.name] !== undefined);
    });
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  private single(value: unknown, type: string, path: string, lenient: boolean): unknown {
    if (type.startsWith("Array of ")) return this.array(value, type.slice("Array of ".length), path, lenient);
    switch (type) {
      case "Integer":
        return this.integer(value, path, lenient);
      case "Float":
        return this.float(value, path, lenient);
      case "Boolean":
      case "True":
        return this.boolean(value, type, path, lenient);
      case "String":
        return this.string(value, path, lenient);
      case "InputFile":
        return this.inputFile(value, path);
      default:
        return this.object(value, type, path, lenient);
    }
  }

  private integer(value: unknown, path: string, lenient: boolean): number {
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (lenient && typeof value === "string" && INTEGER_STRING.test(value.trim())) {
      const n = Number(value.trim());
      if (Number.isSafeInteger(n)) return n;
    }
    throw mismatch(path, "Integer", value);
  }

  private float(value: unknown, path: string, lenient: boolean): number {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (lenient && typeof value === "string" && FLOAT_STRING.test(value.trim())) return Number(value.trim());
    throw mismatch(path, "Float", value);
  }

  private boolean(value: unknown, type: "Boolean" | "True", path: string, lenient: boolean): boolean {
    let b: boolean | undefined = typeof value === "boolean" ? value : undefined;
    if (b === undefined && lenient && typeof value === "string") {
      const s = value.trim().toLowerCase();
      if (s === "true" || s === "1") b = true;
      if (s === "false" || s === "0") b = false;
    }
    if (b === undefined || (type === "True" && !b)) throw mismatch(path, type, value);
    return b;
  }

  private string(value: unknown, path: string, lenient: boolean): string {
    if (typeof value === "string") return value;
    // Like the real server, top-level numbers are accepted where a String is expected.
    if (lenient && typeof value === "number" && Number.isFinite(value)) return String(value);
    throw mismatch(path, "String", value);
  }

  private inputFile(value: unknown, path: string): UploadedFile {
    if (isUploadedFile(value)) return value;
    if (typeof value === "string" && value.startsWith("attach://")) {
      const file = this.files.get(value.slice("attach://".length));
      if (file !== undefined) return file;
      throw new TypeMismatch(`${path === "" ? "" : `${path}: `}file ${value} is missing from the multipart/form-data request`);
    }
    throw mismatch(path, "InputFile", value);
  }

  private array(value: unknown, itemType: string, path: string, lenient: boolean): unknown[] {
    const parsed = parseJsonString(value, lenient);
    if (!Array.isArray(parsed)) throw mismatch(path, `Array of ${itemType}`, value);
    return parsed.map((item: unknown, i) => this.value(item, itemType, `${path}[${i}]`, false));
  }

  private object(value: unknown, typeName: string, path: string, lenient: boolean): Record<string, unknown> {
    const parsed = parseJsonString(value, lenient);
    if (!isPlainObject(parsed)) throw mismatch(path, typeName, value);
    const spec = this.table.types.get(typeName);
    if (spec === undefined) return parsed; // not checked deeply
    if (spec.subtypes !== undefined) return this.abstract(parsed, spec, path);
    return this.fields(parsed, spec, path);
  }

  private abstract(value: Record<string, unknown>, spec: TypeSpec, path: string): Record<string, unknown> {
    const subtypes = (spec.subtypes ?? []).map((n) => this.table.types.get(n)).filter((t) => t !== undefined);
    const field = subtypes.find((t) => t.discriminator !== undefined)?.discriminator?.field ?? "type";
    const match = subtypes.find((t) => t.discriminator?.value === value[field]);
    if (match === undefined) {
      const allowed = subtypes.map((t) => JSON.stringify(t.discriminator?.value)).join(", ");
      const where = path === "" ? "" : `${path}.`;
      throw new TypeMismatch(`${where}${field}: ${spec.name} ${field} must be one of ${allowed}, got ${describe(value[field])}`);
    }
    return this.fields(value, match, path);
  }

  private fields(value: Record<string, unknown>, spec: TypeSpec, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = { ...value };
    for (const field of spec.fields ?? []) {
      const v = value[field.name];
      const where = path === "" ? field.name : `${path}.${field.name}`;
      if (v === undefined || v === null) {
        if (field.required) throw new TypeMismatch(`${where}: required field of ${spec.name} is missing`);
        continue;
      }
      out[field.name] = this.value(v, field.types, where, false);
    }
    return out;
  }
}
